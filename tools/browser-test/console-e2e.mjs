// The web console, end to end, in headless Chromium (Debian's chromium, driven by playwright-core).
// ConsoleBrowserTest (launcher) starts GENESIS and runs this with:
//   GENESIS_URL       a GENESIS with development tokens on and a paced offline coach
//   GENESIS_RL_URL    a second GENESIS with a small rate limit
//   GENESIS_RL_TOKEN  a token of a fresh user for that one (pasted, as a person would)
//   GENESIS_EXPIRED_TOKEN  a token of the first one's secret whose exp has passed
//   CHROMIUM          the browser's executable
//   OUT_DIR           where the screenshots go
// Prints one "ok - …" line per step, or "not ok - …" and exits 1 at the first failure.

import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const {
  GENESIS_URL: BASE, GENESIS_RL_URL: LIMITED, GENESIS_RL_TOKEN: LIMITED_TOKEN, GENESIS_EXPIRED_TOKEN: EXPIRED_TOKEN, CHROMIUM, OUT_DIR,
} = process.env;
// Without the background-networking switches Chromium calls out to Google, which this closed network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const USER = `console-${Date.now().toString(36)}`;
const NUTRITION_QUESTION = "I'm 30, male, 80 kg, 180 cm and moderately active. How much protein and how many calories should I eat a day?";
const SEEDED = 11; // exchanges stored before the browser looks: 22 messages, more than one page of 20
const EXTRA_SESSIONS = 10; // with the others, more sessions than one page of 10

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function step(name, body) {
  try {
    await body();
    console.log(`ok - ${name}`);
  } catch (error) {
    console.log(`not ok - ${name}\n  ${String(error.stack || error).replace(/\n/g, '\n  ')}`);
    await browser.close();
    process.exit(1);
  }
}

/** Fails the run on an uncaught error or a Content-Security-Policy violation in the page. */
function watch(page) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  return page;
}

/** Records the streaming reply's text at every change, and the notes it shows (resuming…). */
async function recordStreaming(page) {
  await page.evaluate(() => {
    window.seen = [];
    window.notes = [];
    window.live = new Set();
    new MutationObserver(() => {
      const streaming = document.querySelector('#messages .msg.agent[data-streaming]');
      if (streaming) {
        window.seen.push(streaming.querySelector('.body').textContent);
        window.live.add(streaming.querySelector('.body').getAttribute('aria-live'));
        const note = streaming.querySelector('.note').textContent;
        if (note) {
          window.notes.push(note);
        }
      }
    }).observe(document.getElementById('messages'), { childList: true, subtree: true, characterData: true });
  });
}

const lastReply = (page) => page.locator('#messages .msg.agent').last();

/** Sends a message with the keyboard and waits until its reply is stored (the reply then carries its id). */
async function sendAndWait(page, text) {
  const replies = await page.locator('#messages .msg.agent[data-id]').count();
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
  await page.locator('#messages .msg.agent[data-id]').nth(replies).waitFor({ timeout: 60000 });
  return (await lastReply(page).locator('.body').textContent());
}

/** A TCP proxy to `target` whose cut() resets every connection through it; resolves once it listens. */
function proxy(target) {
  const { hostname, port } = new URL(target);
  const open = new Set();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    open.add(client);
    const end = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream).pipe(client);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    cut: () => {
      const count = open.size;
      open.forEach((client) => client.resetAndDestroy());
      return count;
    },
    close: () => server.close(),
  })));
}

