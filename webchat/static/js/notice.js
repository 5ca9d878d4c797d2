// The operators' notice above the chat (docs/operations.md): fetched from
// /api/notice (the page's server, or nginx in the cluster) when the page
// opens and once a minute; shown in the page's language (Dutch when it has no
// English text); hidden when there is none or the server cannot be reached.

/** @typedef {{ date: string, nl: string, en: string }} Notice */

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
 * Writes the notice into its element, or hides the element.
 * @param {HTMLElement} element the notice's paragraph
 * @param {Notice | null} notice
 * @param {"nl" | "en"} language
 */
export function showNotice(element, notice, language) {
  const line = notice ? (language === "en" && notice.en) || notice.nl : "";
  element.textContent = line;
  element.hidden = !line;
}

/**
 * Keeps the notice up to date.
 * @param {HTMLElement} element the notice's paragraph
 * @param {() => "nl" | "en"} language the page's language now
 * @returns {{ refresh: () => void }} refresh: show it again (after a language switch)
 */
export function watchNotice(element, language) {
  /** @type {Notice | null} */
  let current = null;
  const load = async () => {
    current = await fetchNotice();
    showNotice(element, current, language());
  };
  load();
  setInterval(load, REFRESH_MS);
  return { refresh: () => showNotice(element, current, language()) };
}
