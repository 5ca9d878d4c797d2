// Renders chat messages into the page. All text, from the user and from the
// assistant, is inserted as text nodes; only https links found in assistant
// text become <a> elements, built with the DOM API (never innerHTML).

const URL_PATTERN = /https:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;

/**
 * Appends text to ``parent``, turning https addresses into safe links.
 * @param {HTMLElement} parent
 * @param {string} text
 * @param {boolean} withLinks whether to turn addresses into links
 */
export function appendText(parent, text, withLinks) {
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
    hint.textContent = " (opent in een nieuw tabblad)";
    link.appendChild(hint);
    parent.appendChild(link);
    last = match.index + match[0].length;
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}

/**
 * Splits an answer into its body and its closing "Bron: ..." line.
 * @param {string} text
 * @returns {{body: string, source: string | null}}
 */
export function splitSource(text) {
  const lines = text.split("\n");
  const last = lines.length - 1;
  if (last >= 0 && /^Bron:/.test(lines[last].trim())) {
    return { body: lines.slice(0, last).join("\n").trim(), source: lines[last].trim() };
  }
  return { body: text, source: null };
}

/**
 * Builds the list item of one message.
 * @param {import("./storage.js").ChatMessage} message
 * @param {(button: import("./storage.js").ChatButton) => void} onButton
 * @returns {HTMLLIElement}
 */
export function messageItem(message, onButton) {
  const item = document.createElement("li");
  const fromBot = message.who === "bot";
  item.className = `chat__msg chat__msg--${fromBot ? "bot" : "user"}`;
  const who = document.createElement("p");
  who.className = "chat__who";
  who.textContent = fromBot ? "Digitale assistent:" : "U:";
  item.appendChild(who);

  const { body, source } = fromBot ? splitSource(message.text) : { body: message.text, source: null };
  if (body) {
    const text = document.createElement("p");
    text.className = "chat__text";
    appendText(text, body, fromBot);
    item.appendChild(text);
  }
  if (source) {
    const line = document.createElement("p");
    line.className = "chat__source";
    appendText(line, source, true);
    item.appendChild(line);
  }
  if (fromBot && message.buttons && message.buttons.length) {
    const group = document.createElement("div");
    group.className = "utrecht-button-group chat__buttons";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Kies een vervolgvraag");
    for (const button of message.buttons) {
      const element = document.createElement("button");
      element.type = "button";
      element.className = "utrecht-button utrecht-button--secondary-action";
      element.textContent = button.title;
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
 * @returns {string}
 */
export function announcement(message) {
  const buttons = message.buttons && message.buttons.length
    ? ` Keuzes: ${message.buttons.map((b) => b.title).join(", ")}.` : "";
  return `Digitale assistent: ${message.text}${buttons}`;
}
