// Streaming a reply: Server-Sent Events read with fetch (EventSource can neither POST nor send a token),
// or the WebSocket chat. Both number a reply's events, so a dropped connection resumes after the last one.

import { ApiError, request, tokenStore, uuid } from './api.js';

const RESUME_ATTEMPTS = 4;
const PING_MILLIS = 25000;
const sleep = (millis) => new Promise((resolve) => setTimeout(resolve, millis));

/**
 * The events of one reply, each handed once to `on` (meta, handoff, suggestion, delta, done) even when a resume or a
 * replay sends some again: events are numbered from 1, and those at or below the last one seen are skipped.
 */
class Reply {
  constructor(on) {
    this.on = on;
    this.last = 0;
    this.replyId = null;
    this.result = undefined;
    this.failure = null;
  }

  get ended() {
    return this.result !== undefined || this.failure !== null;
  }

  accept(id, name, data) {
    if (id > 0 && id <= this.last) {
      return;
    }
    this.last = Math.max(this.last, id);
    switch (name) {
      case 'meta':
        this.replyId = data.replyId;
        this.on.meta(data);
        break;
      case 'handoff':
        this.on.handoff(data);
        break;
      case 'profile_suggestion': // SSE data {patch}; the WebSocket frame carries patch too
        this.on.suggestion(data.patch);
        break;
      case 'delta':
        this.on.delta(data.text);
        break;
      case 'done':
        this.result = data;
        break;
      case 'error':
        this.failure = ApiError.of(data.status, data);
        break;
      default: // pong, and anything newer than this page
    }
  }
}

/** Reads an SSE body as it arrives, calling `onEvent(id, name, data)` per event (comments are skipped). */
export async function readEvents(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) {
        onEvent(event.id, event.name, event.data);
      }
    }
  }
}

function parseEvent(block) {
  let id = 0;
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) {
      continue; // a keep-alive comment
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') {
      id = Number(value);
    } else if (field === 'event') {
      name = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  return data.length ? { id, name, data: JSON.parse(data.join('\n')) } : null;
}

/** Whether a failed resume is worth another try. */
const transient = (error) => error.status === 0 || error.status === 502 || error.status === 503
  || (error.status === 409 && error.retryAfter > 0);

/**
 * Sends `content` to the session and streams the reply into `on` (meta, handoff, suggestion, delta, note). Resolves with
 * the stored reply (null when it ended unseen), rejects with an ApiError: a refusal before anything was
 * stored (429, 503…), the reply's `error` event, or a connection that could not be resumed. A dropped
 * stream resumes from the last event seen; before `meta` named the reply, the message is sent again under
 * the same Idempotency-Key, which replays the first request's events instead of storing it twice.
 */
export async function streamOverSse(sessionId, content, on) {
  const path = `/api/v1/sessions/${encodeURIComponent(sessionId)}/messages`;
  const key = uuid();
  const reply = new Reply(on);
  const post = () => request('POST', path, {
    body: { content }, accept: 'text/event-stream', headers: { 'Idempotency-Key': key },
  });
  let response = await post();
  for (let attempt = 1; ; attempt++) {
    if (response) {
      try {
        await readEvents(response, (id, name, data) => reply.accept(id, name, data));
      } catch (dropped) {
        // the connection broke mid-reply: resumed below
      }
    }
    if (reply.ended) {
      break;
    }
    if (attempt > RESUME_ATTEMPTS) {
      throw new ApiError(0, 'the connection dropped and the reply could not be resumed');
    }
    on.note(`The connection dropped; resuming the reply (try ${attempt} of ${RESUME_ATTEMPTS})…`);
    await sleep(1000 * attempt);
    try {
      response = reply.replyId
        ? await request('GET', `${path}/${reply.replyId}/stream`, {
          accept: 'text/event-stream', headers: { 'Last-Event-ID': String(reply.last) },
        })
        : await post();
      on.note(response.status === 204 ? '' : 'Resumed.');
      if (response.status === 204) {
        return null; // it had ended: the stored messages tell how
      }
    } catch (error) {
      if (!transient(error)) {
        throw error;
      }
      response = null;
    }
  }
  if (reply.failure) {
    throw reply.failure;
  }
  return reply.result;
}