async function api(method, path, token, body) {
  const response = await fetch(BASE + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  check(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

const problems = [];
mkdirSync(OUT_DIR, { recursive: true });
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = watch(await context.newPage());
let streamed = '';

await step('the page loads under the console\'s own strict Content-Security-Policy, no inline script or style', async () => {
  const response = await page.goto(`${BASE}/`);
  check(response.status() === 200, `GET / answered ${response.status()}`);
  const csp = response.headers()['content-security-policy'];
  check(csp.includes("script-src 'self'") && csp.includes("style-src 'self'") && !csp.includes('unsafe'), csp);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  check(await page.locator('script:not([src]), style, [style]').count() === 0, 'inline script or style in the page');
});

await step('one click on "Get a development token" signs in and lists the seven agents with their specialties', async () => {
  await page.getByLabel('User id').fill(USER);
  await page.getByRole('button', { name: 'Get a development token' }).click();
  await page.locator('#agents li').nth(6).waitFor();
  check(await page.locator('#agents li').count() === 7, 'not seven agents');
  for (const [name, specialty] of [['BLAZE', 'Strength'], ['SAGE', 'Nutrition'], ['WAVE', 'Recovery']]) {
    const text = await page.getByRole('button', { name: new RegExp(`^${name}`) }).textContent();
    check(text.includes(specialty), `${name}: ${text}`);
  }
  check((await page.locator('#who-text').textContent()).includes(USER), 'who is signed in');
  const stored = await page.evaluate(() => sessionStorage.getItem('genesis.token'));
  check(stored && stored.startsWith('eyJ'), 'the token is in session storage');
  check(!page.url().includes(stored) && !page.url().includes('token'), `the token is in the URL: ${page.url()}`);
});

await step('picking BLAZE starts a session with BLAZE; the message box has the focus', async () => {
  await page.getByRole('button', { name: /^BLAZE/ }).click();
  await page.getByRole('heading', { name: 'Chat with BLAZE' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'composer-input');
});

await step('a nutrition question to BLAZE: "BLAZE handed you to SAGE", SAGE answers, token by token', async () => {
  await recordStreaming(page);
  await page.getByLabel('Message', { exact: true }).fill(NUTRITION_QUESTION);
  await page.keyboard.press('Enter');
  await page.locator('#messages .handoff').getByText('BLAZE handed you to SAGE', { exact: true }).waitFor();
  await page.locator('#messages .msg.agent[data-id]').waitFor({ timeout: 60000 });
  streamed = await lastReply(page).locator('.body').textContent();
  check(await lastReply(page).locator('.name').textContent() === 'SAGE', 'the reply is labelled SAGE');
  const seen = await page.evaluate(() => window.seen);
  const distinct = [...new Set(seen.filter((text) => text.length > 0))];
  check(distinct.length >= 5, `the text arrived in ${distinct.length} pieces, not incrementally`);
  check(distinct.every((text) => streamed.startsWith(text)), 'every streamed prefix is the start of the reply');
  check(distinct[0].length < streamed.length / 2, 'the first piece is a small part of the reply');
  check(await page.evaluate(() => [...window.live].join()) === 'polite', 'the streaming reply is a polite live region');
  check((await page.locator('#chat-agent').textContent()).startsWith('SAGE'), 'the header names SAGE as answering now');
  console.log(`  # ${distinct.length} distinct streamed states, ${streamed.length} characters`);
  await page.screenshot({ path: join(OUT_DIR, 'console-desktop.png') });
});

await step('after a reload the session reopens and the stored reply equals what streamed', async () => {
  await page.reload();
  await page.locator('#messages .msg.agent[data-id]').waitFor();
  check(await lastReply(page).locator('.body').textContent() === streamed, 'stored text differs from the streamed text');
  check(await page.locator('#messages .msg.user .body').first().textContent() === NUTRITION_QUESTION, 'the question');
});

await step('over the WebSocket too: the reply streams and is stored as streamed', async () => {
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await page.getByLabel('WebSocket').check();
  await recordStreaming(page);
  const text = await sendAndWait(page, 'And how much of that protein should come at breakfast?');
  check(sockets.some((url) => url.includes('/api/v1/ws')), 'no WebSocket was opened');
  const distinct = new Set((await page.evaluate(() => window.seen)).filter((t) => t.length > 0));
  check(distinct.size >= 3, `the WebSocket reply arrived in ${distinct.size} pieces`);
  await page.reload();
  await page.locator('#messages .msg.agent[data-id]').nth(1).waitFor();
  check(await lastReply(page).locator('.body').textContent() === text, 'stored text differs from the streamed text');
  await page.getByLabel('Server-Sent Events').check();
});

await step('a stated figure is offered for the profile ("Save 82 kg as your weight…"), saved only on "Save to profile"; Dismiss saves nothing', async () => {
  const { token } = await api('POST', '/api/v1/auth/dev-token', null, { userId: USER });
  const patches = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/v1/me/profile') && request.method() === 'PATCH') {
      patches.push({ type: request.headers()['content-type'], body: request.postData() });
    }
  });
  await sendAndWait(page, "I'm 82 kg now. How many calories should I eat to lose fat?");
  const offer = page.getByRole('group', { name: 'Save 82 kg as your weight in your profile?' });
  await offer.waitFor();
  check((await page.locator('#status').textContent()).includes('Save 82 kg as your weight in your profile?'),
    'the offer is not said in the status line');
  check((await api('GET', '/api/v1/me/profile', token)).weightKg === undefined, 'saved before the click');
  check(patches.length === 0, 'a PATCH went out before the click');
  await offer.getByRole('button', { name: 'Save to profile' }).focus();
  await page.keyboard.press('Enter');
  await offer.getByRole('status').filter({ hasText: 'Saved to your profile: 82 kg as your weight.' }).waitFor();
  check(await page.evaluate(() => document.activeElement.textContent) === 'Saved to your profile: 82 kg as your weight.',
    'the focus is not on the outcome');
  check((await api('GET', '/api/v1/me/profile', token)).weightKg === 82, 'the profile does not hold 82 kg');
  await page.screenshot({ path: join(OUT_DIR, 'console-profile-saved.png') });
  check(patches.length === 1 && patches[0].type === 'application/merge-patch+json'
    && JSON.stringify(JSON.parse(patches[0].body)) === '{"weightKg":82}', `PATCHes sent: ${JSON.stringify(patches)}`);

  // Over the WebSocket: offered the same way; Dismiss removes the offer and the profile stays as it was.
  await page.getByLabel('WebSocket').check();
  await sendAndWait(page, 'I am 180 cm tall. Is my weight healthy?');
  const height = page.getByRole('group', { name: 'Save 180 cm as your height in your profile?' });
  await height.waitFor();
  await height.getByRole('button', { name: 'Dismiss' }).click();
  await height.waitFor({ state: 'detached' });
  await page.locator('#status').filter({ hasText: 'Not saved; your profile is unchanged.' }).waitFor();
  const profile = await api('GET', '/api/v1/me/profile', token);
  check(profile.heightCm === undefined && profile.weightKg === 82 && patches.length === 1, `profile: ${JSON.stringify(profile)}`);
  await page.getByLabel('Server-Sent Events').check();
});

await step('a stream cut mid-reply resumes after its last event (SSE: GET …/stream with Last-Event-ID; WebSocket: a resume frame)', async () => {
  // Through a proxy that can cut every connection at once, as a dropped network would.
  const cutter = await proxy(BASE);
  const other = watch(await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage());
  const resumes = [];
  other.on('request', (request) => {
    if (request.url().endsWith('/stream')) {
      resumes.push(request.headers()['last-event-id']);
    }
  });
  await other.goto(`${cutter.url}/`);
  await other.getByLabel('User id').fill(USER);
  await other.getByRole('button', { name: 'Get a development token' }).click();
  await other.getByRole('button', { name: /^VOLT/ }).click();
  await other.getByRole('heading', { name: 'Chat with VOLT' }).waitFor();
  await recordStreaming(other);
  await other.getByLabel('Message', { exact: true }).fill("I'm 35 and I ran 10k in 50:00, what pace is that and what are my heart-rate zones?");
  await other.keyboard.press('Enter');
  await other.waitForFunction(() => window.seen.some((text) => text.length > 0));
  const cutAt = cutter.cut();
  await other.locator('#messages .msg.agent[data-id]').waitFor({ timeout: 60000 });
  const notes = await other.evaluate(() => window.notes);
  check(notes.some((note) => note.includes('dropped')), `the page did not say the connection dropped: ${notes}`);
  check(resumes.length > 0 && Number(resumes[0]) > 0, `resumed with Last-Event-ID ${resumes}`);
  const text = await lastReply(other).locator('.body').textContent();
  const seen = await other.evaluate(() => window.seen);
  check(seen.every((prefix) => text.startsWith(prefix)), 'the resumed reply does not continue what had streamed');
  const offers = await other.locator('#messages .offer').allTextContents();
  check(offers.length === 1 && offers[0].includes('Save 35 years as your age in your profile?'), `offers after resuming: ${offers}`);
  await other.reload();
  await other.locator('#messages .msg.agent[data-id]').waitFor();
  check(await lastReply(other).locator('.body').textContent() === text, 'the resumed reply differs from the stored one');
  console.log(`  # ${cutAt} connections cut; resumed after event ${resumes[0]}`);

  // The same over the WebSocket: a new socket sends a resume frame with the last event id.
  const frames = [];
  other.on('websocket', (socket) => socket.on('framesent', (frame) => frames.push(String(frame.payload))));
  await other.getByLabel('WebSocket').check();
  await recordStreaming(other);
  await other.getByLabel('Message', { exact: true }).fill('And what pace should my easy runs be?');
  await other.keyboard.press('Enter');
  await other.waitForFunction(() => window.seen.some((seenText) => seenText.length > 0));
  cutter.cut();
  await other.locator('#messages .msg.agent[data-id]').nth(1).waitFor({ timeout: 60000 });
  const resumeFrame = frames.map((frame) => JSON.parse(frame)).find((frame) => frame.type === 'resume');
  check(resumeFrame && resumeFrame.lastEventId > 0, `no resume frame: ${frames}`);
  check((await other.evaluate(() => window.notes)).some((note) => note.includes('dropped')), 'the page did not say so');
  const overSocket = await lastReply(other).locator('.body').textContent();
  check((await other.evaluate(() => window.seen)).every((prefix) => overSocket.startsWith(prefix)), 'not a continuation');
  await other.reload();
  await other.locator('#messages .msg.agent[data-id]').nth(1).waitFor();
  check(await lastReply(other).locator('.body').textContent() === overSocket, 'the resumed reply differs from the stored one');
  console.log(`  # WebSocket resumed after event ${resumeFrame.lastEventId}`);
  await other.context().close();
  cutter.close();
});

await step('older messages come as the person scrolls up (the API\'s cursor), sessions newest first', async () => {
  const { token } = await api('POST', '/api/v1/auth/dev-token', null, { userId: USER });
  for (let i = 1; i <= EXTRA_SESSIONS; i++) {
    await api('POST', '/api/v1/sessions', token, { agentId: 'aura', title: `Older chat ${i}` });
  }
  const session = await api('POST', '/api/v1/sessions', token, { agentId: 'wave', title: 'Sleep log' });
  const contents = Array.from({ length: SEEDED }, (_, i) => `Night ${i + 1}: how do I sleep better?`);
  for (const content of contents) {
    await api('POST', `/api/v1/sessions/${session.id}/messages`, token, { content });
  }
  await page.reload();
  await page.locator('#sessions .session').first().waitFor();
  check(await page.locator('#sessions .session .session-title').first().textContent() === 'Sleep log', 'newest session first');
  await page.locator('#sessions .session').first().click();
  await page.getByRole('heading', { name: 'Sleep log' }).waitFor();
  await page.locator('#messages .msg').nth(19).waitFor();
  check(await page.locator('#messages .msg').count() === 20, 'one page of 20 first');
  check(await page.getByRole('button', { name: 'Load older messages' }).isVisible(), 'older messages offered');
  await page.locator('#log').evaluate((log) => { log.scrollTop = 0; });
  await page.locator('#messages .msg').nth(2 * SEEDED - 1).waitFor();
  check(await page.locator('#messages .msg').count() === 2 * SEEDED, 'every message after scrolling up');
  check(await page.getByRole('button', { name: 'Load older messages' }).isHidden(), 'nothing older left');
  const users = await page.locator('#messages .msg.user .body').allTextContents();
  check(users.join('|') === contents.join('|'), `messages out of order: ${users}`);
  const total = await page.evaluate(() => document.querySelectorAll('#sessions .session').length);
  check(total === 10, `the first page of sessions holds ${total}`);
  await page.getByRole('button', { name: 'Show older sessions' }).click();
  await page.locator('#sessions .session').nth(10).waitFor();
  check(await page.getByRole('button', { name: 'Show older sessions' }).isHidden(), 'no older sessions are left');
  const titles = await page.locator('#sessions .session-title').allTextContents();
  check(titles.indexOf('Older chat 1') > titles.indexOf(`Older chat ${EXTRA_SESSIONS}`), `not newest first: ${titles}`);
});

await step('closing a session keeps its messages and stops the message box', async () => {
  await page.getByRole('button', { name: 'Close this session' }).click();
  await page.getByText('This session is closed').waitFor();
  check(await page.getByLabel('Message', { exact: true }).isDisabled(), 'the message box is still enabled');
  await page.locator('#sessions .session').first().filter({ hasText: 'closed' }).waitFor();
  check(await page.locator('#messages .msg').count() === 2 * SEEDED, 'messages kept');
});

await step('a refused token sends the person back to sign in, saying why', async () => {
  await page.evaluate(() => sessionStorage.setItem('genesis.token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad'));
  await page.reload();
  await page.getByRole('alert').filter({ hasText: 'Your token was refused' }).waitFor();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});

await step('an expired token, pasted: back to sign in, saying it expired', async () => {
  await page.getByLabel('Token (JWT)').fill(EXPIRED_TOKEN);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.getByRole('alert').filter({ hasText: 'Your token has expired. Sign in again.' }).waitFor();
  check(await page.getByRole('heading', { name: 'Sign in' }).isVisible(), 'still signed in');
  check(await page.evaluate(() => sessionStorage.getItem('genesis.token')) === null, 'the refused token is kept');
});

await step('a 503 is said in words: GENESIS shutting down, the model service unavailable (answers worded as the API words them)', async () => {
  await page.getByLabel('User id').fill(USER);
  await page.getByRole('button', { name: 'Get a development token' }).click();
  await page.getByRole('button', { name: /^NOVA/ }).click();
  await page.getByRole('heading', { name: 'Chat with NOVA' }).waitFor();
  const cases = [
    ['the server is shutting down; retry in a moment', 'GENESIS is shutting down or restarting. Try again in 1 second.'],
    ['the model service is unavailable (paused after repeated failures)', 'The model service is unavailable right now'],
  ];
  for (const [detail, said] of cases) {
    await page.route('**/api/v1/sessions/*/messages', (route) => (route.request().method() !== 'POST' ? route.continue()
      : route.fulfill({
        status: 503,
        headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
        body: JSON.stringify({ type: 'urn:genesis:problem:unavailable', title: 'Service unavailable', status: 503, detail }),
      })));
    await page.getByLabel('Message', { exact: true }).fill('Is creatine worth it?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByRole('alert').filter({ hasText: said }).waitFor();
    await page.unroute('**/api/v1/sessions/*/messages');
  }
  await page.getByRole('alert').filter({ hasText: 'You can try again now.' }).waitFor({ timeout: 5000 });
});

await step('with the keyboard alone: Tab to the token button, Enter, Tab to an agent, Enter, type, Enter', async () => {
  const keys = watch(await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage());
  await keys.goto(`${BASE}/`);
  await keys.getByRole('heading', { name: 'Sign in' }).waitFor();
  const focused = () => keys.evaluate(() => document.activeElement.id || document.activeElement.textContent.trim());
  await keys.keyboard.press('Tab');
  check(await focused() === 'Skip to the message box', `first stop: ${await focused()}`);
  await keys.keyboard.press('Tab');
  check(await focused() === 'user-id', `second stop: ${await focused()}`);
  await keys.keyboard.press('Control+A');
  await keys.keyboard.type(USER);
  await keys.keyboard.press('Tab');
  check(await focused() === 'dev-token', `third stop: ${await focused()}`);
  await keys.keyboard.press('Enter');
  await keys.locator('#agents li').nth(6).waitFor();
  await keys.waitForFunction(() => document.activeElement.id === 'agents-title');
  await keys.keyboard.press('Tab');
  check((await focused()).startsWith('BLAZE'), `after signing in, Tab reaches ${await focused()}`);
  await keys.keyboard.press('Tab');
  check((await focused()).startsWith('SAGE'), `the next agent is ${await focused()}`);
  await keys.keyboard.press('Enter');
  await keys.getByRole('heading', { name: 'Chat with SAGE' }).waitFor();
  await keys.waitForFunction(() => document.activeElement.id === 'composer-input');
  await keys.keyboard.type('Is oatmeal a good breakfast?');
  await keys.keyboard.press('Enter');
  await keys.locator('#messages .msg.agent[data-id]').waitFor({ timeout: 60000 });
  check(await focused() === 'composer-input', 'the message box keeps the focus for the next message');
  await keys.context().close();
});

await step('on a phone-sized screen: one pane at a time, nothing wider than the screen', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = watch(await phone.newPage());
  await small.goto(`${BASE}/`);
  await small.getByLabel('User id').fill(USER);
  await small.getByRole('button', { name: 'Get a development token' }).click();
  await small.getByRole('button', { name: /^STELLA/ }).click();
  await small.getByRole('heading', { name: 'Chat with STELLA' }).waitFor();
  check(await small.locator('#side').isHidden(), 'the agents stay beside the chat');
  await sendAndWait(small, 'I want to lose 5 kg by summer. Where do I start?');
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await small.screenshot({ path: join(OUT_DIR, 'console-phone.png') });
  await small.getByRole('button', { name: /Agents and sessions/ }).click();
  await small.getByRole('heading', { name: 'Start a chat' }).waitFor();
  await phone.close();
});

await step('the rate limit is shown to the person, with the wait', async () => {
  const limited = watch(await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage());
  await limited.goto(`${LIMITED}/`);
  await limited.getByLabel('Token (JWT)').fill(LIMITED_TOKEN);
  await limited.getByRole('button', { name: 'Use this token' }).click();
  await limited.getByRole('button', { name: /^VOLT/ }).click();
  await limited.getByRole('heading', { name: 'Chat with VOLT' }).waitFor();
  const alert = limited.getByRole('alert');
  for (let i = 0; i < 10 && !(await alert.isVisible()); i++) {
    await limited.getByLabel('Message', { exact: true }).fill(`Interval ${i}: how fast should I run 400 m repeats?`);
    await limited.getByLabel('Message', { exact: true }).press('Enter');
    await limited.waitForFunction(() => !document.querySelector('#messages [data-streaming]') && !document.getElementById('send').disabled
      || !document.getElementById('alert').hidden);
  }
  const text = await alert.textContent();
  check(/Too many requests/.test(text) && /Try again in \d+ seconds?\./.test(text), `alert: ${text}`);
  console.log(`  # ${text}`);
  // A message refused by the limit is marked as not sent and given back, to send once the wait is over.
  const refused = 'Refused: is this one stored?';
  await limited.getByLabel('Message', { exact: true }).fill(refused);
  await limited.getByLabel('Message', { exact: true }).press('Enter');
  await limited.locator('#messages .msg.user.failed').filter({ hasText: refused }).filter({ hasText: 'Not sent' }).waitFor();
  check(await limited.getByLabel('Message', { exact: true }).inputValue() === refused, 'the refused message is given back');
  check(/Too many requests/.test(await alert.textContent()), 'the alert names the rate limit');
  await limited.screenshot({ path: join(OUT_DIR, 'console-rate-limited.png') });
});

await step('no uncaught error and no Content-Security-Policy violation on any page', async () => {
  check(problems.length === 0, problems.join('\n'));
});

await browser.close();
