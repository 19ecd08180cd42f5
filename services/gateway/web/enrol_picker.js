// Enrol someone in a programme: find them by member id, phone, WeChat id, email or part of the
// name (empty: the first contacts not yet enrolled), then one click enrols.
import { api, listAll } from './api.js';
import { errorSlot, h, handlesOf, memberLabel, replaceChildren, runAction, showNotice } from './dom.js';

const SHOWN = 20;
const SCANNED = 2000;  // contacts scanned by a name search (the list API has no name filter)

function handleKindOf(query) {
  if (query.includes('@')) return 'HANDLE_EMAIL';
  if (/^\+?[\d\s()-]{6,}$/.test(query)) return 'HANDLE_PHONE';
  return 'HANDLE_WECHAT';
}

// Exact lookups first (id, then handle); a miss falls through to a name search.
async function exactMatch(query) {
  for (const attempt of [
    () => api('GET', `/v1/members/${encodeURIComponent(query)}`),
    () => api('GET', '/v1/members:findByHandle', { query: { kind: handleKindOf(query), value: query } }),
  ]) {
    try {
      return await attempt();
    } catch (error) {
      if (error.httpStatus !== 404 && error.httpStatus !== 400) throw error;
    }
  }
  return null;
}

async function enrolmentsIn(programId, members) {
  const byMember = new Map();
  for (let start = 0; start < members.length; start += 500) {
    const answer = await api('POST', `/v1/programs/${encodeURIComponent(programId)}/enrollments:batchGet`, {
      body: { memberIds: members.slice(start, start + 500).map((m) => m.id) },
    });
    for (const enrollment of answer.enrollments || []) byMember.set(enrollment.memberId, enrollment);
  }
  return byMember;
}

function placeOf(enrollment) {
  if (!enrollment || enrollment.status === 'WITHDRAWN') return '';
  if (enrollment.status === 'WAITING') return `waitlist #${enrollment.waitlistPosition}`;
  return `seat ${enrollment.seat.seatNumber} in ${enrollment.seat.cohortName}`;
}

export function enrolPicker(program, onEnrolled) {
  const slot = errorSlot('enrol-error');
  const notice = h('div', { class: 'notice', role: 'status', 'data-testid': 'enrol-result', hidden: true });
  const input = h('input', {
    type: 'search', 'data-testid': 'enrol-search',
    placeholder: 'member id, phone, WeChat id, email or name (empty: not yet enrolled)',
  });
  const find = h('button', { type: 'submit', 'data-testid': 'enrol-find' }, 'Find');
  const results = h('ul', { class: 'candidates', 'data-testid': 'enrol-candidates' });

  async function search() {
    const query = input.value.trim();
    let members;
    let onlyUnenrolled = false;
    const exact = query ? await exactMatch(query) : null;
    if (exact) {
      members = [exact];
    } else {
      const needle = query.toLowerCase();
      members = (await listAll('/v1/members', 'members', { limit: SCANNED })).filter(
        (m) => !needle || [m.name, m.phone, m.wechatId, m.email].some((v) => (v || '').toLowerCase().includes(needle)),
      );
      onlyUnenrolled = !query;
    }
    const places = await enrolmentsIn(program.id, members);
    if (onlyUnenrolled) members = members.filter((m) => !placeOf(places.get(m.id)));
    members = members.slice(0, SHOWN);
    if (members.length === 0) {
      replaceChildren(results, h('li', { class: 'empty' }, 'No matching contact.'));
      return;
    }
    replaceChildren(results, members.map((member) => candidateRow(member, placeOf(places.get(member.id)))));
  }

  function candidateRow(member, place) {
    const enrol = h('button', { type: 'button', 'data-testid': 'enrol-candidate', 'data-member-id': member.id }, 'Enrol');
    enrol.addEventListener('click', () =>
      runAction(enrol, slot, `Enrolling ${memberLabel(member)}`, async () => {
        const answer = await api('POST', `/v1/programs/${encodeURIComponent(program.id)}:enroll`, {
          body: { memberId: member.id, source: 'dashboard' },
        });
        let text = `${memberLabel(member)}: ${answer.result.toLowerCase().replace('_', ' ')}`;
        if (answer.seat && answer.seat.cohortName) text += `, seat ${answer.seat.seatNumber} in ${answer.seat.cohortName}`;
        if (answer.result === 'WAITLISTED') text += `, waitlist #${answer.waitlistPosition}`;
        if (answer.cohortFilled) text += '. That batch is now full';
        if (answer.openedCohort && answer.openedCohort.name) text += `; ${answer.openedCohort.name} opened`;
        showNotice(notice, `${text}.`);
        await onEnrolled();
        await search();
      }),
    );
    return h('li', { 'data-testid': 'candidate' },
      h('span', { class: 'who' }, memberLabel(member)),
      h('span', { class: 'muted' }, handlesOf(member)),
      place ? h('span', { class: 'place' }, place) : enrol);
  }

  const form = h('form', { class: 'inline-form' }, input, find);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    runAction(find, slot, 'Finding contacts', search);
  });
  return h('details', { class: 'enrol', 'data-testid': 'enrol-picker' },
    h('summary', { 'data-testid': 'enrol-open' }, 'Enrol someone'), form, notice, slot, results);
}
