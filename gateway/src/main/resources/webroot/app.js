// The GENESIS chat console: sign in, pick an agent, chat with the reply streamed, browse earlier sessions,
// save a figure the person stated to their profile when they accept the offer.
// It uses the public API only, like any other client.

import { claims, describe, json, tokenStore, uuid } from './api.js';
import { SocketChat, streamOverSse } from './stream.js';
import {
  agentItem, handoffItem, messageItem, OfferView, patchText, pendingItem, ReplyView, sessionItem, time,
} from './view.js';

const $ = (id) => document.getElementById(id);
const SESSION_KEY = 'genesis.session';
const USER_KEY = 'genesis.userId';
const MESSAGES_PAGE = 20;
const SESSIONS_PAGE = 10;
const USER_ID = /^[A-Za-z0-9._@:-]{1,64}$/;

const state = {
  agents: new Map(),
  session: null,
  sessionsCursor: null,
  olderCursor: null,
  loadingOlder: false,
  sending: false,
  follow: true, // keep the newest message in view while the reader is at the bottom
  socket: null,
};

const agentName = (id) => state.agents.get(id)?.name ?? (id ? id.toUpperCase() : 'Agent');
const messagesPath = (session) => `/api/v1/sessions/${encodeURIComponent(session.id)}/messages`;

// ---- messages to the person ----

let alertTimer = 0;

/** Shows an error (an ApiError, or text) in the alert; a 401 also signs out. A wait is said, and its end. */
function showError(error) {
  clearTimeout(alertTimer);
  const box = $('alert');
  box.textContent = typeof error === 'string' ? error : describe(error);
  box.hidden = false;
  if (error.status === 401) {
    signOut(false);
  }
  if (error.retryAfter > 0) {
    alertTimer = setTimeout(() => {
      box.textContent = 'You can try again now.';
    }, error.retryAfter * 1000);
  }
}

function clearError() {
  clearTimeout(alertTimer);
  $('alert').hidden = true;
  $('alert').textContent = '';
}

const status = (text) => {
  $('status').textContent = text;
};

// ---- signing in and out ----

async function devToken(event) {
  event.preventDefault();
  const userId = $('user-id').value.trim();
  if (!USER_ID.test(userId)) {
    showError('A user id holds 1 to 64 letters, digits and . _ @ : - only.');
    $('user-id').focus();
    return;
  }
  try {
    const issued = await json('POST', '/api/v1/auth/dev-token', { body: { userId }, auth: false });
    localStorage.setItem(USER_KEY, userId);
    tokenStore.set(issued.token);
    await enter();
  } catch (error) {
    // Without development tokens the route does not exist: the API answers it like any unauthenticated call.
    showError(error.status === 401 || error.status === 404
      ? 'This server does not hand out development tokens (GENESIS_DEV_TOKENS is off, or tokens come from your '
        + 'identity provider): paste a token instead.'
      : error);
  }
}

async function pasteToken(event) {
  event.preventDefault();
  const token = $('token-input').value.trim();
  if (token.split('.').length !== 3) {
    showError('That is not a token: a JWT has three parts separated by dots.');
    $('token-input').focus();
    return;
  }
  $('token-input').value = '';
  tokenStore.set(token);
  await enter();
}

/** Signed in: the agents (which also proves the token), the sessions, and the session open before a reload. */
async function enter() {
  try {
    await loadAgents();
  } catch (error) {
    $('sign-in').hidden = false;
    showError(error);
    return;
  }
  clearError();
  const who = claims(tokenStore.get()) || {};
  const until = who.exp ? ` · token valid until ${time(new Date(who.exp * 1000).toISOString())}` : '';
  $('who-text').textContent = `Signed in as ${who.sub ?? 'unknown'}${until}`;
  $('who').hidden = false;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  loadSessions(true).catch(showError);
  const remembered = sessionStorage.getItem(SESSION_KEY);
  if (remembered) {
    try {
      await openSession(await json('GET', `/api/v1/sessions/${encodeURIComponent(remembered)}`));
      return;
    } catch (error) {
      sessionStorage.removeItem(SESSION_KEY);
      if (error.status !== 404) {
        showError(error);
      }
    }
  }
  $('agents-title').focus();
}

