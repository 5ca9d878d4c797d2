// The page's language switch (Dutch / English) in a real browser against the
// running assistant: what the page shows, what it sends, and that the assistant
// then answers in English (its English answers end with a "Source:" line).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import en from "../../static/js/i18n/en.js";
import nl from "../../static/js/i18n/nl.js";
import { launch } from "./browser.mjs";
import { ANSWER_TIMEOUT_MS, ask, axe, count, sentMessages, waitForAnswer, watch } from "./page.mjs";
import { REPORTS, ROOT, Stack } from "./stack.mjs";

const SCREENSHOTS = join(ROOT, "reports", "screenshots");

const stack = new Stack();
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launch();
  await stack.start();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  await stack.stop();
});

/**
 * Opens the chat page in a new browser context. The page shows its greeting at
 * once and connects to the assistant only when the person acts.
 * @param {string} locale the browser's language (navigator.languages)
 */
async function openChat(locale) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = watch(page, stack.url);
  const sent = sentMessages(page);
  await page.goto(stack.url);
  await page.locator("#chat-log .chat__msg--bot .chat__buttons button").first().waitFor();
  return { context, page, seen, sent };
}

/**
 * The page's own strings as shown now.
 * @param {import("playwright-core").Page} page
 */
function pageStrings(page) {
  return page.evaluate(() => {
    const text = (/** @type {string} */ selector) => document.querySelector(selector)?.textContent?.trim();
    const attribute = (/** @type {string} */ selector, /** @type {string} */ name) => document.querySelector(selector)?.getAttribute(name);
    return {
      lang: document.documentElement.lang,
      title: document.title,
      skipLink: text(".utrecht-skip-link"),
      siteName: text(".site-header__name"),
      languageGroup: attribute(".language-switch", "aria-label"),
      heading: text("h1"),
      lead: text(".utrecht-paragraph--lead"),
      introNoPersonal: text("main strong"),
      introPrivacyLink: text("main p a"),
      privacyHref: attribute("footer a", "href"),
      chatTitle: text("#chat-title"),
      logLabel: attribute("#chat-log", "aria-label"),
      inputLabel: text("label[for='chat-input']"),
      send: text("#chat-send"),
      hint: text("#chat-hint"),
      footerPrivacyLink: text("footer a"),
      pressed: Array.from(document.querySelectorAll("[data-language]"),
        (b) => `${b.getAttribute("data-language")}=${b.getAttribute("aria-pressed")}`).join(" "),
    };
  });
}

/**
 * What pageStrings shows for a language's strings.
 * @param {typeof en} strings
 */
function expected(strings) {
  const keys = ["lang", "title", "skipLink", "siteName", "languageGroup", "heading", "lead", "introNoPersonal",
    "introPrivacyLink", "privacyHref", "chatTitle", "logLabel", "inputLabel", "send", "hint", "footerPrivacyLink"];
  return {
    ...Object.fromEntries(keys.map((key) => [key, strings[key]])),
    pressed: strings.lang === "en" ? "nl=false en=true" : "nl=true en=false",
  };
}

/** @param {string[]} sent @param {string} command */
const times = (sent, command) => sent.filter((message) => message === command).length;

describe("switching a Dutch page to English", { concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof openChat>>} */
  let chat;
  before(async () => { chat = await openChat("nl-NL"); });
  after(async () => { await chat.context.close(); });

  test("the page starts in Dutch, with the Dutch greeting shown and nothing sent", async () => {
    assert.deepEqual(await pageStrings(chat.page), expected(nl));
    assert.equal(await chat.page.locator("#chat-log .chat__msg--bot .chat__text").first().getAttribute("lang"), "nl");
    await chat.page.waitForTimeout(1000);
    assert.deepEqual(chat.sent, []);
  });

  test("English changes every page string and html lang, and sends the switch once, unseen", async () => {
    const { page, sent } = chat;
    await page.locator("button[data-language=\"en\"]").click();
    assert.deepEqual(await pageStrings(page), expected(en));
    await page.waitForTimeout(3000); // time enough for a second copy to go out
    assert.equal(times(sent, en.switchCommand), 1);
    assert.equal(await count(page, "user"), 0, "the switch is not shown as the user's message");
    assert.doesNotMatch(await page.locator("#chat-log").innerText(), /change_language/);
    const note = page.locator("#chat-log .chat__note");
    assert.equal(await note.innerText(), en.switchedNote);
    assert.equal(await note.getAttribute("lang"), "en");
    assert.match(await page.locator("#chat-live").innerText(), new RegExp(en.switchedNote));
    // before the conversation started, the greeting follows the chosen language
    const greeting = page.locator("#chat-log .chat__msg--bot").first();
    assert.equal(await greeting.locator(".chat__who").innerText(), en.whoBot);
    assert.equal(await greeting.locator(".chat__text").getAttribute("lang"), "en");
    assert.match(await greeting.locator(".chat__text").innerText(), /^Hello, I am the digital assistant/);
    assert.equal(await page.locator("#chat-log li").nth(1).innerText(), en.switchedNote, "the note after the greeting");
    // choosing English again sends nothing
    await page.locator("button[data-language=\"en\"]").click();
    await page.waitForTimeout(1000);
    assert.equal(times(sent, en.switchCommand), 1);
    await page.screenshot({ path: join(SCREENSHOTS, "chat-en-1280.png"), fullPage: true });
  });

  test("axe: no violations at all in English", async () => {
    const result = await axe(chat.page, REPORTS, "English page");
    assert.equal(result.all, 0, JSON.stringify(result));
  });

  test("a question in English is shown with English labels and sent as typed", async () => {
    const { page, sent } = chat;
    const before = await ask(page, "What happened?");
    await waitForAnswer(page, before);
    assert.equal(sent.at(-1), "What happened?");
    assert.equal(await page.locator("#chat-log .chat__msg--user .chat__who").last().innerText(), en.whoUser);
    assert.equal(await page.locator("#chat-log .chat__msg--bot .chat__who").last().innerText(), en.whoBot);
    assert.equal(await page.locator("#chat-log .chat__msg--user .chat__text").last().getAttribute("lang"), "en");
    // the assistant answers in English: the English variation ends with its source line
    const answer = await page.locator("#chat-log .chat__msg--bot").allInnerTexts();
    assert.match(answer.slice(before).join("\n"), /Source: Bevolkingsonderzoek Nederland/);
  });

  test("after a reload the page is still English, with the same history, and sends nothing again", async () => {
    const { page, sent } = chat;
    const texts = await page.locator("#chat-log li").allInnerTexts();
    const before = sent.length;
    await page.reload();
    await page.waitForFunction(() => window.bvoChatTransport === "websocket", null, { timeout: ANSWER_TIMEOUT_MS });
    assert.deepEqual(await pageStrings(page), expected(en));
    assert.deepEqual(await page.locator("#chat-log li").allInnerTexts(), texts);
    await page.waitForTimeout(2000);
    assert.equal(sent.length, before, "a reload sends no message");
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat")).language), "en");
  });

  test("Nederlands switches back and sends its own command once", async () => {
    const { page, sent } = chat;
    await page.locator("button[data-language=\"nl\"]").click();
    assert.deepEqual(await pageStrings(page), expected(nl));
    await page.waitForTimeout(2000);
    assert.equal(times(sent, nl.switchCommand), 1);
    assert.equal(times(sent, en.switchCommand), 1);
    assert.equal(await page.locator("#chat-log .chat__note").last().innerText(), nl.switchedNote);
    assert.equal(await count(page, "user"), 1);
  });

  test("no third-party requests, no cookies, no script errors", async () => {
    const { context, seen } = chat;
    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(seen.errors, []);
  });
});

