// Ers page behaviour: live session end (Server-Sent Events), idle warning with countdown, activity keep-alive.
// Loaded as a module from this site only (the Content-Security-Policy forbids inline script).
import { initAll } from '/lib/nhsuk-frontend/nhsuk-frontend.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();

const body = document.body;
if (body.dataset.ersSession === 'live') {
  startSession();
}

function startSession() {
  // Deadlines are server times; correct for this browser's clock once.
  const clockOffset = Number(body.dataset.ersServerNow) - Date.now();
  const serverNow = () => Date.now() + clockOffset;
  let idleWarningAt = Number(body.dataset.ersIdleWarningAt);
  let idleExpiresAt = Number(body.dataset.ersIdleExpiresAt);
  const absoluteWarningAt = Number(body.dataset.ersAbsoluteWarningAt);
  const absoluteExpiresAt = Number(body.dataset.ersAbsoluteExpiresAt);
  const absoluteWarning = document.getElementById('ers-absolute-warning');
  const absoluteCountdown = document.getElementById('ers-absolute-countdown');
  const activityInterval = Math.max(250, Number(body.dataset.ersActivityInterval) || 15000);
  const token = document.querySelector('meta[name="ers-antiforgery"]')?.content ?? '';
  const warning = document.getElementById('ers-idle-warning');
  const countdown = document.getElementById('ers-idle-countdown');
  const connectionLost = document.getElementById('ers-connection-lost');
  const main = document.getElementById('maincontent');
  // A dropped stream is retried by the browser after the server's `retry` (1 s): a node restarting behind the
  // ingress or a brief blip is not worth a notice, a stream that stays away this long is.
  const lostAfter = 3000;
  const reconnectEvery = 2000;
  let ended = false;
  let lastActivitySent = Date.now();
  let events = null;
  let lostTimer = null;

  connect();

  // The stream is the only way this page learns that its session ended. While it is down (server gone, or refused)
  // the page cannot know, so it says so and hides patient data until the stream is back (issue 14).
  function connect() {
    if (ended) return;
    events = new EventSource('/session/events');
    events.addEventListener('open', () => {
      clearTimeout(lostTimer);
      lostTimer = null;
      showConnected();
    });
    events.addEventListener('ended', (e) => {
      let message = 'Your session has ended.';
      try { message = JSON.parse(e.data).message; } catch { /* keep the plain sentence */ }
      showEnded(message);
    });
    events.addEventListener('deadlines', (e) => {
      try {
        const d = JSON.parse(e.data);
        idleWarningAt = Date.parse(d.idleWarningAt);
        idleExpiresAt = Date.parse(d.idleExpiresAt);
        tick();
      } catch { /* keep the deadlines this page had */ }
    });
    events.addEventListener('error', () => {
      if (ended) return;
      if (events.readyState === EventSource.CLOSED) {
        // Refused (not an event stream: a 401 after a restart lost the session, a 503, a proxy's error page): the
        // browser never retries such a stream by itself. Ask why, then decide.
        showLost();
        probe();
      } else if (lostTimer === null) {
        // The browser retries by itself; say so only if it stays down.
        lostTimer = setTimeout(showLost, lostAfter);
      }
    });
  }

  async function probe() {
    const abort = new AbortController();
    try {
      const response = await fetch('/session/events', { credentials: 'same-origin', signal: abort.signal, cache: 'no-store' });
      abort.abort();
      if (response.status === 401) {
        // The server does not know this page's session any more (restart, session lost): it is over.
        showEnded('Your session has ended.');
        return;
      }
    } catch { /* server gone: try again below */ }
    if (!ended) setTimeout(connect, reconnectEvery);
  }

  function showLost() {
    if (ended) return;
    main.classList.add('ers-hidden');
    connectionLost.classList.remove('ers-hidden');
  }

  function showConnected() {
    if (ended) return;
    connectionLost.classList.add('ers-hidden');
    main.classList.remove('ers-hidden');
  }

  function showEnded(message) {
    if (ended) return;
    ended = true;
    clearTimeout(lostTimer);
    events?.close();
    connectionLost.classList.add('ers-hidden');
    main.classList.remove('ers-hidden');
    warning.classList.add('ers-hidden');
    absoluteWarning.classList.add('ers-hidden');
    document.getElementById('ers-session-bar')?.remove();
    document.getElementById('maincontent').replaceChildren();
    const region = document.getElementById('ers-session-ended');
    const box = document.createElement('div');
    box.className = 'ers-ended';
    const heading = document.createElement('h1');
    heading.className = 'nhsuk-heading-l';
    heading.textContent = message;
    const next = document.createElement('p');
    next.append('Nothing more can be done in this page. ');
    const link = document.createElement('a');
    link.href = '/';
    link.textContent = 'Insert your smartcard to log in again';
    next.append(link, '.');
    box.append(heading, next);
    region.replaceChildren(box);
    region.classList.remove('ers-hidden');
    document.title = 'Session ended - e-Referral Service';
  }

  async function sendActivity() {
    lastActivitySent = Date.now();
    try {
      const response = await fetch('/session/activity', {
        method: 'POST',
        headers: { 'RequestVerificationToken': token },
        credentials: 'same-origin',
      });
      if (response.status === 401) {
        const body = await response.json().catch(() => ({}));
        showEnded(body.message ?? 'Your session has ended.');
        return;
      }
      if (response.ok) {
        const d = await response.json();
        idleWarningAt = Date.parse(d.idleWarningAt);
        idleExpiresAt = Date.parse(d.idleExpiresAt);
        tick();
      }
    } catch {
      // Network trouble: the event stream reports an end when it matters.
    }
  }

  function onActivity() {
    if (ended) return;
    const warningShown = !warning.classList.contains('ers-hidden');
    if (warningShown || Date.now() - lastActivitySent >= activityInterval) {
      sendActivity();
    }
  }

  function tick() {
    if (ended) return;
    const now = serverNow();
    if (now >= idleWarningAt && now < idleExpiresAt) {
      countdown.textContent = String(Math.max(0, Math.ceil((idleExpiresAt - now) / 1000)));
      warning.classList.remove('ers-hidden');
    } else {
      warning.classList.add('ers-hidden');
    }
    // The maximum session length cannot be extended: a notice, not a question.
    if (now >= absoluteWarningAt && now < absoluteExpiresAt) {
      absoluteCountdown.textContent = String(Math.max(1, Math.ceil((absoluteExpiresAt - now) / 60000)));
      absoluteWarning.classList.remove('ers-hidden');
    }
  }

  document.getElementById('ers-stay').addEventListener('click', sendActivity);
  document.addEventListener('click', onActivity, { capture: true, passive: true });
  document.addEventListener('keydown', onActivity, { capture: true, passive: true });
  setInterval(tick, 500);
  tick();
}
