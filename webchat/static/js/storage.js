// The conversation kept in this browser tab (sessionStorage): a random
// conversation id, the messages shown, messages waiting for a connection, and
// the language the user chose (null until they choose one).
// Nothing is stored in cookies or localStorage; closing the tab clears it.

const KEY = "bvo-chat";

/**
 * @typedef {{title: string, payload: string}} ChatButton
 * @typedef {{who: "user" | "bot" | "system", text: string, buttons?: ChatButton[], lang?: string}} ChatMessage
 *   a message shown; "system" is a note from the page itself; lang: the page's language when it came
 * @typedef {{payload: string, shown: string | null}} PendingMessage
 * @typedef {{sessionId: string, messages: ChatMessage[], pending: PendingMessage[],
 *            language: "nl" | "en" | null}} ChatState
 */

/** @returns {string} 32 random hex characters. */
function newSessionId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Loads the state of this tab, or starts a new conversation.
 * @returns {ChatState}
 */
export function loadState() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && typeof saved.sessionId === "string" && /^[0-9a-f]{32}$/.test(saved.sessionId)
        && Array.isArray(saved.messages) && Array.isArray(saved.pending)) {
      saved.language = saved.language === "nl" || saved.language === "en" ? saved.language : null;
      return saved;
    }
  } catch (_error) {
    // unreadable state: start again
  }
  return { sessionId: newSessionId(), messages: [], pending: [], language: null };
}

/**
 * Saves the state of this tab.
 * @param {ChatState} state
 */
export function saveState(state) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch (_error) {
    // storage full or disabled: the chat still works, only without history
  }
}
