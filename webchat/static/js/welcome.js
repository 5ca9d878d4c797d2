// What the page shows before the person does anything: who runs the
// assistant, the date of the newest content, and the assistant's greeting with
// the main topics as buttons. The page server fills these in from the settings
// and the content (webchat/pages.py) as JSON in <script id="page-data">; this
// module only reads them, so nothing is sent to the assistant until the
// person types, clicks a topic or chooses a language. The operators' notice,
// when there is one, is the greeting's last line (main.js passes it in).

/**
 * @typedef {{text: string, buttons: Array<{title: string, payload: string}>}} Greeting
 * @typedef {{organisation: string | null, contentDate: {iso: string, nl: string, en: string},
 *            greeting: {nl: Greeting, en: Greeting}}} PageData
 */

/**
 * Reads the page's data.
 * @param {Document} document
 * @returns {PageData}
 */
export function pageData(document) {
  const element = document.getElementById("page-data");
  return JSON.parse(element ? element.textContent || "{}" : "{}");
}

/**
 * Who runs the assistant, in the page's language.
 * @param {PageData} data
 * @param {import("./i18n.js").Strings} text
 * @returns {string}
 */
export function runBy(data, text) {
  return data.organisation ? text.trustBy.replace("{organisation}", data.organisation) : text.trustDefault;
}

/**
 * "Informatie bijgewerkt tot <date>." in the page's language.
 * @param {PageData} data
 * @param {import("./i18n.js").Strings} text
 * @returns {string}
 */
export function updated(data, text) {
  return text.trustUpdated.replace("{date}", data.contentDate[text.lang]);
}

/**
 * Writes who runs the assistant and the content date into the page (#site-trust).
 * @param {Document} document
 * @param {PageData} data
 * @param {import("./i18n.js").Strings} text
 */
export function showTrust(document, data, text) {
  const by = document.getElementById("site-trust-by");
  const date = document.getElementById("site-trust-date");
  if (!by || !date) {
    return;
  }
  by.textContent = runBy(data, text);
  const [before, after] = text.trustUpdated.split("{date}");
  const time = document.createElement("time");
  time.dateTime = data.contentDate.iso;
  time.textContent = data.contentDate[text.lang];
  date.replaceChildren(document.createTextNode(before), time, document.createTextNode(after || ""));
}

/**
 * The greeting as the assistant's first message, in the page's language, with
 * who runs the assistant and the content date under it and, when the operators
 * set one, their notice last: the line the assistant's own greeting ends with
 * (``operations/state.py``, ``apply``), as ``/api/notice`` gives it.
 * @param {PageData} data
 * @param {import("./i18n.js").Strings} text
 * @param {string} notice the notice's line in the page's language (notice.js), or ""
 * @returns {import("./storage.js").ChatMessage}
 */
export function greetingMessage(data, text, notice = "") {
  const greeting = data.greeting[text.lang];
  const lines = [greeting.text, `${runBy(data, text)} ${updated(data, text)}`];
  if (notice) {
    lines.push(notice);
  }
  return {
    who: "bot",
    text: lines.join("\n\n"),
    buttons: greeting.buttons.map((b) => ({ title: b.title, payload: b.payload })),
    lang: text.lang,
  };
}