function signOut(clearMessages = true) {
  tokenStore.clear();
  sessionStorage.removeItem(SESSION_KEY);
  state.socket?.close();
  state.socket = null;
  state.session = null;
  $('messages').replaceChildren();
  $('who').hidden = true;
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  if (clearMessages) {
    clearError();
  }
}

// ---- agents and sessions ----

async function loadAgents() {
  const agents = await json('GET', '/api/v1/agents');
  state.agents = new Map(agents.map((agent) => [agent.id, agent]));
  $('agents').replaceChildren(...agents.map((agent) => agentItem(agent, startChat)));
}

async function loadSessions(reset) {
  const cursor = reset ? '' : `&cursor=${encodeURIComponent(state.sessionsCursor)}`;
  const page = await json('GET', `/api/v1/sessions?limit=${SESSIONS_PAGE}${cursor}`);
  const items = page.items.map((session) => sessionItem(session, agentName, session.id === state.session?.id, openSession));
  if (reset) {
    $('sessions').replaceChildren(...items);
  } else {
    $('sessions').append(...items);
  }
  state.sessionsCursor = page.nextCursor;
  $('more-sessions').hidden = !page.nextCursor;
  $('no-sessions').hidden = $('sessions').children.length > 0;
}

async function startChat(agent) {
  try {
    const session = await json('POST', '/api/v1/sessions', { body: { agentId: agent.id } });
    await openSession(session);
    await loadSessions(true);
  } catch (error) {
    showError(error);
  }
}

function showHeader() {
  const { session } = state;
  $('chat-title').textContent = session.title || `Chat with ${agentName(session.agentId)}`;
  const agent = state.agents.get(session.agentId);
  $('chat-agent').textContent = session.active
    ? `${agentName(session.agentId)}${agent ? ` (${agent.specialty})` : ''} answers; a question for another specialist is handed over.`
    : 'This session is closed; its messages are kept. Start a new chat from the agents list.';
  $('close-session').hidden = !session.active;
  $('composer-input').disabled = !session.active;
  $('send').disabled = !session.active || state.sending;
  document.querySelectorAll('#sessions .session').forEach((button) => {
    if (button.dataset.session === session.id) {
      button.setAttribute('aria-current', 'true');
    } else {
      button.removeAttribute('aria-current');
    }
  });
}

/** Opens a session: its newest messages, the older ones on scrolling up. */
async function openSession(session) {
  state.session = session;
  sessionStorage.setItem(SESSION_KEY, session.id);
  state.olderCursor = null;
  $('messages').replaceChildren();
  $('older').hidden = true;
  $('workspace').dataset.view = 'chat';
  showHeader();
  try {
    const page = await json('GET', `${messagesPath(session)}?limit=${MESSAGES_PAGE}`);
    if (state.session !== session) {
      return;
    }
    $('messages').replaceChildren(...page.items.reverse().map((message) => messageItem(message, agentName)));
    state.olderCursor = page.nextCursor;
    $('older').hidden = !page.nextCursor;
    state.follow = true;
    toBottom();
  } catch (error) {
    showError(error);
  }
  (session.active ? $('composer-input') : $('chat-title')).focus();
}

async function loadOlder() {
  const { session } = state;
  if (!session || !state.olderCursor || state.loadingOlder) {
    return;
  }
  state.loadingOlder = true;
  const log = $('log');
  try {
    const page = await json('GET', `${messagesPath(session)}?limit=${MESSAGES_PAGE}&before=${state.olderCursor}`);
    if (state.session === session) {
      const height = log.scrollHeight;
      $('messages').prepend(...page.items.reverse().map((message) => messageItem(message, agentName)));
      log.scrollTop += log.scrollHeight - height; // the message that was in view stays there
      state.olderCursor = page.nextCursor;
      $('older').hidden = !page.nextCursor;
    }
  } catch (error) {
    showError(error);
  } finally {
    state.loadingOlder = false;
  }
}

async function closeSession() {
  const { session } = state;
  try {
    await json('DELETE', `/api/v1/sessions/${encodeURIComponent(session.id)}`);
    session.active = false;
    showHeader();
    status('Session closed; its messages are kept.');
    await loadSessions(true);
  } catch (error) {
    showError(error);
  }
}

// ---- sending and streaming ----

const MERGE_PATCH = { 'Content-Type': 'application/merge-patch+json' };

