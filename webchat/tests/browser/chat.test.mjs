// The chat page in a real browser (system headless Chromium, playwright-core)
// against the running assistant, which these tests start and stop themselves.
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { launch } from "./browser.mjs";
import { ANSWER_TIMEOUT_MS, ask, assistantRequests, axe, count, waitForAnswer, watch } from "./page.mjs";
import { REPORTS, ROOT, Stack } from "./stack.mjs";

const SCREENSHOTS = join(ROOT, "reports", "screenshots");
const XSS = "<img src=x onerror=alert(1)>";
const OFFLINE = "De verbinding is verbroken, we proberen het opnieuw";

const stack = new Stack();
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  rmSync(join(REPORTS, "axe.jsonl"), { force: true });
  browser = await launch();
  await stack.start();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  await stack.stop();
});

/** @returns {Promise<{context: import("playwright-core").BrowserContext, page: import("playwright-core").Page, seen: ReturnType<typeof watch>}>} */
async function openChat(options = {}) {
  const context = await browser.newContext({ locale: "nl-NL", ...options });
  // A link opened from an answer must not reach the internet during tests: answer it locally.
  await context.route(/^https:\/\//, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>extern</title>ok" }));
  const page = await context.newPage();
  const seen = watch(page, stack.url);
  const requests = assistantRequests(page);
  await page.goto(stack.url);
  await page.locator("#chat-log .chat__msg--bot .chat__buttons button").first().waitFor(); // the greeting
  return { context, page, seen, requests };
}

describe("conversation", { concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof openChat>>} */
  let chat;
  before(async () => { chat = await openChat({ viewport: { width: 1280, height: 900 } }); });
  after(async () => { await chat.context.close(); });

  test("the greeting and its topics show at once; nothing goes to the assistant yet", async () => {
    const { page, requests } = chat;
    assert.ok(await page.locator("#chat-log .chat__msg--bot .chat__buttons button").count() >= 2);
    assert.equal(await count(page, "user"), 0);
    await page.waitForTimeout(2000);
    assert.deepEqual(requests, [], "no request to the assistant before the person acts");
    assert.equal(await page.evaluate(() => window.bvoChatTransport), "");
  });

  test("axe: no serious or critical violations with the chat open", async () => {
    const result = await axe(chat.page, REPORTS, "chat open");
    assert.deepEqual(result.serious, []);
  });

  test("a question gets its answer with the source line and a working link", async () => {
    const { page } = chat;
    const before = await ask(page, "Waar meld ik fraude?");
    await waitForAnswer(page, before);
    // the first question opened the connection, upgraded to a websocket
    await page.waitForFunction(() => window.bvoChatTransport === "websocket", null, { timeout: 10_000 });
    const answer = page.locator("#chat-log .chat__msg--bot").nth(before);
    const bubbles = page.locator("#chat-log .chat__msg--bot").filter({ has: page.locator(".chat__source") });
    assert.ok(await bubbles.count() >= 1, "an answer shows its Bron: line");
    assert.match(await bubbles.last().locator(".chat__source").innerText(), /^Bron: /);
    assert.ok(await answer.isVisible());
    // user and assistant messages are told apart in words, not only by colour
    assert.equal(await page.locator("#chat-log .chat__msg--user .chat__who").last().innerText(), "U:");
    assert.equal(await answer.locator(".chat__who").innerText(), "Digitale assistent:");
    const link = page.locator("#chat-log .chat__msg--bot a[href^='https://']").last();
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    const href = await link.getAttribute("href");
    const [popup] = await Promise.all([page.waitForEvent("popup"), link.click()]);
    await popup.waitForLoadState();
    assert.equal(popup.url(), href);
    assert.equal(await popup.evaluate(() => window.opener), null, "no window.opener for the new tab");
    await popup.close();
    await page.screenshot({ path: join(SCREENSHOTS, "chat-1280.png"), fullPage: true });
  });

  test("axe: no serious or critical violations after an answer", async () => {
    const result = await axe(chat.page, REPORTS, "after an answer");
    assert.deepEqual(result.serious, []);
  });

  test("a button sends its question and gets the follow-up", async () => {
    const { page } = chat;
    const buttons = page.locator("#chat-log .chat__msg--bot").last().locator(".chat__buttons button");
    const title = await buttons.first().innerText();
    const before = await count(page, "bot");
    await buttons.first().click();
    await waitForAnswer(page, before);
    assert.equal(await page.locator("#chat-log .chat__msg--user .chat__text").last().innerText(), title);
  });

  test("user text is shown as text, never run as HTML", async () => {
    const { page, seen } = chat;
    const before = await ask(page, XSS);
    await waitForAnswer(page, before);
    const mine = page.locator("#chat-log .chat__msg--user").last().locator(".chat__text");
    assert.equal(await mine.textContent(), XSS);
    assert.equal(await page.locator("#chat-log img").count(), 0);
    assert.deepEqual(seen.dialogs, [], "no alert ran");
  });

  test("after a reload the same conversation and its history are shown", async () => {
    const { page } = chat;
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat")));
    const id = saved.sessionId;
    assert.match(id, /^[0-9a-f]{32}$/, "the id the assistant issued");
    assert.match(saved.sessionToken, /^[0-9]+\.[A-Za-z0-9_-]+$/, "with its token");
    const texts = await page.locator("#chat-log .chat__msg").allInnerTexts();
    await page.reload();
    await page.waitForFunction(() => window.bvoChatTransport === "websocket", null, { timeout: ANSWER_TIMEOUT_MS });
    assert.deepEqual(await page.locator("#chat-log .chat__msg").allInnerTexts(), texts);
    assert.equal(await page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat")).sessionId), id);
    // the conversation goes on in the same session
    const before = await ask(page, "Dank je wel");
    await waitForAnswer(page, before);
  });

  test("someone else's conversation id without its token starts a new conversation", async () => {
    const victim = await chat.page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat")).sessionId);
    const context = await browser.newContext({ locale: "nl-NL" });
    try {
      const page = await context.newPage();
      await page.addInitScript((id) => {
        if (!sessionStorage.getItem("bvo-chat")) {
          sessionStorage.setItem("bvo-chat", JSON.stringify({ sessionId: id, messages: [], pending: [], language: null }));
        }
      }, victim);
      await page.goto(stack.url);
      // The page connects when the person acts (the greeting is shown without the server).
      const before = await ask(page, "Hallo");
      await waitForAnswer(page, before);
      const mine = await page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat")).sessionId);
      assert.match(mine, /^[0-9a-f]{32}$/);
      assert.notEqual(mine, victim);
    } finally {
      await context.close();
    }
  });

  test("no third-party requests, no cookies, no script errors", async () => {
    const { context, seen } = chat;
    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(seen.errors, []);
  });
});

describe("keyboard only", () => {
  test("the chat can be used with the keyboard alone, with visible focus", async () => {
    const { context, page } = await openChat({ viewport: { width: 1280, height: 900 } });
    try {
      const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || "");
      // Tab from the top: the skip link comes first and leads to the input
      await page.keyboard.press("Tab");
      assert.match(await focused(), /Direct naar/);
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, "none", "focus is visible");
      await page.keyboard.press("Enter");
      assert.equal(await focused(), "chat-input");
      await page.keyboard.type("Welke gegevens zijn gestolen?");
      const before = await count(page, "bot");
      await page.keyboard.press("Enter");
      await waitForAnswer(page, before);
      // Shift+Tab backwards from the input reaches the answer's last button
      await page.locator("#chat-input").focus();
      await page.keyboard.press("Shift+Tab");
      const onButton = await page.evaluate(() => document.activeElement?.closest(".chat__buttons") !== null);
      assert.ok(onButton, "the last answer's buttons are reachable by keyboard");
      const buttonOutline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(buttonOutline, "none");
      const next = await count(page, "bot");
      await page.keyboard.press("Enter");
      await waitForAnswer(page, next);
      // the live region announced the answers
      assert.match(await page.locator("#chat-live").innerText(), /Digitale assistent:/);
    } finally {
      await context.close();
    }
  });
});

