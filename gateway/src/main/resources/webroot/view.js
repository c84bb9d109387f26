// Building the page's pieces. Text goes in as text (textContent), never as HTML.

import { describe } from './api.js';

/** An element with properties (`class`, `text`, `dataset`, `on…` listeners, other attributes) and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const time = (iso) => (iso ? dateTime.format(new Date(iso)) : '');

const stamp = (iso) => el('time', { datetime: iso, text: time(iso) });

/** An agent to start a chat with: its name and specialty on the button, its description beside it. */
export function agentItem(agent, onPick) {
  const about = `agent-about-${agent.id}`;
  return el('li', { class: 'agent' },
    el('button', { type: 'button', dataset: { agent: agent.id }, 'aria-describedby': about, onclick: () => onPick(agent) },
      el('span', { class: 'agent-name', text: agent.name }), ' ',
      el('span', { class: 'agent-specialty', text: agent.specialty })),
    el('p', { id: about, class: 'hint', text: agent.description }));
}

/** One of the person's sessions: opening it resumes it. */
export function sessionItem(session, agentName, current, onOpen) {
  const label = session.title || `Chat with ${agentName(session.agentId)}`;
  return el('li', {},
    el('button', {
      type: 'button', class: 'session', dataset: { session: session.id }, 'aria-current': current ? 'true' : null,
      onclick: () => onOpen(session),
    },
    el('span', { class: 'session-title', text: label }),
    el('span', { class: 'hint' }, stamp(session.updatedAt), session.active ? '' : ' · closed')));
}

/** A stored message. */
export function messageItem(message, agentName) {
  const mine = message.role === 'user';
  return el('li', { class: `msg ${mine ? 'user' : 'agent'}`, dataset: { id: message.id, agent: message.agentId } },
    el('p', { class: 'who' }, el('span', { class: 'name', text: mine ? 'You' : agentName(message.agentId) }), ' ', stamp(message.createdAt)),
    el('p', { class: 'body', text: message.content }),
    message.partial ? el('p', { class: 'note', text: 'This reply was cut short and stored as it was (partial).' }) : null);
}

/** A message of the person's, shown as soon as it is sent. */
export function pendingItem(content) {
  return el('li', { class: 'msg user pending' },
    el('p', { class: 'who' }, el('span', { class: 'name', text: 'You' })),
    el('p', { class: 'body', text: content }));
}

/** "BLAZE handed you to SAGE", where it happened in the conversation. */
export function handoffItem(from, to, reason) {
  return el('li', { class: 'handoff' },
    el('p', { class: 'handoff-line', text: `${from} handed you to ${to}` }),
    reason ? el('p', { class: 'hint', text: reason }) : null);
}

/** A reply as it streams in: polite live region, busy until it ends. */
export class ReplyView {
  constructor(list, agentName) {
    this.agentName = agentName;
    this.name = el('span', { class: 'name', text: 'Reply' });
    this.who = el('p', { class: 'who' }, this.name);
    this.body = el('p', { class: 'body', 'aria-live': 'polite', 'aria-busy': 'true' });
    this.noteLine = el('p', { class: 'note', 'aria-live': 'polite' });
    this.item = el('li', { class: 'msg agent', dataset: { streaming: 'true' } }, this.who, this.body, this.noteLine);
    list.append(this.item);
  }

  setAgent(agentId) {
    this.item.dataset.agent = agentId;
    this.name.textContent = this.agentName(agentId);
  }

  append(text) {
    this.body.append(text);
  }

  note(text) {
    this.noteLine.textContent = text;
  }

  /** The stored reply: its id, its agent, and its text (the streamed text, which it equals). */
  finish(message) {
    this.end();
    if (!message) {
      return;
    }
    this.setAgent(message.agentId);
    this.item.dataset.id = message.id;
    this.who.append(' ', stamp(message.createdAt));
    if (this.body.textContent !== message.content) {
      this.body.textContent = message.content;
    }
    if (message.partial) {
      this.note('This reply was cut short and stored as it was (partial).');
    }
  }

  fail(text) {
    this.end();
    this.item.classList.add('failed');
    this.note(text);
  }

  end() {
    this.note('');
    this.body.setAttribute('aria-busy', 'false');
    delete this.item.dataset.streaming;
  }
}

/** The profile's fields as a person reads them, in its metric terms. */
const FIELDS = {
  weightKg: ['weight', (value) => `${value} kg`],
  heightCm: ['height', (value) => `${value} cm`],
  age: ['age', (value) => `${value} years`],
  sex: ['sex', String],
};

/** "82 kg as your weight" (and "…, … and …" for more fields): what a profile patch sets. */
export function patchText(patch) {
  const parts = Object.entries(patch || {}).filter(([, value]) => value !== null && value !== undefined)
    .map(([field, value]) => {
      const [name, shown] = FIELDS[field] ?? [field, String];
      return `${shown(value)} as your ${name}`;
    });
  return parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

let offers = 0;

/**
 * A figure the person stated, offered for their profile (a `profile_suggestion`). Nothing is saved until they
 * press "Save to profile", which calls `save(patch)` once; "Dismiss" removes the offer and calls `dismissed()`.
 * The outcome is said in the offer's own polite status line.
 */
export class OfferView {
  constructor(patch, save, dismissed) {
    const id = `offer-${++offers}`;
    this.patch = patch;
    this.question = `Save ${patchText(patch)} in your profile?`;
    this.save = el('button', { type: 'button', class: 'primary', onclick: () => this.accept(save) }, 'Save to profile');
    this.dismiss = el('button', { type: 'button', class: 'quiet', onclick: () => this.close(dismissed) }, 'Dismiss');
    this.buttons = el('p', { class: 'offer-buttons' }, this.save, this.dismiss);
    this.result = el('p', { class: 'offer-result', role: 'status', tabindex: '-1' });
    this.item = el('li', { class: 'offer' },
      el('div', { role: 'group', 'aria-labelledby': id },
        el('p', { id, class: 'offer-text', text: this.question }), this.buttons, this.result));
  }

  async accept(save) {
    this.save.disabled = true;
    this.dismiss.disabled = true;
    this.result.textContent = 'Saving…';
    try {
      await save(this.patch);
      this.buttons.remove();
      this.item.classList.add('saved');
      this.result.textContent = `Saved to your profile: ${patchText(this.patch)}.`;
      this.result.focus();
    } catch (error) {
      this.save.disabled = false;
      this.dismiss.disabled = false;
      this.result.textContent = `Not saved. ${describe(error)}`;
      this.save.focus();
    }
  }

  close(dismissed) {
    this.item.remove();
    dismissed();
  }
}