/**
 * The WebSocket chat: one socket for the tab, opened on first use, with the token as the upgrade's `token`
 * query parameter (a browser cannot set headers on a WebSocket; the API accepts it on this route only).
 * Each message frame's requestId is its idempotency key.
 */
export class SocketChat {
  constructor() {
    this.socket = null;
    this.opening = null;
    this.pending = new Map();
    this.closed = false;
  }

  open() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      return Promise.resolve(this.socket);
    }
    if (!this.opening) {
      this.opening = new Promise((resolve, reject) => {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        const token = encodeURIComponent(tokenStore.get() || '');
        const socket = new WebSocket(`${scheme}//${location.host}/api/v1/ws?token=${token}`);
        let pinger = 0;
        socket.onopen = () => {
          this.socket = socket;
          this.opening = null;
          pinger = setInterval(() => socket.send('{"type":"ping"}'), PING_MILLIS);
          resolve(socket);
        };
        socket.onmessage = (message) => this.frame(JSON.parse(message.data));
        socket.onclose = () => {
          clearInterval(pinger);
          if (this.socket !== socket) {
            this.opening = null; // refused before it opened: the browser does not say why
            reject(new ApiError(0, 'the WebSocket could not be opened: the token may be refused or the rate limit reached'));
            return;
          }
          this.socket = null;
          if (!this.closed) {
            this.resumeAll(1);
          }
        };
      });
    }
    return this.opening;
  }

  /** Sends `content` and streams the reply into `on`, as streamOverSse does. */
  async send(sessionId, content, on) {
    await this.open();
    const requestId = uuid();
    const frame = { type: 'message', requestId, sessionId, content };
    return new Promise((resolve, reject) => {
      const reply = new Reply(on);
      this.pending.set(requestId, { reply, frame, resolve, reject });
      this.socket.send(JSON.stringify(frame));
    });
  }

  frame(frame) {
    const entry = this.pending.get(frame.requestId);
    if (!entry) {
      return;
    }
    entry.reply.accept(frame.eventId || 0, frame.type, frame);
    if (entry.reply.ended) {
      this.pending.delete(frame.requestId);
      if (entry.reply.failure) {
        entry.reject(entry.reply.failure);
      } else {
        entry.resolve(entry.reply.result);
      }
    }
  }

  /** The socket dropped with replies in flight: a new socket resumes each after its last event. */
  async resumeAll(attempt) {
    if (this.pending.size === 0) {
      return;
    }
    const entries = [...this.pending.values()];
    if (attempt > RESUME_ATTEMPTS) {
      this.pending.clear();
      entries.forEach((entry) => entry.reject(new ApiError(0, 'the WebSocket dropped and the reply could not be resumed')));
      return;
    }
    entries.forEach((entry) => entry.reply.on.note(`The connection dropped; resuming the reply (try ${attempt} of ${RESUME_ATTEMPTS})…`));
    await sleep(1000 * attempt);
    try {
      await this.open();
    } catch (refused) {
      this.resumeAll(attempt + 1);
      return;
    }
    this.pending.clear();
    for (const entry of entries) {
      const { reply } = entry;
      // Before meta named the reply, the same message frame (its requestId is its key) replays its events.
      const frame = reply.replyId
        ? { type: 'resume', requestId: uuid(), messageId: reply.replyId, lastEventId: reply.last }
        : entry.frame;
      this.pending.set(frame.requestId, entry);
      this.socket.send(JSON.stringify(frame));
      reply.on.note('Resumed.');
    }
  }

  close() {
    this.closed = true;
    this.pending.clear();
    if (this.socket) {
      this.socket.close();
    }
  }
}
