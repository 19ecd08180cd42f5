// CSV parsing (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF, a UTF-8 BOM)
// and the mapping of a contacts CSV onto ImportRow messages. Hand-written because the dashboard
// has no build step and loads nothing from the network: there is no library to import.

export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((value) => value.trim() !== ''));
}

const KNOWN_COLUMNS = ['name', 'phone', 'wechat_id', 'email', 'tags', 'source', 'connection_point', 'connection_at', 'notes'];
const COLUMN_ALIASES = { wechat: 'wechat_id', wechatid: 'wechat_id', connection: 'connection_point' };

// "2024-03-02" or "2024-03-02 09:30" (UTC) or RFC 3339 -> RFC 3339, as protobuf JSON wants.
function toTimestamp(value) {
  const text = value.trim();
  if (!text) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T00:00:00Z`;
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(text)) return `${text.replace(' ', 'T')}:00Z`;
  return text;
}

// The header row decides the columns (any case; unknown columns are reported and skipped).
export function contactsFromCsv(text) {
  const [header, ...records] = parseCsv(text);
  if (!header) return { rows: [], unknownColumns: [] };
  const columns = header.map((name) => {
    const key = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
    return COLUMN_ALIASES[key] || key;
  });
  const unknownColumns = header.filter((_, i) => !KNOWN_COLUMNS.includes(columns[i]));
  const rows = records.map((record) => {
    const value = (column) => {
      const index = columns.indexOf(column);
      return index >= 0 && record[index] !== undefined ? record[index].trim() : '';
    };
    const row = {};
    for (const [column, field] of [['name', 'name'], ['phone', 'phone'], ['wechat_id', 'wechatId'],
      ['email', 'email'], ['source', 'source'], ['notes', 'notes']]) {
      if (value(column)) row[field] = value(column);
    }
    const tags = value('tags').split(/[;|]/).map((tag) => tag.trim()).filter(Boolean);
    if (tags.length) row.tags = tags;
    if (value('connection_point') || value('connection_at')) {
      row.connectionPoint = { description: value('connection_point') };
      const at = toTimestamp(value('connection_at'));
      if (at) row.connectionPoint.at = at;
    }
    return row;
  });
  return { rows, unknownColumns };
}
