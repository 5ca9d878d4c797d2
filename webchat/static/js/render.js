// Renders chat messages into the page. All text, from the user and from the
// assistant, is inserted as text nodes; only https links found in assistant
// text become <a> elements, built with the DOM API (never innerHTML). Labels
// come from the page's language (i18n.js); a message's own text keeps the
// language it was written in (its ``lang``).

const URL_PATTERN = /https:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;

/**
 * Appends text to ``parent``, turning https addresses into safe links.
 * @param {HTMLElement} parent
 * @param {string} text
 * @param {boolean} withLinks whether to turn addresses into links
 * @param {string} newTab hint for screen readers after each link
 */
export function appendText(parent, text, withLinks, newTab = "") {
  if (!withLinks) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    parent.appendChild(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement("a");
    link.className = "utrecht-link";
    link.href = match[0];
    link.textContent = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = newTab;
    link.appendChild(hint);
    parent.appendChild(link);
    last = match.index + match[0].length;
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}

/**
 * Splits an answer into its body and its closing "Bron: ..." (or "Source: ...") line.
 * @param {string} text
 * @returns {{body: string, source: string | null}}
 */
export function splitSource(text) {
  const lines = text.split("\n");
  const last = lines.length - 1;
  if (last >= 0 && /^(Bron|Source):/.test(lines[last].trim())) {
    return { body: lines.slice(0, last).join("\n").trim(), source: lines[last].trim() };
  }
  return { body: text, source: null };
}

/**
 * Builds the list item of one message.
 * @param {import("./storage.js").ChatMessage} message
 * @param {(button: import("./storage.js").ChatButton) => void} onButton
 * @param {import("./i18n.js").Strings} labels strings of the page's language
 * @returns {HTMLLIElement}
 */
export function messageItem(message, onButton, labels) {
  const item = document.createElement("li");
  const fromBot = message.who === "bot";
  item.className = `chat__msg chat__msg--${fromBot ? "bot" : "user"}`;
  const who = document.createElement("p");
  who.className = "chat__who";
  who.textContent = fromBot ? (message.person ? labels.whoPerson : labels.whoBot) : labels.whoUser;
  item.appendChild(who);

  const { body, source } = fromBot ? splitSource(message.text) : { body: message.text, source: null };
  if (body) {
    const text = document.createElement("p");
    text.className = "chat__text";
    setLang(text, message.lang);
    appendText(text, body, fromBot, labels.newTab);
    item.appendChild(text);
  }
  if (source) {
    const line = document.createElement("p");
    line.className = "chat__source";
    setLang(line, message.lang);
    appendText(line, source, true, labels.newTab);
    item.appendChild(line);
  }
  if (fromBot && message.buttons && message.buttons.length) {
    const group = document.createElement("div");
    group.className = "utrecht-button-group chat__buttons";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", labels.buttonsLabel);
    for (const button of message.buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "utrecht-button utrecht-button--secondary-action";
      element.textContent = button.title;
      setLang(element, message.lang);
      element.addEventListener("click", () => onButton(button));
      group.appendChild(element);
    }
    item.appendChild(group);
  }
  return item;
}

/**
 * Plain text of a message for the screen-reader announcement.
 * @param {import("./storage.js").ChatMessage} message
 * @param {import("./i18n.js").Strings} labels strings of the page's language
 * @returns {string}
 */
export function announcement(message, labels) {
  const buttons = message.buttons && message.buttons.length
    ? ` ${labels.choices} ${message.buttons.map((b) => b.title).join(", ")}.` : "";
  return `${message.person ? labels.whoPerson : labels.whoBot} ${message.text}${buttons}`;
}

/**
 * Builds the list item of a note from the page itself (the language switch).
 * @param {import("./storage.js").ChatMessage} message
 * @returns {HTMLLIElement}
 */
export function noteItem(message) {
  const item = document.createElement("li");
  item.className = "chat__note";
  setLang(item, message.lang);
  item.textContent = message.text;
  return item;
}

/**
 * Marks the language of an element's text, when known.
 * @param {HTMLElement} element
 * @param {string | undefined} lang
 */
function setLang(element, lang) {
  if (lang) {
    element.lang = lang;
  }
}