describe("small screens and zoom", () => {
  for (const [name, viewport] of [["375 px", { width: 375, height: 800 }], ["320 px", { width: 320, height: 640 }],
    ["200% zoom of 1280 px", { width: 640, height: 450, deviceScaleFactor: 2 }]]) {
    test(`${name}: no horizontal scrolling, input and button visible`, async () => {
      const { context, page } = await openChat({ viewport });
      try {
        const before = await ask(page, "Wat is er gebeurd?");
        await waitForAnswer(page, before);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= viewport.width, `page is ${width} px wide in a ${viewport.width} px window`);
        assert.ok(await page.locator("#chat-send").isVisible());
        if (viewport.width === 375) {
          await page.screenshot({ path: join(SCREENSHOTS, "chat-375.png"), fullPage: true });
        }
      } finally {
        await context.close();
      }
    });
  }
});

describe("reduced motion", () => {
  test("with reduced motion asked for, nothing moves", async () => {
    const { context, page } = await openChat({ reducedMotion: "reduce" });
    try {
      // a control that would animate gets no transition or animation
      const styles = await page.evaluate(() => {
        const probe = document.createElement("button");
        probe.style.transition = "opacity 2s";
        probe.style.animation = "spin 2s infinite";
        document.body.appendChild(probe);
        const style = getComputedStyle(probe);
        const result = [style.transitionDuration, style.animationName];
        probe.remove();
        return result;
      });
      assert.deepEqual(styles, ["0s", "none"]);
    } finally {
      await context.close();
    }
  });
});

