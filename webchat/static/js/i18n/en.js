// English strings of the chat page, a translation of nl.js.

/** @type {import("../i18n.js").Strings} */
export default {
  lang: "en",
  // What the assistant receives when the user picks this language (never shown).
  switchCommand: '/change_language{"language":"en"}',
  switchedNote: "The chat is now in English.",

  title: "Questions about the data breach in the cervical cancer screening programme",
  skipLink: "Skip to the chat input field",
  siteName: "Digital assistant on the screening data breach",
  languageGroup: "Language",
  trustBy: "This assistant is run by {organisation}.",
  trustDefault: "This assistant is an information service about the data breach.",
  trustUpdated: "Information updated to {date}.",
  heading: "Questions about the data breach",
  lead: "Ask your question here about the data breach in the cervical cancer screening programme.",
  introBot: "You are talking to a digital assistant, not to a person.",
  introNoPersonal: "Do not type personal data",
  introExamples: ", such as your BSN (citizen service number), name or address.",
  introRead: "Read",
  introPrivacyLink: "what the assistant keeps",
  privacyHref: "/privacy/en",
  chatTitle: "Conversation with the digital assistant",
  logLabel: "Messages",
  inputLabel: "Your question",
  send: "Send",
  hint: "Do not type personal data, such as your BSN, name or address.",
  footerPrivacyLink: "Privacy: what the assistant keeps",
  footerAccessibilityLink: "Accessibility",
  accessibilityHref: "/toegankelijkheid/en",

  offline: "The connection was lost. We are trying again.",
  waiting: "Your message will be sent as soon as the connection is back.",
  back: "The connection is back.",

  whoBot: "Digital assistant:",
  whoPerson: "Staff member:",
  whoUser: "You:",
  newTab: " (opens in a new tab)",
  buttonsLabel: "Choose a follow-up question",
  choices: "Choices:",
};
