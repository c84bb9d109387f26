// Talking to the GENESIS API: the token, requests, and errors as people read them.

const TOKEN_KEY = 'genesis.token';

/** The token lives in this tab's session storage only: gone when the tab closes, never in a URL. */
export const tokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refused or failed request: the HTTP status (0 when the server could not be reached) and the problem. */
export class ApiError extends Error {
  constructor(status, detail, retryAfter = 0, title = '') {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.detail = detail || '';
    this.retryAfter = retryAfter;
    this.title = title;
  }

  /** From a problem object (a JSON answer, an SSE `error` event or a WebSocket `error` frame). */
  static of(status, problem = {}, retryAfter = 0) {
    return new ApiError(status || problem.status || 0, problem.detail, retryAfter || problem.retryAfterSeconds || 0,
      problem.title);
  }
}

/**
 * One request. Resolves with the Response when it is 2xx, else rejects with an ApiError carrying the
 * problem's detail and the wait from `Retry-After`.
 */
export async function request(method, path, { body, accept = 'application/json', headers = {}, auth = true } = {}) {
  const sent = { Accept: accept, ...headers };
  const token = tokenStore.get();
  if (auth && token) {
    sent.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined && !sent['Content-Type']) {
    sent['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (unreachable) {
    throw new ApiError(0, 'the server could not be reached');
  }
  if (response.ok) {
    return response;
  }
  let problem = {};
  try {
    problem = await response.json();
  } catch (notJson) {
    problem = { detail: response.statusText };
  }
  throw ApiError.of(response.status, problem, Number(response.headers.get('Retry-After')) || 0);
}

/** A JSON request: the parsed body, or null for a 204. */
export async function json(method, path, options) {
  const response = await request(method, path, options);
  return response.status === 204 ? null : response.json();
}

const seconds = (n) => (n === 1 ? '1 second' : `${n} seconds`);

/** What went wrong, in words for the person at the keyboard; `wait` overrides the error's own Retry-After. */
export function describe(error, wait = error.retryAfter) {
  const detail = error.detail || '';
  const later = wait > 0 ? ` Try again in ${seconds(wait)}.` : ' Try again in a moment.';
  switch (error.status) {
    case 0:
      return `Cannot reach GENESIS (${detail}). Check that the server is running, then try again.`;
    case 400:
      return `The server refused the request: ${detail}.`;
    case 401:
      return /expired/.test(detail) ? 'Your token has expired. Sign in again.'
        : `Your token was refused (${detail}). Sign in again.`;
    case 403:
      return `Your token does not allow this: ${detail}.`;
    case 404:
      return `Not found: ${detail}.`;
    case 409:
      return /closed/.test(detail) ? 'This session is closed. Start a new chat from the agents list.' : `Conflict: ${detail}.`;
    case 413:
      return 'That message is too long for the server.';
    case 429:
      return `Too many requests: you have reached the rate limit.${later}`;
    case 502:
    case 504:
      return `The model service did not answer properly (${detail}).${later}`;
    case 503:
      if (/shutting down|stopping/.test(detail)) {
        return `GENESIS is shutting down or restarting.${later}`;
      }
      if (/model/.test(detail)) {
        return `The model service is unavailable right now (${detail}).${later}`;
      }
      return `GENESIS is temporarily unavailable (${detail}).${later}`;
    default:
      return `Something went wrong (${error.status}): ${detail}`;
  }
}

/** A random UUID (v4); crypto.randomUUID exists only on HTTPS and localhost pages. */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The claims of a JWT, read without checking it (the server checks it): for showing who is signed in. */
export function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
  } catch (notAJwt) {
    return null;
  }
}
