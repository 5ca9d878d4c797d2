// Dutch strings of the chat page: the default language. index.html holds the
// same page text, so the page reads well before this module runs.

/** @type {import("../i18n.js").Strings} */
export default {
  lang: "nl",
  // What the assistant receives when the user picks this language (never shown).
  switchCommand: '/change_language{"language":"nl"}',
  switchedNote: "De chat is nu in het Nederlands.",

  title: "Vragen over het datalek bij het bevolkingsonderzoek baarmoederhalskanker",
  skipLink: "Direct naar het invoerveld van de chat",
  siteName: "Digitale assistent datalek bevolkingsonderzoek",
  languageGroup: "Taal",
  trustBy: "Deze assistent is van {organisation}.",
  trustDefault: "Deze assistent is een informatiedienst over het datalek.",
  trustUpdated: "Informatie bijgewerkt tot {date}.",
  heading: "Vragen over het datalek",
  lead: "Stel hier uw vraag over het datalek bij het bevolkingsonderzoek baarmoederhalskanker.",
  introBot: "U praat met een digitale assistent, niet met een mens.",
  introNoPersonal: "Typ geen persoonsgegevens",
  introExamples: ", zoals uw BSN, naam of adres.",
  introRead: "Lees",
  introPrivacyLink: "wat de assistent bewaart",
  privacyHref: "/privacy",
  chatTitle: "Gesprek met de digitale assistent",
  logLabel: "Berichten",
  inputLabel: "Uw vraag",
  send: "Verstuur",
  hint: "Typ geen persoonsgegevens, zoals uw BSN, naam of adres.",
  footerPrivacyLink: "Privacy: wat de assistent bewaart",
  footerAccessibilityLink: "Toegankelijkheid",
  accessibilityHref: "/toegankelijkheid",

  offline: "De verbinding is verbroken, we proberen het opnieuw.",
  waiting: "Uw bericht wordt verstuurd zodra de verbinding terug is.",
  back: "De verbinding is hersteld.",

  whoBot: "Digitale assistent:",
  whoPerson: "Medewerker:",
  whoUser: "U:",
  newTab: " (opent in een nieuw tabblad)",
  buttonsLabel: "Kies een vervolgvraag",
  choices: "Keuzes:",
};