describe("a browser that prefers English", { concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof openChat>>} */
  let chat;
  before(async () => { chat = await openChat("en-GB"); });
  after(async () => { await chat.context.close(); });

  test("shows the English page and greeting and sends nothing until the user types", async () => {
    const { page, sent } = chat;
    assert.deepEqual(await pageStrings(page), expected(en));
    await page.waitForTimeout(3000);
    assert.deepEqual(sent, []);
    assert.equal(await page.locator("#chat-log li").count(), 1, "only the greeting");
    assert.equal(await page.locator("#chat-log .chat__text").first().getAttribute("lang"), "en");
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat") || "{}").language ?? null), null);
  });

  test("the first question is sent as typed, with no language command", async () => {
    const { page, sent } = chat;
    const before = await ask(page, "What data was stolen?");
    await waitForAnswer(page, before);
    assert.deepEqual(sent, ["What data was stolen?"]);
    // no command was sent: the assistant itself took the English of the first message
    const answer = await page.locator("#chat-log .chat__msg--bot").allInnerTexts();
    assert.match(answer.slice(before).join("\n"), /Source: /);
    assert.doesNotMatch(answer.slice(before).join("\n"), /Bron: /);
  });

  test("choosing English explicitly tells the assistant once", async () => {
    const { page, sent } = chat;
    await page.locator("button[data-language=\"en\"]").click();
    await page.locator("button[data-language=\"en\"]").click();
    await page.waitForTimeout(2000);
    assert.equal(times(sent, en.switchCommand), 1);
    assert.deepEqual(await pageStrings(page), expected(en));
  });

  test("the English privacy statement is linked and passes axe without violations", async () => {
    const { page, seen } = chat;
    await page.locator("footer a[href='/privacy/en']").click();
    await page.waitForURL(`${stack.url}/privacy/en`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
    assert.match(await page.locator("main").innerText(), /IP addresses/);
    const result = await axe(page, REPORTS, "English privacy page");
    assert.equal(result.all, 0, JSON.stringify(result));
    await page.locator("header a[hreflang='nl']").click();
    await page.waitForURL(`${stack.url}/privacy`);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "nl");
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
  });
});

describe("the language switch with the keyboard alone", () => {
  test("Tab reaches both languages after the skip link; Enter and Space switch, focus stays and shows", async () => {
    const { context, page, sent } = await openChat("nl-NL");
    try {
      const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() || "");
      await page.keyboard.press("Tab");
      assert.equal(await focused(), nl.skipLink);
      await page.keyboard.press("Tab");
      assert.equal(await focused(), "Nederlands");
      await page.keyboard.press("Tab");
      assert.equal(await focused(), "English");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
      assert.equal(await focused(), "English", "focus stays on the switch");
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, "none", "focus is visible");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(), "Nederlands");
      await page.keyboard.press("Space");
      assert.equal(await page.evaluate(() => document.documentElement.lang), "nl");
      await page.waitForTimeout(2000);
      assert.equal(times(sent, en.switchCommand), 1);
      assert.equal(times(sent, nl.switchCommand), 1);
      // the skip link still leads to the input, now in Dutch again
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(), nl.skipLink);
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "chat-input");
    } finally {
      await context.close();
    }
  });
});