/** Saves an accepted profile_suggestion: its patch, as is, in one merge patch. A refused token signs out. */
async function saveToProfile(patch) {
  try {
    await json('PATCH', '/api/v1/me/profile', { body: patch, headers: MERGE_PATCH });
    status(''); // the offer it named is settled: its own line says so
  } catch (error) {
    if (error.status === 401) {
      showError(error);
    }
    throw error;
  }
}

/** The offer of a stated figure for the profile, shown after the reply (nothing is saved without a click). */
function offerItem(patch) {
  if (!patchText(patch)) {
    return null;
  }
  return new OfferView(patch, saveToProfile, () => {
    status('Not saved; your profile is unchanged.');
    $('composer-input').focus();
  });
}

function toBottom() {
  if (state.follow) {
    $('log').scrollTop = $('log').scrollHeight;
  }
}

async function send(event) {
  event.preventDefault();
  const input = $('composer-input');
  const content = input.value.trim();
  const { session } = state;
  if (!content || state.sending || !session?.active) {
    return;
  }
  state.sending = true;
  $('send').disabled = true;
  clearError();
  const list = $('messages');
  const mine = pendingItem(content);
  list.append(mine);
  input.value = '';
  state.follow = true;
  toBottom();
  let reply = null;
  let offer = null;
  const said = (text) => (offer ? `${text} ${offer.question}`.trim() : text); // the offer is said with the outcome
  const on = {
    meta(meta) {
      mine.classList.remove('pending');
      mine.dataset.id = meta.userMessageId;
      reply = new ReplyView(list, agentName);
      reply.setAgent(meta.agentId);
      status(`${agentName(meta.agentId)} is answering…`);
      toBottom();
    },
    handoff(handoff) {
      list.insertBefore(handoffItem(agentName(handoff.from), agentName(handoff.to), handoff.reason), reply.item);
      reply.setAgent(handoff.to);
      session.agentId = handoff.to;
      showHeader();
      status(`${agentName(handoff.from)} handed you to ${agentName(handoff.to)}, who is answering…`);
      toBottom();
    },
    suggestion(patch) {
      offer = offerItem(patch);
      if (offer) {
        list.append(offer.item);
        toBottom();
      }
    },
    delta(text) {
      reply.append(text);
      toBottom();
    },
    note(text) {
      (reply ? reply.note.bind(reply) : status)(text);
    },
  };
  try {
    const ws = document.querySelector('input[name="transport"]:checked').value === 'ws';
    if (ws) {
      state.socket ??= new SocketChat();
    }
    const stored = ws ? await state.socket.send(session.id, content, on) : await streamOverSse(session.id, content, on);
    if (stored && reply) {
      reply.finish(stored);
      session.agentId = stored.agentId;
      status(said(`${agentName(stored.agentId)} answered.`));
    } else {
      await openSession(session); // it ended while the connection was down: the stored messages say how
      if (offer) {
        list.append(offer.item);
        status(said(''));
      }
    }
    loadSessions(true).catch(showError);
  } catch (error) {
    if (reply) {
      reply.fail(describe(error));
    } else {
      mine.classList.add('failed');
      mine.append(Object.assign(document.createElement('p'), { className: 'note', textContent: 'Not sent.' }));
      input.value = input.value || content; // nothing was stored: it can be sent again
    }
    status(said(''));
    showError(error);
  } finally {
    state.sending = false;
    if (state.session === session) {
      showHeader();
    }
  }
}

// ---- wiring ----

function init() {
  $('user-id').value = localStorage.getItem(USER_KEY) || `guest-${uuid().slice(0, 8)}`;
  $('dev-form').addEventListener('submit', devToken);
  $('paste-form').addEventListener('submit', pasteToken);
  $('sign-out').addEventListener('click', () => {
    signOut();
    $('sign-in-title').focus();
  });
  $('more-sessions').addEventListener('click', () => loadSessions(false).catch(showError));
  $('older').addEventListener('click', loadOlder);
  $('close-session').addEventListener('click', closeSession);
  $('back').addEventListener('click', () => {
    $('workspace').dataset.view = 'list';
    $('agents-title').focus();
  });
  $('composer').addEventListener('submit', send);
  $('composer-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('log').addEventListener('scroll', () => {
    const log = $('log');
    state.follow = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    if (log.scrollTop < 40) {
      loadOlder();
    }
  });
  if (tokenStore.get()) {
    enter();
  } else {
    $('sign-in').hidden = false;
  }
}

init();
