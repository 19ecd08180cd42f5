// Calls the gateway's /v1 JSON API with the signed-in operator token. Every failure becomes an
// ApiError whose text says, in plain words, what the HTTP status means for the operator, followed
// by the server's own message, so views can show it next to the action that failed.

const TOKEN_KEY = 'dunbar.operatorToken';

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// One id per user action: the services replay the first answer when the same key comes again.
// crypto.randomUUID exists only in secure contexts (https, localhost, 127.0.0.1); elsewhere a
// random hex id from getRandomValues does the same job.
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const STATUS_MEANINGS = {
  400: 'the request was not accepted as written',
  401: 'token not accepted: sign in again with a valid operator token',
  403: 'this token is not allowed to do that',
  404: 'not found: it may have been deleted, or the id is wrong',
  405: 'the gateway does not allow this method here',
  409: 'conflict: it already exists, or its current state does not allow this',
  413: 'too large: send less at once',
  429: 'a limit was reached: wait a moment, or free a place first',
  499: 'the request was cancelled',
  500: 'the server failed unexpectedly',
  503: 'a service is unavailable, try again',
  504: 'a service took too long to answer, try again',
};

export class ApiError extends Error {
  constructor(httpStatus, grpcStatus, serverMessage) {
    const meaning = STATUS_MEANINGS[httpStatus] || `unexpected answer (HTTP ${httpStatus})`;
    super(serverMessage ? `${meaning} — ${serverMessage}` : meaning);
    this.httpStatus = httpStatus;
    this.grpcStatus = grpcStatus;
    this.serverMessage = serverMessage;
  }
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// api('GET', '/v1/programs', {query: {page_size: 50}}) -> the response message as an object.
// Anything but GET is a mutation and carries an Idempotency-Key (one per call = one per action).
export async function api(method, path, { query, body } = {}) {
  const headers = { Authorization: `Bearer ${savedToken()}` };
  if (method !== 'GET') headers['Idempotency-Key'] = newIdempotencyKey();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path + queryString(query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (networkError) {
    throw new ApiError(503, 'UNAVAILABLE', `the gateway cannot be reached (${networkError.message})`);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = parsed && parsed.error ? parsed.error : {};
    throw new ApiError(response.status, error.status || '', error.message || text.slice(0, 300));
  }
  if (parsed === null) throw new ApiError(500, 'INTERNAL', 'the answer was not JSON');
  return parsed;
}

// Every member of a list whose pages are followed with page_token, up to `limit` items.
export async function listAll(path, itemsField, { query = {}, limit = 2000 } = {}) {
  const items = [];
  let pageToken = '';
  do {
    const page = await api('GET', path, { query: { ...query, page_size: 500, page_token: pageToken } });
    items.push(...(page[itemsField] || []));
    pageToken = page.nextPageToken || '';
  } while (pageToken && items.length < limit);
  return items;
}

// Members by id (names for rosters, waitlists and plans), 500 per call as the API allows.
export async function membersById(ids) {
  const unique = [...new Set(ids.filter(Boolean))];
  const byId = new Map();
  for (let start = 0; start < unique.length; start += 500) {
    const answer = await api('POST', '/v1/members:batchGet', {
      body: { memberIds: unique.slice(start, start + 500) },
    });
    for (const member of answer.members || []) byId.set(member.id, member);
  }
  return byId;
}
