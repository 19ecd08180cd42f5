// Today's outreach plan: each person, why they were picked, one-click outcomes and snooze.
import { api, listAll } from './api.js';
import {
  clearError, enumLabel, errorSlot, formatTime, h, replaceChildren, runAction, showError, showNotice,
} from './dom.js';

const OUTCOMES = [
  ['REPLIED', 'Replied'],
  ['INTERESTED', 'Interested'],
  ['ENROLLED', 'Enrolled'],
  ['DECLINED', 'Declined'],
  ['NO_RESPONSE', 'No response'],
  ['OPTED_OUT', 'Opted out'],
];

function nextDay(date) {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

function reasonBlock(task, campaignNames) {
  const reason = task.reason || {};
  const days = reason.daysSinceContact;
  return h('div', { class: 'reason', 'data-testid': 'task-reason' },
    reason.summary ? h('p', { class: 'summary' }, reason.summary) : null,
    h('ul', { class: 'chips' },
      (reason.warmthReasons || []).map((text) => h('li', { 'data-testid': 'warmth-reason' }, text)),
      reason.warmth ? h('li', { class: 'muted' }, `warmth ${Number(reason.warmth).toFixed(1)}`) : null),
    h('dl', {},
      reason.connectionPoint ? [h('dt', {}, 'Knows you from'), h('dd', {}, reason.connectionPoint)] : null,
      h('dt', {}, 'Last contact'),
      h('dd', {}, days === undefined || days < 0 ? 'never contacted' : `${days} days ago`),
      reason.lastInteractionAt ? [h('dt', {}, 'Last interaction'), h('dd', {}, formatTime(reason.lastInteractionAt))] : null,
      task.campaignId
        ? [h('dt', {}, 'Campaign'), h('dd', { 'data-testid': 'task-campaign' }, campaignNames.get(task.campaignId) || task.campaignId)]
        : null,
      task.kind === 'FOLLOW_UP' ? [h('dt', {}, 'Follow-up'), h('dd', {}, 'they said they were interested')] : null));
}

function effectsText(task) {
  const effects = task.effects || {};
  const parts = [`outcome: ${enumLabel(task.outcome)}`];
  if (effects.enrollResult) {
    parts.push(effects.enrollResult === 'WAITLISTED'
      ? `waitlist #${effects.waitlistPosition}`
      : `${enumLabel(effects.enrollResult)} in ${effects.enrolledCohortId}, seat ${effects.seatNumber}`);
  }
  if (effects.followUpDate) parts.push(`follow-up on ${effects.followUpDate}`);
  if (effects.state === 'PENDING') parts.push('effects pending (a service is catching up)');
  if (effects.lastError) parts.push(`last error: ${effects.lastError}`);
  return parts.join(' · ');
}

function taskCard(task, campaignNames, onChanged) {
  const slot = errorSlot('task-error');
  const contact = task.contact || {};
  const handles = [contact.phone, contact.wechatId && `WeChat ${contact.wechatId}`, contact.email].filter(Boolean);
  const card = h('article', {
    class: `card task ${String(task.status).toLowerCase()}`, 'data-testid': 'plan-task',
    'data-task-id': task.id, 'data-status': task.status,
  });
  const note = h('input', { type: 'text', maxlength: 1000, placeholder: 'note (optional)', 'data-testid': 'task-note' });
  let actions;
  if (task.status === 'OPEN') {
    const buttons = OUTCOMES.map(([outcome, label]) => {
      const button = h('button', { type: 'button', 'data-testid': `outcome-${outcome}` }, label);
      button.addEventListener('click', () =>
        runAction(button, slot, `Recording "${label}"`, async () => {
          await api('POST', `/v1/outreach/tasks/${encodeURIComponent(task.id)}:complete`, {
            body: { outcome, note: note.value.trim() },
          });
          await onChanged();
        }));
      return button;
    });
    const snoozeDate = h('input', { type: 'date', value: nextDay(task.date), 'data-testid': 'snooze-date' });
    const snooze = h('button', { type: 'button', 'data-testid': 'snooze' }, 'Snooze');
    snooze.addEventListener('click', () =>
      runAction(snooze, slot, 'Snoozing', async () => {
        await api('POST', `/v1/outreach/tasks/${encodeURIComponent(task.id)}:snooze`, {
          body: { untilDate: snoozeDate.value },
        });
        await onChanged();
      }));
    actions = h('div', { class: 'actions' }, h('div', { class: 'outcomes' }, buttons), note,
      h('span', { class: 'inline' }, snoozeDate, snooze));
  } else {
    actions = h('p', { class: 'done', 'data-testid': 'task-outcome' },
      task.status === 'CANCELLED' ? `cancelled: ${task.cancelReason}` : effectsText(task));
  }
  replaceChildren(card,
    h('header', {},
      h('span', { class: 'position' }, `#${task.position}`),
      h('h3', { 'data-testid': 'task-name' }, contact.name || handles[0] || task.memberId),
      h('span', { class: 'muted' }, handles.join(' · ')),
      (contact.tags || []).length ? h('span', { class: 'tags' }, contact.tags.join(', ')) : null,
      h('span', { class: 'status' }, enumLabel(task.status))),
    reasonBlock(task, campaignNames), actions, slot);
  return card;
}

export function mountOutreach(container) {
  const slot = errorSlot('outreach-error');
  const summary = h('p', { class: 'meta', 'data-testid': 'plan-summary' });
  const notice = h('div', { class: 'notice', role: 'status', hidden: true });
  const list = h('div', { class: 'cards', 'data-testid': 'plan-tasks' });
  const refreshButton = h('button', { type: 'button', 'data-testid': 'plan-refresh' }, 'Refresh');

  async function refresh() {
    clearError(slot);
    try {
      const [plan, campaigns] = await Promise.all([
        api('GET', '/v1/outreach/plan'),
        listAll('/v1/outreach/campaigns', 'campaigns', { limit: 500 }),
      ]);
      const campaignNames = new Map(campaigns.map((c) => [c.id, c.name]));
      const open = (plan.tasks || []).filter((task) => task.status === 'OPEN').length;
      summary.textContent = `${plan.date} (${enumLabel(plan.weekday)}, ${plan.timezone}) · ` +
        `${(plan.tasks || []).length} people, ${open} still open · quota ${plan.quota}`;
      if (!plan.active) showNotice(notice, plan.inactiveReason || 'No outreach today.');
      else if (plan.shortfallReason) showNotice(notice, plan.shortfallReason);
      else notice.hidden = true;
      replaceChildren(list, (plan.tasks || []).map((task) => taskCard(task, campaignNames, refresh)));
    } catch (error) {
      showError(slot, "Loading today's plan", error);
    }
  }

  refreshButton.addEventListener('click', refresh);
  replaceChildren(container,
    h('div', { class: 'view-head' }, h('h2', {}, "Today's outreach"), refreshButton),
    summary, notice, slot, list);
  return { refresh };
}
