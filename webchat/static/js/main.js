// Wires the chat page together: state (storage.js), rendering (render.js) and
// the connection to the assistant (connection.js).
import { Connection } from "./connection.js";
import { announcement, messageItem } from "./render.js";
import { loadState, saveState } from "./storage.js";

const OFFLINE_TEXT = "De verbinding is verbroken, we proberen het opnieuw.";
const WAITING_TEXT = "Uw bericht wordt verstuurd zodra de verbinding terug is.";
const BACK_TEXT = "De verbinding is hersteld.";
const FIRST_MESSAGE = "Hallo"; // starts a new conversation with the greeting; not shown

const log = /** @type {HTMLOListElement} */ (document.getElementById("chat-log"));
const live = /** @type {HTMLElement} */ (document.getElementById("chat-live"));
const statusLine = /** @type {HTMLElement} */ (document.getElementById("chat-status"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("chat-form"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("chat-input"));

const state = loadState();
let wasOffline = false;

/** @param {string} text shown in the status line; empty hides it */
function setStatus(text) {
  statusLine.textContent = text;
  statusLine.hidden = !text;
}

/** @param {string} text read out by screen readers */
function announce(text) {
  const line = document.createElement("p");
  line.textContent = text;
  live.appendChild(line);
  while (live.childElementCount > 3) {
    live.firstElementChild?.remove();
  }
}

/** @param {import("./storage.js").ChatMessage} message */
function show(message) {
  const item = messageItem(message, (button) => ask(button.payload, button.title));
  log.appendChild(item);
  // Scroll the new message into view (window.scrollBy: scrollIntoView would move
  // Chromium's starting point for the Tab key to the message).
  const below = item.getBoundingClientRect().bottom - window.innerHeight;
  if (below > 0) {
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollBy({ top: below + 16, behavior: reduce ? "auto" : "smooth" });
  }
}

/** Sends queued messages, oldest first, each exactly once. */
function flush() {
  while (state.pending.length) {
    if (!connection.send(state.pending[0].payload)) {
      break;
    }
    state.pending.shift();
    saveState(state);
  }
}

/**
 * Shows a question (unless hidden) and sends it, or queues it while offline.
 * @param {string} payload what the assistant receives
 * @param {string | null} shown what the user sees; null for none
 */
function ask(payload, shown) {
  if (shown !== null) {
    const message = { who: /** @type {"user"} */ ("user"), text: shown };
    state.messages.push(message);
    show(message);
  }
  state.pending.push({ payload, shown });
  saveState(state);
  flush();
  if (state.pending.length && document.body.dataset.connection === "offline") {
    setStatus(`${OFFLINE_TEXT} ${WAITING_TEXT}`);
  }
}

const connection = new Connection(state.sessionId, {
  onBotMessage(raw) {
    const buttons = (raw.quick_replies || raw.buttons || [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
    if (typeof raw.text !== "string" && !buttons.length) {
      return;
    }
    const message = { who: /** @type {"bot"} */ ("bot"), text: raw.text || "", buttons };
    if (statusLine.textContent === BACK_TEXT) {
      setStatus("");
    }
    state.messages.push(message);
    saveState(state);
    show(message);
    announce(announcement(message));
  },
  onOnline() {
    document.body.dataset.connection = "online";
    if (wasOffline) {
      setStatus(BACK_TEXT);
      announce(BACK_TEXT);
    }
    wasOffline = false;
    if (!state.messages.length && !state.pending.length) {
      ask(FIRST_MESSAGE, null);
    }
    flush();
  },
  onOffline() {
    document.body.dataset.connection = "offline";
    wasOffline = true;
    setStatus(state.pending.length ? `${OFFLINE_TEXT} ${WAITING_TEXT}` : OFFLINE_TEXT);
  },
});

for (const message of state.messages) {
  show(message);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) {
    input.focus();
    return;
  }
  input.value = "";
  ask(text, text);
});

// For the browser tests and for support: which transport is in use.
Object.defineProperty(window, "bvoChatTransport", { get: () => connection.transport });
