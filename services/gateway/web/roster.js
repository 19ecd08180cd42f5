// A batch's roster (by seat) and a programme's waitlist (in order), with names from membership
// and a two-click withdraw (no confirm() dialog: the second click on the same button confirms).
import { api, listAll, membersById } from './api.js';
import {
  clearError, errorSlot, formatTime, h, handlesOf, memberLabel, replaceChildren, runAction, showError,
} from './dom.js';

function withdrawButton(program, memberId, slot, onChanged) {
  const button = h('button', { type: 'button', class: 'danger', 'data-testid': 'withdraw', 'data-member-id': memberId }, 'Withdraw');
  let armed = false;
  button.addEventListener('click', () => {
    if (!armed) {
      armed = true;
      button.textContent = 'Click again to withdraw';
      return;
    }
    runAction(button, slot, 'Withdrawing', async () => {
      const answer = await api('POST', `/v1/programs/${encodeURIComponent(program.id)}:withdraw`, {
        body: { memberId, reason: 'withdrawn from the dashboard' },
      });
      const promoted = answer.promotedMemberId ? ' The waitlist\'s head took the seat.' : '';
      await onChanged(`Withdrawn.${promoted}`);
    });
  });
  return button;
}

function panel(testId, title, columns, loadRows) {
  const slot = errorSlot(`${testId}-error`);
  const body = h('tbody');
  const heading = h('h4', {}, title);
  const element = h('div', { class: 'panel', 'data-testid': testId },
    heading, slot,
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))), body));
  element.refresh = async () => {
    clearError(slot);
    try {
      const rows = await loadRows(slot, heading);
      replaceChildren(body, rows.length ? rows : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nobody yet.')));
    } catch (error) {
      showError(slot, `Loading the ${title.toLowerCase()}`, error);
    }
  };
  element.refresh();
  return element;
}

export function rosterPanel(program, cohort, onChanged) {
  return panel('roster', `Roster of ${cohort.name}`, ['Seat', 'Name', 'Handles', 'Source', 'Seated', ''],
    async (slot, heading) => {
      const entries = await listAll(`/v1/cohorts/${encodeURIComponent(cohort.id)}/roster`, 'entries');
      heading.textContent = `Roster of ${cohort.name} (${entries.length}/${cohort.capacity})`;
      const members = await membersById(entries.map((entry) => entry.memberId));
      return entries.map((entry) => {
        const member = members.get(entry.memberId);
        return h('tr', { 'data-testid': 'roster-entry' },
          h('td', {}, entry.seatNumber), h('td', {}, memberLabel(member, entry.memberId)),
          h('td', { class: 'muted' }, member ? handlesOf(member) : '(deleted)'), h('td', {}, entry.source),
          h('td', {}, formatTime(entry.seatedAt)), h('td', {}, withdrawButton(program, entry.memberId, slot, onChanged)));
      });
    });
}

export function waitlistPanel(program, onChanged) {
  return panel('waitlist', `Waitlist of ${program.name}`, ['#', 'Name', 'Handles', 'Source', 'Joined', ''],
    async (slot) => {
      const entries = await listAll(`/v1/programs/${encodeURIComponent(program.id)}/waitlist`, 'entries');
      const members = await membersById(entries.map((entry) => entry.memberId));
      return entries.map((entry) => {
        const member = members.get(entry.memberId);
        return h('tr', { 'data-testid': 'waitlist-entry' },
          h('td', {}, entry.position), h('td', {}, memberLabel(member, entry.memberId)),
          h('td', { class: 'muted' }, member ? handlesOf(member) : '(deleted)'), h('td', {}, entry.source),
          h('td', {}, formatTime(entry.joinedAt)), h('td', {}, withdrawButton(program, entry.memberId, slot, onChanged)));
      });
    });
}
