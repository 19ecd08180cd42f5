// One programme's card: its batches as fill bars (seats/capacity, state, time to fill), the
// waitlist length, Dunbar's-number warnings, "open the next batch", enrolment, roster and waitlist.
import { api } from './api.js';
import {
  clearError, enumLabel, errorSlot, fillBar, formatDuration, formatMoney, h, replaceChildren,
  runAction, showError, showNotice,
} from './dom.js';
import { enrolPicker } from './enrol_picker.js';
import { rosterPanel, waitlistPanel } from './roster.js';

const DUNBAR_NUMBER = 150;

function warningsOf(program) {
  const warnings = [...(program.warnings || [])];
  if (program.cohortCapacity > DUNBAR_NUMBER && warnings.length === 0) {
    warnings.push(
      `cohort_capacity ${program.cohortCapacity} is above Dunbar's number (${DUNBAR_NUMBER}): ` +
        'groups this size lose their warmth',
    );
  }
  return warnings;
}

function batchRow(cohortStats, onShowRoster) {
  const cohort = cohortStats.cohort;
  const fillTime = formatDuration(cohortStats.timeToFillSeconds);
  return h(
    'tr',
    { 'data-testid': 'batch', 'data-cohort-id': cohort.id, 'data-cohort-number': cohort.number },
    h('td', { class: 'batch-name' }, cohort.name || `#${cohort.number}`),
    h('td', { class: 'bar-cell' }, fillBar(cohort.seatsTaken, cohort.capacity, 'batch-fill')),
    h('td', { 'data-testid': 'batch-state', class: `state ${String(cohort.state).toLowerCase()}` },
      enumLabel(cohort.state)),
    h('td', {}, fillTime ? `filled in ${fillTime}` : ''),
    h('td', {}, h('button', {
      type: 'button', 'data-testid': 'show-roster', onclick: () => onShowRoster(cohort),
    }, 'Roster')),
  );
}

export function programCard(program) {
  const card = h('article', {
    class: 'card', 'data-testid': 'program-card', 'data-program-id': program.id,
    'data-program-name': program.name,
  });
  const slot = errorSlot('program-error');
  const notice = h('div', { class: 'notice', role: 'status', 'data-testid': 'program-notice', hidden: true });
  const batches = h('tbody');
  const waitlistLength = h('span', { 'data-testid': 'waitlist-length' }, String(program.waitlistLength || 0));
  const detail = h('div', { class: 'detail' });

  async function reload() {
    clearError(slot);
    try {
      const stats = await api('GET', `/v1/programs/${encodeURIComponent(program.id)}/stats`, {
        query: { days: 7 },
      });
      replaceChildren(batches, (stats.cohorts || []).map((one) => batchRow(one, showRoster)));
      waitlistLength.textContent = String(stats.waitlistLength || 0);
    } catch (error) {
      showError(slot, 'Loading the batches', error);
    }
  }

  // After any change: the cards' figures, and the open roster/waitlist panel if any.
  async function changed(message) {
    if (message) showNotice(notice, message);
    await reload();
    if (detail.refresh) await detail.refresh();
  }

  function showRoster(cohort) {
    const panel = rosterPanel(program, cohort, changed);
    replaceChildren(detail, panel);
    detail.refresh = panel.refresh;
  }

  function showWaitlist() {
    const panel = waitlistPanel(program, changed);
    replaceChildren(detail, panel);
    detail.refresh = panel.refresh;
  }

  const openNext = h('button', { type: 'button', 'data-testid': 'open-next' }, 'Open the next batch');
  openNext.addEventListener('click', () =>
    runAction(openNext, slot, 'Opening the next batch', async () => {
      const answer = await api('POST', `/v1/programs/${encodeURIComponent(program.id)}/cohorts:openNext`, {
        body: {},
      });
      const promoted = (answer.promotedMemberIds || []).length;
      await changed(`Opened ${answer.cohort.name}; ${promoted} moved in from the waitlist.`);
    }),
  );

  const warnings = warningsOf(program);
  replaceChildren(
    card,
    h('header', {},
      h('h3', { 'data-testid': 'program-title' }, program.name),
      h('p', { class: 'meta' },
        `${program.cohortCapacity} seats a batch · ${enumLabel(program.rolloverPolicy)} · ` +
          `${formatMoney(program.price)}${program.requiresEntitlement ? ' · buyers only' : ''}` +
          `${program.archived ? ' · archived' : ''}`)),
    warnings.map((text) => h('div', { class: 'warning', 'data-testid': 'dunbar-warning' }, text)),
    h('table', { class: 'batches' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Batch'), h('th', {}, 'Seats'), h('th', {}, 'State'),
        h('th', {}, 'Time to fill'), h('th', {}))),
      batches),
    h('p', { class: 'waitlist-line' },
      'Waitlist: ', waitlistLength, ' waiting ',
      h('button', { type: 'button', 'data-testid': 'show-waitlist', onclick: showWaitlist }, 'Show waitlist'),
      ' ', openNext),
    enrolPicker(program, changed),
    notice, slot, detail,
  );
  reload();
  return card;
}
