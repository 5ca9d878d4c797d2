// The language of the page: Dutch (the default) or English. The strings live
// in one module per language (i18n/nl.js, i18n/en.js); this module chooses one
// and writes its strings into the page. Elements name their string in
// data-i18n (text) and data-i18n-attr ("attribute:key ..."); the language
// buttons carry data-language.
import en from "./i18n/en.js";
import nl from "./i18n/nl.js";

/**
 * @typedef {"nl" | "en"} Language
 * @typedef {{
 *   lang: Language, switchCommand: string, switchedNote: string,
 *   title: string, skipLink: string, siteName: string, languageGroup: string,
 *   trustBy: string, trustDefault: string, trustUpdated: string, heading: string,
 *   lead: string, introBot: string, introNoPersonal: string, introExamples: string,
 *   introRead: string, introPrivacyLink: string, privacyHref: string, chatTitle: string,
 *   logLabel: string, inputLabel: string, send: string, hint: string, footerPrivacyLink: string,
 *   footerAccessibilityLink: string, accessibilityHref: string,
 *   offline: string, waiting: string, back: string,
 *   whoBot: string, whoPerson: string, whoUser: string, newTab: string, buttonsLabel: string, choices: string,
 * }} Strings
 */

/** @type {Record<Language, Strings>} */
export const STRINGS = { nl, en };

/**
 * @param {unknown} value
 * @returns {value is Language}
 */
export function isLanguage(value) {
  return value === "nl" || value === "en";
}

/**
 * The strings of a language; Dutch for anything else.
 * @param {string | null | undefined} language
 * @returns {Strings}
 */
export function strings(language) {
  return isLanguage(language) ? STRINGS[language] : nl;
}

/**
 * The language the browser prefers: English when its first language is English, else Dutch.
 * @param {readonly string[]} languages navigator.languages
 * @returns {Language}
 */
export function browserLanguage(languages) {
  const first = languages && languages.length ? languages[0] : "";
  return typeof first === "string" && first.toLowerCase().startsWith("en") ? "en" : "nl";
}

/**
 * Writes a language's strings into the page and sets the lang of <html>.
 * @param {Document} document
 * @param {Strings} text
 */
export function applyStrings(document, text) {
  document.documentElement.lang = text.lang;
  document.title = text.title;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    const key = /** @type {keyof Strings} */ (/** @type {HTMLElement} */ (element).dataset.i18n);
    element.textContent = String(text[key]);
  }
  for (const element of document.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of (/** @type {HTMLElement} */ (element).dataset.i18nAttr || "").split(/\s+/)) {
      const [attribute, key] = pair.split(":");
      if (attribute && key) {
        element.setAttribute(attribute, String(text[/** @type {keyof Strings} */ (key)]));
      }
    }
  }
  for (const button of document.querySelectorAll("[data-language]")) {
    const chosen = /** @type {HTMLElement} */ (button).dataset.language === text.lang;
    button.setAttribute("aria-pressed", String(chosen));
  }
}
