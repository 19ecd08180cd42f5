// Programmes view: every programme as a card (batches, waitlist, enrolment) and the form that
// creates a programme.
import { api, listAll } from './api.js';
import { clearError, errorSlot, h, replaceChildren, runAction, showError } from './dom.js';
import { programCard } from './program_card.js';

const DUNBAR_NUMBER = 150;

function createForm(onCreated) {
  const slot = errorSlot('create-program-error');
  const warning = h('div', { class: 'warning', 'data-testid': 'create-capacity-warning', hidden: true });
  const field = (label, input) => h('label', {}, h('span', {}, label), input);
  const name = h('input', { name: 'name', required: true, maxlength: 200, 'data-testid': 'program-name' });
  const capacity = h('input', {
    name: 'capacity', type: 'number', min: 1, max: 500, value: 50, 'data-testid': 'program-capacity',
  });
  const rollover = h(
    'select', { name: 'rollover', 'data-testid': 'program-rollover' },
    h('option', { value: 'AUTO_OPEN_NEXT' }, 'open the next batch when one fills'),
    h('option', { value: 'WAITLIST' }, 'waitlist until I open the next batch'),
  );
  const template = h('input', {
    name: 'template', value: '{programme} 第{n}期', 'data-testid': 'program-template',
  });
  const requiresEntitlement = h('input', {
    type: 'checkbox', name: 'requiresEntitlement', 'data-testid': 'program-requires-entitlement',
  });
  const price = h('input', {
    name: 'price', type: 'number', min: 0, step: '0.01', value: 0, 'data-testid': 'program-price',
  });
  const currency = h('input', { name: 'currency', value: 'CNY', maxlength: 3, size: 4 });
  const submit = h('button', { type: 'submit', 'data-testid': 'create-program' }, 'Create programme');

  const updateWarning = () => {
    const over = Number(capacity.value) > DUNBAR_NUMBER;
    warning.hidden = !over;
    warning.textContent = over
      ? `A batch of ${capacity.value} is above Dunbar's number (${DUNBAR_NUMBER}): groups this ` +
        'size lose their warmth. The programme will be created with a warning.'
      : '';
  };
  capacity.addEventListener('input', updateWarning);

  const form = h(
    'form', { class: 'grid-form', 'data-testid': 'create-program-form' },
    field('Name', name),
    field('Seats per batch', capacity),
    field('When a batch fills', rollover),
    field('Batch names ({programme}, {n})', template),
    field('Price', h('span', { class: 'inline' }, price, currency)),
    field('Only buyers may enrol', requiresEntitlement),
    warning, submit, slot,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    runAction(submit, slot, 'Creating the programme', async () => {
      const amountMinor = Math.round(Number(price.value || 0) * 100);
      const program = {
        name: name.value.trim(),
        cohortCapacity: Number(capacity.value),
        allowOverDunbar: Number(capacity.value) > DUNBAR_NUMBER,
        rolloverPolicy: rollover.value,
        cohortNameTemplate: template.value.trim(),
        requiresEntitlement: requiresEntitlement.checked,
      };
      if (amountMinor > 0) program.price = { amountMinor: String(amountMinor), currency: currency.value };
      await api('POST', '/v1/programs', { body: { program } });
      form.reset();
      updateWarning();
      await onCreated();
    });
  });
  return h('details', { class: 'panel' }, h('summary', { 'data-testid': 'new-program' }, 'New programme'), form);
}

export function mountPrograms(container) {
  const list = h('div', { class: 'cards', 'data-testid': 'program-list' });
  const slot = errorSlot('programs-error');
  const refreshButton = h('button', { type: 'button', 'data-testid': 'programs-refresh' }, 'Refresh');

  async function refresh() {
    clearError(slot);
    let programs;
    try {
      programs = await listAll('/v1/programs', 'programs');
    } catch (error) {
      showError(slot, 'Loading the programmes', error);
      return;
    }
    if (programs.length === 0) {
      replaceChildren(list, h('p', { class: 'empty' }, 'No programmes yet: create one below.'));
      return;
    }
    replaceChildren(list, programs.map((program) => programCard(program)));
  }

  refreshButton.addEventListener('click', refresh);
  replaceChildren(
    container,
    h('div', { class: 'view-head' }, h('h2', {}, 'Programmes'), refreshButton),
    slot, list, createForm(refresh),
  );
  return { refresh };
}
