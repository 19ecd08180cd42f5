// Contacts view: list with stage/tag filters, find by handle, one contact's detail, CSV import.
import { api } from './api.js';
import { clearError, enumLabel, errorSlot, formatTime, h, handlesOf, memberLabel, replaceChildren, runAction, showError } from './dom.js';
import { showContact } from './contact_detail.js';
import { csvImport } from './csv_import.js';

const STAGES = ['', 'STAGE_CONTACT', 'STAGE_LEAD', 'STAGE_MEMBER', 'STAGE_ALUMNI'];
const PAGE_SIZE = 50;

export function mountContacts(container) {
  const slot = errorSlot('contacts-error');
  const detail = h('div', { class: 'detail', 'data-testid': 'contact-panel' });
  const body = h('tbody');
  const stage = h('select', { 'data-testid': 'filter-stage' },
    STAGES.map((value) => h('option', { value }, value ? enumLabel(value, 'STAGE_') : 'any stage')));
  const tag = h('input', { type: 'text', placeholder: 'tag', 'data-testid': 'filter-tag' });
  const apply = h('button', { type: 'submit', 'data-testid': 'filter-apply' }, 'Filter');
  const more = h('button', { type: 'button', 'data-testid': 'contacts-more', hidden: true }, 'More');
  let nextPageToken = '';

  const handleKind = h('select', { 'data-testid': 'find-kind' },
    h('option', { value: 'HANDLE_PHONE' }, 'phone'), h('option', { value: 'HANDLE_WECHAT' }, 'WeChat id'),
    h('option', { value: 'HANDLE_EMAIL' }, 'email'));
  const handleValue = h('input', { type: 'text', placeholder: 'phone, WeChat id or email', 'data-testid': 'find-value' });
  const find = h('button', { type: 'submit', 'data-testid': 'find-submit' }, 'Find');
  const findSlot = errorSlot('find-error');

  function row(member) {
    const open = h('button', { type: 'button', class: 'link', 'data-testid': 'contact-open' }, memberLabel(member));
    open.addEventListener('click', () => showContact(detail, member.id));
    return h('tr', { 'data-testid': 'contact-row', 'data-member-id': member.id },
      h('td', {}, open), h('td', { class: 'muted' }, handlesOf(member)),
      h('td', {}, enumLabel(member.stage, 'STAGE_')), h('td', {}, (member.tags || []).join(', ')),
      h('td', {}, formatTime(member.lastContactedAt) || 'never'));
  }

  async function loadPage(append) {
    clearError(slot);
    try {
      const page = await api('GET', '/v1/members', {
        query: { stage: stage.value, tag: tag.value.trim(), page_size: PAGE_SIZE, page_token: append ? nextPageToken : '' },
      });
      const rows = (page.members || []).map(row);
      if (append) body.append(...rows);
      else replaceChildren(body, rows.length ? rows : h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No contact matches.')));
      nextPageToken = page.nextPageToken || '';
      more.hidden = !nextPageToken;
    } catch (error) {
      showError(slot, 'Loading the contacts', error);
    }
  }

  const filterForm = h('form', { class: 'inline-form' }, stage, tag, apply);
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    loadPage(false);
  });
  more.addEventListener('click', () => loadPage(true));
  const findForm = h('form', { class: 'inline-form' }, handleKind, handleValue, find);
  findForm.addEventListener('submit', (event) => {
    event.preventDefault();
    runAction(find, findSlot, 'Finding the contact', async () => {
      const member = await api('GET', '/v1/members:findByHandle', {
        query: { kind: handleKind.value, value: handleValue.value.trim() },
      });
      await showContact(detail, member.id);
    });
  });

  replaceChildren(container,
    h('div', { class: 'view-head' }, h('h2', {}, 'Contacts')),
    h('div', { class: 'two-columns' },
      h('div', {},
        h('div', { class: 'toolbar' }, filterForm, findForm), findSlot, slot,
        h('table', { class: 'list', 'data-testid': 'contact-list' },
          h('thead', {}, h('tr', {}, ['Name', 'Handles', 'Stage', 'Tags', 'Last contacted'].map((c) => h('th', {}, c)))),
          body),
        more, csvImport(() => loadPage(false))),
      detail));
  return { refresh: () => loadPage(false) };
}