describe("privacy statement", () => {
  test("the privacy page is linked and passes axe", async () => {
    const context = await browser.newContext({ locale: "nl-NL" });
    try {
      const page = await context.newPage();
      await page.goto(stack.url);
      await page.locator("footer a[href='/privacy']").click();
      await page.waitForURL(`${stack.url}/privacy`);
      assert.match(await page.locator("main").innerText(), /IP-adressen/);
      assert.match(await page.locator("main").innerText(), /Wij wissen een gesprek 30 dagen na het laatste bericht/);
      assert.equal(await page.locator("main a[href^='https://autoriteitpersoonsgegevens.nl/']").count(), 1);
      assert.deepEqual((await axe(page, REPORTS, "privacy page")).serious, []);
    } finally {
      await context.close();
    }
  });
});

describe("connection trouble", () => {
  test("where websockets are blocked, the chat works over long polling", async () => {
    const context = await browser.newContext({ locale: "nl-NL" });
    try {
      await context.routeWebSocket(/\/socket\.io\//, (socket) => socket.close());
      const page = await context.newPage();
      await page.goto(stack.url);
      const before = await ask(page, "Wat moet ik nu doen?");
      await waitForAnswer(page, before);
      await page.waitForTimeout(2000); // time enough for an upgrade, which must fail here
      assert.equal(await page.evaluate(() => window.bvoChatTransport), "polling");
    } finally {
      await context.close();
    }
  });

  test("a lost connection is shown in words; a message typed offline is sent once when back", async () => {
    const { context, page, seen } = await openChat({ viewport: { width: 1280, height: 900 } });
    try {
      // a conversation is going on: the connection is open
      await waitForAnswer(page, await ask(page, "Wat is er gebeurd?"));
      await stack.stopOne("web");
      await page.locator("#chat-status").filter({ hasText: OFFLINE }).waitFor({ timeout: 20_000 });
      const before = await ask(page, "Welk laboratorium is gehackt?");
      assert.match(await page.locator("#chat-status").innerText(), /zodra de verbinding terug is/);
      stack.startWeb();
      await stack.webUp();
      await page.locator("#chat-live").filter({ hasText: "De verbinding is hersteld." }).waitFor();
      await waitForAnswer(page, before);
      await page.waitForTimeout(3000); // a second copy would have been answered by now
      const users = await page.locator("#chat-log .chat__msg--user").allInnerTexts();
      assert.equal(users.filter((t) => t.includes("Welk laboratorium")).length, 1);
      // the assistant answered exactly once: one more greeting-free answer set
      const texts = await page.locator("#chat-log .chat__msg--bot").allInnerTexts();
      const after = texts.slice(before);
      assert.ok(after.length >= 1);
      assert.equal(new Set(after).size, after.length, "no answer arrived twice");
      assert.deepEqual(seen.dialogs, []);
    } finally {
      await context.close();
    }
  }, { timeout: 120_000 });
});
