// What makes the page trustworthy, in a real browser against the running
// assistant: who runs it and the content date, the greeting and its topics
// before anything is sent, the accessibility statement, and the organisation
// setting shown as text. At the end it writes the record of this run's axe
// checks to reports/browser/accessibility-test.yml (the accessibility
// statement shows the copy in webchat/accessibility-test.yml).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import en from "../../static/js/i18n/en.js";
import nl from "../../static/js/i18n/nl.js";
import { launch } from "./browser.mjs";
import { ASSISTANT_PATHS, assistantRequests, axe, count, sentMessages, waitForAnswer, watch } from "./page.mjs";
import { REPORTS, ROOT, Stack } from "./stack.mjs";

const SCREENSHOTS = join(ROOT, "reports", "screenshots");
const HOSTILE = "<img src=x onerror=alert(1)> Gemeente & Co";
const EMOJI = /\p{Extended_Pictographic}/u;
const CONTENT_DATE = /content_date: "(\d{4}-\d{2}-\d{2})"/.exec(
  readFileSync(join(ROOT, "actions", "data", "content_meta.yml"), "utf8"))?.[1];

const stack = new Stack();
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launch();
  await stack.start();
}, { timeout: 360_000 });

after(async () => {
  writeRecord();
  await browser?.close();
  await stack.stop();
});

/**
 * Writes what axe checked in this run (all browser test files, reports/browser/axe.jsonl)
 * with the date, the commit, the browser and the axe version.
 */
function writeRecord() {
  const file = join(REPORTS, "axe.jsonl");
  if (!browser || !existsSync(file)) {
    return;
  }
  const runs = readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const axeVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("axe-core/package.json"), "utf8")).version;
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  const lines = [
    "# The last recorded run of the browser tests (make test-browser), shown by the accessibility statement.",
    "# Written to reports/browser/accessibility-test.yml by webchat/tests/browser/trust.test.mjs;",
    "# copy it to webchat/accessibility-test.yml after a run (docs/web-page.md).",
    `tested_on: "${new Date().toISOString().slice(0, 10)}"`,
    `commit: "${commit}"`,
    `browser: "Chromium ${browser.version()}"`,
    `axe_core: "${axeVersion}"`,
    "checks:",
    ...runs.map((run) => `  - ${JSON.stringify(run.label)}`),
    "findings:",
    ...runs.filter((run) => run.violations.length).flatMap((run) => [
      `  ${JSON.stringify(run.label)}:`,
      ...run.violations.map((v) => `    - {rule: ${JSON.stringify(v.id)}, impact: ${JSON.stringify(v.impact)}}`),
    ]),
  ];
  writeFileSync(join(REPORTS, "accessibility-test.yml"), `${lines.join("\n")}\n`);
}

/**
 * Opens the chat page in a new browser context, recording what it sends.
 * @param {string} locale
 */
async function openPage(locale = "nl-NL") {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const seen = watch(page, stack.url);
  const requests = assistantRequests(page);
  const sent = sentMessages(page);
  await page.goto(stack.url);
  return { context, page, seen, requests, sent };
}

