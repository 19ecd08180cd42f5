// Small DOM helpers shared by the views: element building, error slots, fill bars, formatting.

// h('button', {class: 'x', 'data-testid': 'y', onclick: fn}, 'text', child...) -> element.
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'value') {
      element.value = value;
      // The attribute is the default a form reset returns to.
      if (element.tagName === 'INPUT') element.setAttribute('value', String(value));
    }
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

// An error slot sits next to the action it belongs to; showError fills it, clearError empties it.
export function errorSlot(testId) {
  return h('div', { class: 'error', role: 'alert', 'data-testid': testId, hidden: true });
}

export function showError(slot, action, error) {
  slot.hidden = false;
  slot.textContent = `${action} failed: ${error.message || error}`;
}

export function clearError(slot) {
  slot.hidden = true;
  slot.textContent = '';
}

export function showNotice(slot, text) {
  slot.hidden = false;
  slot.textContent = text;
}

// Runs an async action for a button: disables it meanwhile and reports failure in `slot`.
export async function runAction(button, slot, action, work) {
  clearError(slot);
  if (button) button.disabled = true;
  try {
    return await work();
  } catch (error) {
    showError(slot, action, error);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

// A horizontal bar: `taken` of `capacity`, labelled "46/50".
export function fillBar(taken, capacity, testId) {
  const ratio = capacity > 0 ? Math.min(1, taken / capacity) : 0;
  const level = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'low';
  return h(
    'div',
    {
      class: `fill-bar ${level}`,
      role: 'meter',
      'aria-valuemin': 0,
      'aria-valuemax': capacity,
      'aria-valuenow': taken,
      'data-testid': testId,
    },
    h('div', { class: 'fill', style: `width: ${(ratio * 100).toFixed(1)}%` }),
    h('span', { class: 'fill-label' }, `${taken}/${capacity}`),
  );
}

// "2 d 3 h", "5 h 10 min", "42 s" from seconds (int64 fields arrive as strings).
export function formatDuration(secondsValue) {
  const seconds = Number(secondsValue || 0);
  if (!seconds) return '';
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min`;
  return `${seconds} s`;
}

export function formatTime(timestamp) {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toLocaleString();
}

export function formatMoney(money) {
  if (!money || !Number(money.amountMinor)) return 'free';
  return `${(Number(money.amountMinor) / 100).toFixed(2)} ${money.currency}`;
}

// A member's display name: the name, else its first handle, else its id.
export function memberLabel(member, fallbackId) {
  if (!member) return fallbackId || '';
  return member.name || member.phone || member.wechatId || member.email || member.id;
}

export function handlesOf(member) {
  return [member.phone, member.wechatId && `WeChat ${member.wechatId}`, member.email]
    .filter(Boolean)
    .join(' · ');
}

// "STAGE_CONTACT" -> "contact", "AUTO_OPEN_NEXT" -> "auto open next".
export function enumLabel(value, prefix = '') {
  return String(value || '')
    .replace(prefix, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}
