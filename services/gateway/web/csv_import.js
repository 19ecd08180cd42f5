// Imports a contacts CSV chosen in the browser: parsed here, sent in chunks of 100 rows to
// POST /v1/members:import (each chunk one ImportContacts call), with a progress bar and the
// created/merged/rejected counts. Re-importing the same file is safe (rows merge by handle).
import { api } from './api.js';
import { errorSlot, h, replaceChildren, runAction } from './dom.js';
import { contactsFromCsv } from './csv.js';

const CHUNK_ROWS = 100;

export function csvImport(onImported) {
  const slot = errorSlot('import-error');
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'import-file' });
  const start = h('button', { type: 'button', 'data-testid': 'import-start' }, 'Import');
  const progress = h('progress', { max: 1, value: 0, 'data-testid': 'import-progress' });
  const counts = h('p', { 'data-testid': 'import-counts' });
  const problems = h('ul', { class: 'problems', 'data-testid': 'import-problems' });

  start.addEventListener('click', () =>
    runAction(start, slot, 'Importing', async () => {
      if (!file.files.length) throw new Error('choose a CSV file first');
      const { rows, unknownColumns } = contactsFromCsv(await file.files[0].text());
      if (rows.length === 0) throw new Error('the file has no data rows under its header');
      const totals = { created: 0, merged: 0, rejected: 0 };
      const listed = [];
      progress.max = rows.length;
      progress.value = 0;
      replaceChildren(problems,
        unknownColumns.length ? h('li', {}, `ignored columns: ${unknownColumns.join(', ')}`) : null);
      for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
        const answer = await api('POST', '/v1/members:import', {
          body: { rows: rows.slice(offset, offset + CHUNK_ROWS) },
        });
        for (const key of Object.keys(totals)) totals[key] += Number(answer[key] || 0);
        // Row numbers restart in every call: shift them back to the file's data rows (+1 header).
        for (const [kind, list] of [['rejected', answer.errors], ['warning', answer.warnings]]) {
          for (const problem of list || []) {
            listed.push(`line ${offset + Number(problem.row) + 1} ${kind}: ${problem.field}: ${problem.reason}`);
          }
        }
        progress.value = Math.min(rows.length, offset + CHUNK_ROWS);
        counts.textContent = `${progress.value}/${rows.length} rows: ${totals.created} created, ` +
          `${totals.merged} merged, ${totals.rejected} rejected`;
      }
      replaceChildren(problems, listed.slice(0, 50).map((text) => h('li', {}, text)),
        listed.length > 50 ? h('li', {}, `... and ${listed.length - 50} more`) : null);
      await onImported();
    }));

  return h('details', { class: 'panel', 'data-testid': 'import-panel' },
    h('summary', {}, 'Import a CSV'),
    h('p', { class: 'muted' }, 'Header row with any of: name, phone, wechat_id, email, tags (; separated), ' +
      'source, connection_point, connection_at, notes. Rows with a known phone, WeChat id or email merge.'),
    h('div', { class: 'inline-form' }, file, start), progress, counts, slot, problems);
}
