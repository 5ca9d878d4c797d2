// The operators' notice above the chat (docs/operations.md): fetched from
// /api/notice (the page's server, or nginx in the cluster) when the page
// opens and once a minute; shown in the page's language (Dutch when it has no
// English text); hidden when there is none or the server cannot be reached.
// The server writes each line as the assistant's greeting ends with it
// ("Bericht van 7 december 2026: ..."); the page's own greeting (welcome.js)
// ends with the same line.

/**
 * @typedef {{ date: string, nl: string, en: string }} Notice
 * @typedef {{ refresh: () => void, line: () => string }} NoticeWatch
 *   refresh: show it again (after a language switch); line: the line in the page's language now
 */

const REFRESH_MS = 60000;

/** @returns {Promise<Notice | null>} the current notice, or null */
export async function fetchNotice() {
  try {
    const answer = await fetch("/api/notice", { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!answer.ok) {
      return null;
    }
    const body = await answer.json();
    const notice = body && body.notice;
    return notice && typeof notice.nl === "string" ? notice : null;
  } catch {
    return null;
  }
}

/**
 * The notice's line in a language: Dutch when it has no English text.
 * @param {Notice | null} notice
 * @param {"nl" | "en"} language
 * @returns {string} the line, or "" when there is no notice
 */
export function noticeLine(notice, language) {
  return notice ? (language === "en" && notice.en) || notice.nl : "";
}

/**
 * Writes the notice into its element, or hides the element.
 * @param {HTMLElement} element the notice's paragraph
 * @param {Notice | null} notice
 * @param {"nl" | "en"} language
 */
export function showNotice(element, notice, language) {
  const line = noticeLine(notice, language);
  element.textContent = line;
  element.hidden = !line;
}

/**
 * Keeps the notice up to date.
 * @param {HTMLElement} element the notice's paragraph
 * @param {() => "nl" | "en"} language the page's language now
 * @param {() => void} onChange called after the notice was shown, when it differs from before
 * @returns {NoticeWatch}
 */
export function watchNotice(element, language, onChange = () => {}) {
  /** @type {Notice | null} */
  let current = null;
  const load = async () => {
    const next = await fetchNotice();
    const changed = JSON.stringify(next) !== JSON.stringify(current);
    current = next;
    showNotice(element, current, language());
    if (changed) {
      onChange();
    }
  };
  load();
  setInterval(load, REFRESH_MS);
  return { refresh: () => showNotice(element, current, language()), line: () => noticeLine(current, language()) };
}
