// The conversation kept in this browser tab (sessionStorage): the conversation
// id and its token as the assistant issued them (null until it has), the
// messages shown, messages waiting for a connection, and the language the user
// chose (null until they choose one).
// Nothing is stored in cookies or localStorage; closing the tab clears it.

const KEY = "bvo-chat";

/**
 * @typedef {{title: string, payload: string}} ChatButton
 * @typedef {{who: "user" | "bot" | "system", text: string, buttons?: ChatButton[], lang?: string,
 *            person?: boolean}} ChatMessage
 *   a message shown; "system" is a note from the page itself; lang: the page's language when it came;
 *   person: written by a staff member during a handover (docs/handover.md), not by the assistant
 * @typedef {{payload: string, shown: string | null}} PendingMessage
 * @typedef {{sessionId: string | null, sessionToken: string | null, messages: ChatMessage[],
 *            pending: PendingMessage[], language: "nl" | "en" | null}} ChatState
 */

/**
 * @param {unknown} id
 * @param {unknown} token
 * @returns {boolean} whether they look like an id and token the assistant issued
 */
export function validSession(id, token) {
  return typeof id === "string" && /^[0-9a-f]{32}$/.test(id)
    && typeof token === "string" && /^[0-9]+\.[A-Za-z0-9_-]{1,90}$/.test(token);
}

/**
 * Loads the state of this tab, or starts a new conversation.
 * @returns {ChatState}
 */
export function loadState() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (saved && Array.isArray(saved.messages) && Array.isArray(saved.pending)) {
      if (!validSession(saved.sessionId, saved.sessionToken)) {
        saved.sessionId = null;
        saved.sessionToken = null;
      }
      saved.language = saved.language === "nl" || saved.language === "en" ? saved.language : null;
      return saved;
    }
  } catch (_error) {
    // unreadable state: start again
  }
  return { sessionId: null, sessionToken: null, messages: [], pending: [], language: null };
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
