// Wires the chat page together: state (storage.js), language (i18n.js),
// rendering (render.js), the greeting (welcome.js) and the connection to the
// assistant (connection.js). The connection opens only when the person acts
// (or when this tab already has a conversation): until then the page shows
// the greeting and its topics from the page itself and sends nothing. The
// greeting ends with the operators' notice (notice.js) when there is one, as
// the assistant's own greeting does.
import { Connection } from "./connection.js";
import { applyStrings, browserLanguage, isLanguage, strings } from "./i18n.js";
import { announcer } from "./live.js";
import { watchNotice } from "./notice.js";
import { announcement, messageItem, noteItem } from "./render.js";
import { loadState, saveState } from "./storage.js";
import { greetingMessage, pageData, showTrust } from "./welcome.js";

const log = /** @type {HTMLOListElement} */ (document.getElementById("chat-log"));
const live = /** @type {HTMLElement} */ (document.getElementById("chat-live"));
const statusLine = /** @type {HTMLElement} */ (document.getElementById("chat-status"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("chat-form"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("chat-input"));
const noticeLine = /** @type {HTMLElement} */ (document.getElementById("notice"));

const state = loadState();
const data = pageData(document);
// The user's choice; without one, the browser's preferred language. Only a
// choice is sent to the assistant: otherwise it takes the language of the
// first question.
let text = strings(state.language || browserLanguage(navigator.languages));
/** @type {Array<"offline" | "waiting" | "back">} what the status line says, as string keys */
let status = [];
let wasOffline = false;

/** @param {Array<"offline" | "waiting" | "back">} keys the status line's sentences; none hides it */
function setStatus(keys) {
  status = keys;
  statusLine.textContent = keys.map((key) => text[key]).join(" ");
  statusLine.hidden = !keys.length;
}

/** Reads a line out to screen readers (the live region, live.js). */
const announce = announcer(live);

/**
 * Adds a message to the log.
 * @param {import("./storage.js").ChatMessage} message
 * @param {boolean} scroll whether to scroll it into view
 */
function show(message, scroll = true) {
  const item = message.who === "system"
    ? noteItem(message)
    : messageItem(message, (button) => ask(button.payload, button.title), text);
  log.appendChild(item);
  // Scroll the new message into view (window.scrollBy: scrollIntoView would move
  // Chromium's starting point for the Tab key to the message).
  const below = item.getBoundingClientRect().bottom - window.innerHeight;
  if (scroll && below > 0) {
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollBy({ top: below + 16, behavior: reduce ? "auto" : "smooth" });
  }
}

/** @returns {import("./storage.js").ChatMessage} the greeting in the page's language, with the notice */
function greeting() {
  return greetingMessage(data, text, notice ? notice.line() : "");
}

/** Writes the whole log: the history, or before the conversation starts, the greeting. */
function renderLog() {
  log.replaceChildren();
  for (const message of state.messages.length ? state.messages : [greeting()]) {
    show(message, false);
  }
}

/** Writes the page's strings and the whole log in the current language. */
function render() {
  applyStrings(document, text);
  showTrust(document, data, text);
  renderLog();
  setStatus(status);
  notice?.refresh();
}

/**
 * The notice changed: a greeting not yet in the history shows the new one.
 * A topic button that had the focus keeps it.
 */
function noticeChanged() {
  if (state.messages.length) {
    return; // the history stays as it was shown
  }
  const focused = Array.from(log.querySelectorAll("button")).indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
  renderLog();
  if (focused >= 0) {
    log.querySelectorAll("button")[focused]?.focus();
  }
}

/**
 * The person acted: keep the greeting shown in the history and connect.
 */
function start() {
  if (!state.messages.length) {
    state.messages.push(greeting());
  }
  connect();
}

/** Sends queued messages, oldest first, each exactly once. */
function flush() {
  while (connection && state.pending.length) {
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
  start();
  if (shown !== null) {
    const message = { who: /** @type {"user"} */ ("user"), text: shown, lang: text.lang };
    state.messages.push(message);
    show(message);
  }
  state.pending.push({ payload, shown });
  saveState(state);
  flush();
  if (state.pending.length && document.body.dataset.connection === "offline") {
    setStatus(["offline", "waiting"]);
  }
}

/**
 * Switches the page to a language the user chose and tells the assistant,
 * once: choosing the language already chosen does nothing.
 * @param {string | undefined} language "nl" or "en"
 */
function choose(language) {
  if (!isLanguage(language) || state.language === language) {
    return;
  }
  state.language = language;
  text = strings(language);
  render();
  start();
  const note = { who: /** @type {"system"} */ ("system"), text: text.switchedNote, lang: text.lang };
  state.messages.push(note);
  show(note, false);
  announce(text.switchedNote);
  ask(text.switchCommand, null);
}

/** @type {Connection | null} */
let connection = null;

/** Opens the connection to the assistant, once. */
function connect() {
  if (!connection) {
    connection = new Connection(state.sessionId, state.sessionToken, handlers);
  }
}

/** @type {import("./connection.js").ConnectionHandlers} */
const handlers = {
  onSession(sessionId, sessionToken) {
    state.sessionId = sessionId;
    state.sessionToken = sessionToken;
    saveState(state);
  },
  onBotMessage(raw) {
    const buttons = (raw.quick_replies || raw.buttons || [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
    if (typeof raw.text !== "string" && !buttons.length) {
      return;
    }
    const message = { who: /** @type {"bot"} */ ("bot"), text: raw.text || "", buttons, lang: text.lang,
                      ...(raw.from === "person" ? { person: true } : {}) };
    if (status.length === 1 && status[0] === "back") {
      setStatus([]);
    }
    state.messages.push(message);
    saveState(state);
    show(message);
    announce(announcement(message, text));
  },
  onOnline() {
    document.body.dataset.connection = "online";
    if (wasOffline) {
      setStatus(["back"]);
      announce(text.back);
    }
    wasOffline = false;
    flush();
  },
  onOffline() {
    document.body.dataset.connection = "offline";
    wasOffline = true;
    setStatus(state.pending.length ? ["offline", "waiting"] : ["offline"]);
  },
};

/** @type {import("./notice.js").NoticeWatch | undefined} the operators' notice above the chat */
let notice;
render();
notice = watchNotice(noticeLine, () => text.lang, noticeChanged);
// A conversation of this tab (after a reload) goes on at once.
if (state.messages.length || state.pending.length) {
  connect();
}

for (const button of document.querySelectorAll("[data-language]")) {
  button.addEventListener("click", () => choose(/** @type {HTMLElement} */ (button).dataset.language));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) {
    input.focus();
    return;
  }
  input.value = "";
  ask(question, question);
});

// For the browser tests and for support: which transport is in use.
Object.defineProperty(window, "bvoChatTransport", { get: () => (connection ? connection.transport : "") });
