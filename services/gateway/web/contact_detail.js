// One contact: its details, interactions (newest first), entitlements and enrolments.
import { api } from './api.js';
import { enumLabel, errorSlot, formatMoney, formatTime, h, handlesOf, memberLabel, replaceChildren, showError } from './dom.js';

function section(title, items, render) {
  return h('section', {}, h('h4', {}, title),
    items.length ? h('ul', { class: 'plain' }, items.map((item) => h('li', {}, render(item)))) : h('p', { class: 'empty' }, 'none'));
}

export async function showContact(container, memberId) {
  const slot = errorSlot('contact-error');
  replaceChildren(container, h('p', { class: 'muted' }, 'Loading...'), slot);
  const id = encodeURIComponent(memberId);
  try {
    const [member, interactions, entitlements, enrollments] = await Promise.all([
      api('GET', `/v1/members/${id}`),
      api('GET', `/v1/members/${id}/interactions`, { query: { page_size: 50 } }),
      api('GET', `/v1/members/${id}/entitlements`, { query: { include_revoked: true } }),
      api('GET', `/v1/members/${id}/enrollments`),
    ]);
    const preference = member.preference || {};
    replaceChildren(container,
      h('div', { class: 'panel', 'data-testid': 'contact-detail', 'data-member-id': member.id },
        h('h3', { 'data-testid': 'contact-name' }, memberLabel(member)),
        h('p', { class: 'meta' }, handlesOf(member)),
        h('dl', {},
          h('dt', {}, 'Stage'), h('dd', {}, enumLabel(member.stage, 'STAGE_')),
          h('dt', {}, 'Tags'), h('dd', {}, (member.tags || []).join(', ') || '-'),
          h('dt', {}, 'Source'), h('dd', {}, member.source || '-'),
          h('dt', {}, 'Knows you from'),
          h('dd', {}, member.connectionPoint ? `${member.connectionPoint.description} ${formatTime(member.connectionPoint.at)}` : '-'),
          h('dt', {}, 'Last contacted'), h('dd', {}, formatTime(member.lastContactedAt) || 'never'),
          preference.doNotContact ? [h('dt', {}, 'Do not contact'), h('dd', {}, preference.doNotContactReason || 'yes')] : null,
          member.notes ? [h('dt', {}, 'Notes'), h('dd', {}, member.notes)] : null),
        section('Interactions', interactions.interactions || [], (i) =>
          `${formatTime(i.at)} · ${enumLabel(i.kind)}${i.note ? ` · ${i.note}` : ''}`),
        section('Entitlements', entitlements.entitlements || [], (e) =>
          `${e.programId} · order ${e.orderId} · ${formatMoney({ amountMinor: e.amountMinor, currency: e.currency })}` +
            `${e.revoked ? ` · revoked (${e.revokeReason})` : ''}`),
        section('Enrolments', enrollments.enrollments || [], (e) =>
          `${e.programId} · ${enumLabel(e.status)}` +
            `${e.seat && e.seat.cohortName ? ` · ${e.seat.cohortName}, seat ${e.seat.seatNumber}` : ''}` +
            `${e.status === 'WAITING' ? ` · waitlist #${e.waitlistPosition}` : ''}`)),
      slot);
  } catch (error) {
    replaceChildren(container, slot);
    showError(slot, 'Loading the contact', error);
  }
}
