// The dashboard's shell: sign in/out with an operator token and switch between the four views.
import { api, forgetToken, saveToken, savedToken } from './api.js';
import { mountPrograms } from './programs.js';
import { mountOutreach } from './outreach.js';
import { mountContacts } from './contacts.js';
import { mountFunnel } from './funnel.js';

const TABS = ['programs', 'outreach', 'contacts', 'funnel'];
const mounters = {
  programs: mountPrograms,
  outreach: mountOutreach,
  contacts: mountContacts,
  funnel: mountFunnel,
};
const views = {};  // tab -> {refresh()} once mounted

const byId = (id) => document.getElementById(id);

function showSignIn(message) {
  byId('workspace').hidden = true;
  byId('sign-out').hidden = true;
  byId('signed-in-as').hidden = true;
  byId('sign-in-panel').hidden = false;
  const slot = byId('sign-in-error');
  slot.hidden = !message;
  slot.textContent = message || '';
  byId('token-input').focus();
}

function currentTab() {
  const wanted = location.hash.replace('#', '');
  return TABS.includes(wanted) ? wanted : 'programs';
}

function showTab(tab) {
  for (const name of TABS) {
    byId(`view-${name}`).hidden = name !== tab;
    const button = document.querySelector(`[data-tab="${name}"]`);
    button.setAttribute('aria-selected', String(name === tab));
  }
  if (!views[tab]) views[tab] = mounters[tab](byId(`view-${tab}`));
  views[tab].refresh();
}

function showWorkspace() {
  byId('sign-in-panel').hidden = true;
  byId('workspace').hidden = false;
  byId('sign-out').hidden = false;
  const who = byId('signed-in-as');
  who.hidden = false;
  who.textContent = 'signed in';
  showTab(currentTab());
}

// A token is accepted when the cheapest authenticated call succeeds with it.
async function signIn(token) {
  saveToken(token);
  try {
    await api('GET', '/v1/programs', { query: { page_size: 1 } });
  } catch (error) {
    forgetToken();
    showSignIn(`Sign in failed: ${error.message}`);
    return;
  }
  showWorkspace();
}

function signOut() {
  forgetToken();
  for (const tab of TABS) {
    delete views[tab];
    byId(`view-${tab}`).replaceChildren();
  }
  byId('token-input').value = '';
  showSignIn('');
}

byId('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn(byId('token-input').value.trim());
});
byId('sign-out').addEventListener('click', signOut);
for (const button of document.querySelectorAll('[data-tab]')) {
  button.addEventListener('click', () => {
    location.hash = button.dataset.tab;
  });
}
window.addEventListener('hashchange', () => {
  if (savedToken()) showTab(currentTab());
});

if (savedToken()) signIn(savedToken());
else showSignIn('');