describe("before the person acts", { concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof openPage>>} */
  let chat;
  before(async () => { chat = await openPage(); });
  after(async () => { await chat.context.close(); });

  test("the greeting and the main topics show at once, from the page itself", async () => {
    const { page } = chat;
    const data = JSON.parse(await page.locator("#page-data").textContent());
    const buttons = page.locator("#chat-log .chat__msg--bot").first().locator(".chat__buttons button");
    await buttons.first().waitFor({ timeout: 5000 });
    assert.deepEqual(await buttons.allInnerTexts(), data.greeting.nl.buttons.map((b) => b.title));
    assert.ok(data.greeting.nl.buttons.length >= 3);
    const greeting = await page.locator("#chat-log .chat__msg--bot .chat__text").first().innerText();
    assert.ok(greeting.startsWith(data.greeting.nl.text.split("\n")[0]), greeting);
    await page.screenshot({ path: join(SCREENSHOTS, "welcome-1280.png"), fullPage: true });
  });

  test("who runs the assistant and the content date, on the page and in the greeting", async () => {
    const { page } = chat;
    assert.ok(CONTENT_DATE, "content_date in actions/data/content_meta.yml");
    assert.equal(await page.locator("#site-trust time").getAttribute("datetime"), CONTENT_DATE);
    const trust = await page.locator("#site-trust").innerText();
    assert.match(trust, new RegExp(`^${nl.trustDefault} Informatie bijgewerkt tot \\d{1,2} [a-z]+ \\d{4}\\.$`));
    const greeting = await page.locator("#chat-log .chat__msg--bot .chat__text").first().innerText();
    assert.ok(greeting.endsWith(trust), `${greeting} / ${trust}`);
    // English: the same facts in English
    const english = await browser.newContext({ locale: "en-GB" });
    try {
      const other = await english.newPage();
      await other.goto(stack.url);
      assert.match(await other.locator("#site-trust").innerText(),
        new RegExp(`^${en.trustDefault} Information updated to \\d{1,2} [A-Z][a-z]+ \\d{4}\\.$`));
    } finally {
      await english.close();
    }
  });

  test("nothing goes to the assistant before the person acts", async () => {
    const { page, requests, sent } = chat;
    await page.waitForTimeout(3000);
    assert.deepEqual(requests, []);
    assert.deepEqual(sent, []);
    // the browser's own resource timing agrees
    const fetched = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    assert.deepEqual(fetched.filter((url) => ASSISTANT_PATHS.test(url)), []);
  });

  test("clicking a topic sends that question and gets its answer", async () => {
    const { page, sent, requests } = chat;
    const button = page.locator("#chat-log .chat__msg--bot").first().locator(".chat__buttons button").first();
    const title = await button.innerText();
    const data = JSON.parse(await page.locator("#page-data").textContent());
    const before = await count(page, "bot");
    await button.click();
    await waitForAnswer(page, before);
    assert.deepEqual(sent, [data.greeting.nl.buttons[0].payload]);
    assert.ok(requests.length > 0);
    assert.equal(await page.locator("#chat-log .chat__msg--user .chat__text").last().innerText(), title);
    // the greeting stays at the top of the conversation
    assert.equal(await page.locator("#chat-log .chat__msg--bot .chat__buttons").first().locator("button").first().innerText(), title);
  });

  test("no emoji that needs an emoji font, on the page or in the answers", async () => {
    const { page, seen } = chat;
    assert.doesNotMatch(await page.locator("body").innerText(), EMOJI);
    assert.doesNotMatch(await page.content(), EMOJI);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
  });
});

describe("the accessibility statement", () => {
  test("is linked from the page, in Dutch and English, and passes axe without violations", async () => {
    const context = await browser.newContext({ locale: "nl-NL" });
    try {
      const page = await context.newPage();
      const seen = watch(page, stack.url);
      await page.goto(stack.url);
      await page.locator("footer a[href='/toegankelijkheid']").click();
      await page.waitForURL(`${stack.url}/toegankelijkheid`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), "nl");
      const dutch = await page.locator("main").innerText();
      for (const fact of ["WCAG 2.1", "EN 301 549", "axe-core", "Laatste test:", "Een probleem melden"]) {
        assert.ok(dutch.includes(fact), fact);
      }
      let result = await axe(page, REPORTS, "accessibility statement");
      assert.equal(result.all, 0, JSON.stringify(result));
      await page.screenshot({ path: join(SCREENSHOTS, "toegankelijkheid-1280.png"), fullPage: true });
      await page.locator("header a[hreflang='en']").click();
      await page.waitForURL(`${stack.url}/toegankelijkheid/en`);
      assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
      assert.match(await page.locator("main").innerText(), /Report a problem/);
      result = await axe(page, REPORTS, "English accessibility statement");
      assert.equal(result.all, 0, JSON.stringify(result));
      assert.deepEqual(seen.errors, []);
    } finally {
      await context.close();
    }
  });

  test("the English page links to the English statement", async () => {
    const context = await browser.newContext({ locale: "en-GB" });
    try {
      const page = await context.newPage();
      await page.goto(stack.url);
      await page.locator("footer a", { hasText: en.footerAccessibilityLink }).click();
      await page.waitForURL(`${stack.url}/toegankelijkheid/en`);
    } finally {
      await context.close();
    }
  });
});

describe("the organisation setting", () => {
  test("ORGANISATION_NAME is shown as text on the page, in the greeting and in the statements", async () => {
    await stack.stopOne("web");
    stack.env = { ...stack.env, ORGANISATION_NAME: HOSTILE };
    stack.startWeb();
    await stack.webUp();
    const context = await browser.newContext({ locale: "nl-NL" });
    try {
      const page = await context.newPage();
      const seen = watch(page, stack.url);
      await page.goto(stack.url);
      assert.equal(await page.locator("#site-trust-by").innerText(), `Deze assistent is van ${HOSTILE}.`);
      assert.match(await page.locator("#chat-log .chat__text").first().innerText(), /Deze assistent is van <img src=x/);
      assert.equal(await page.locator("img").count(), 0);
      await page.goto(`${stack.url}/privacy`);
      assert.match(await page.locator("main").innerText(), /<img src=x onerror=alert\(1\)> Gemeente & Co is verantwoordelijk/);
      assert.deepEqual(seen.dialogs, []);
      assert.deepEqual(seen.errors, []);
    } finally {
      await context.close();
      await stack.stopOne("web");
      const { ORGANISATION_NAME: _unused, ...rest } = stack.env;
      stack.env = rest;
      stack.startWeb();
      await stack.webUp();
    }
  });
});
