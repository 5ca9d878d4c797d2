// The conversation kept in this browser tab (sessionStorage): a random
// conversation id, the messages shown, and messages waiting for a connection.
// Nothing is stored in cookies or localStorage; closing the tab clears it.

const KEY = "bvo-chat";

/**
 * @typedef {{title: string, payload: string}} ChatButton
 * @typedef {{who: "user" | "bot", text: string, buttons?: ChatButton[]}} ChatMessage
 * @typedef {{payload: string, shown: string | null}} PendingMessage
 * @typedef {{sessionId: string, messages: ChatMessage[], pending: PendingMessage[]}} ChatState
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
      return saved;
    }
  } catch (_error) {
    // unreadable state: start again
  }
  return { sessionId: newSessionId(), messages: [], pending: [] };
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
