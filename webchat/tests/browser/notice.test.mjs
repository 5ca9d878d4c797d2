// The operators' notice (docs/operations.md) in a real browser: set in the
// state file as an operator's change would write it, it shows above the chat
// and after the greeting, passes axe, follows the page's language, and goes
// away when removed, without restarting anything.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { launch } from "./browser.mjs";
import { REPORTS, Stack } from "./stack.mjs";
import { axe, waitForAnswer } from "./page.mjs";

const LINE_NL = "Bericht van 7 december 2026: De brieven zijn verstuurd.";
const LINE_EN = "Update of 7 December 2026: The letters have been sent.";
const NOTICE = {
  notice: { text: { nl: "De brieven zijn verstuurd.", en: "The letters have been sent." }, date: "2026-12-07",
            by: "browser-test", at: "2026-12-07T06:00:00+00:00" },
};

const stack = new Stack();
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  browser = await launch();
  await stack.start();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  await stack.stop();
  rmSync(stack.stateFile, { force: true });
});

/** @param {object} state written as the operator endpoints write it */
function setState(state) {
  writeFileSync(stack.stateFile, JSON.stringify(state));
}

describe("notice", { concurrency: false }, () => {
  test("no notice: nothing above the chat", async () => {
    setState({});
    const context = await browser.newContext({ locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(stack.url);
    await waitForAnswer(page, 0);
    assert.equal(await page.locator("#notice").isHidden(), true);
    await context.close();
  });

  test("a notice shows above the chat and after the greeting, in the page's language", async () => {
    setState(NOTICE);
    await new Promise((r) => setTimeout(r, 1500)); // the servers look again every second
    const context = await browser.newContext({ locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(stack.url);
    await waitForAnswer(page, 0);
    await page.waitForFunction((line) => document.getElementById("notice")?.textContent === line, LINE_NL);
    const box = await page.locator("#notice").boundingBox();
    const chat = await page.locator("#chat-log").boundingBox();
    assert.ok(box && chat && box.y < chat.y, "above the chat");
    const bubbles = await page.locator("#chat-log .chat__msg--bot").allTextContents();
    assert.ok(bubbles.some((text) => text.includes(LINE_NL)), bubbles.join(" | "));
    const result = await axe(page, REPORTS, "notice shown");
    assert.deepEqual(result.serious, []);
    await page.locator("button[data-language=en]").click();
    await page.waitForFunction((line) => document.getElementById("notice")?.textContent === line, LINE_EN);
    await context.close();
  });

  test("a removed notice is gone on the next page", async () => {
    setState({});
    await new Promise((r) => setTimeout(r, 1500));
    const context = await browser.newContext({ locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(stack.url);
    await waitForAnswer(page, 0);
    assert.equal(await page.locator("#notice").isHidden(), true);
    const bubbles = await page.locator("#chat-log .chat__msg--bot").allTextContents();
    assert.ok(!bubbles.some((text) => text.includes(LINE_NL)));
    await context.close();
  });
});
