// Helpers to drive the chat page in the browser tests.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
export const ANSWER_TIMEOUT_MS = 60_000;

/**
 * Watches a page for third-party requests, CSP violations, script errors and dialogs.
 * @param {import("playwright-core").Page} page
 * @param {string} origin the chat page's origin
 * @returns {{foreign: string[], errors: string[], dialogs: string[]}}
 */
export function watch(page, origin) {
  const seen = { foreign: [], errors: [], dialogs: [] };
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith(origin.replace("http", "ws")) && !url.startsWith("data:")) {
      seen.foreign.push(url);
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") {
      seen.errors.push(message.text());
    }
  });
  page.on("pageerror", (error) => seen.errors.push(String(error)));
  page.on("dialog", async (dialog) => {
    seen.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return seen;
}

/**
 * Records every message the page sends to the assistant (socket.io
 * ``user_uttered`` events, over the websocket or long polling).
 * @param {import("playwright-core").Page} page
 * @returns {string[]} the messages, in order; filled while the page runs
 */
export function sentMessages(page) {
  /** @type {string[]} */
  const messages = [];
  /** @param {string | Buffer} data */
  const read = (data) => {
    for (const packet of String(data).split("\x1e")) {
      if (!packet.startsWith("42")) {
        continue;
      }
      const [event, body] = JSON.parse(packet.slice(2));
      if (event === "user_uttered") {
        messages.push(body.message);
      }
    }
  };
  page.on("websocket", (socket) => socket.on("framesent", (frame) => read(frame.payload)));
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().includes("/socket.io/")) {
      read(request.postData() || "");
    }
  });
  return messages;
}

/** The relay to the assistant (socket.io) and the REST relay; not /static/vendor/socket.io.esm.min.js. */
export const ASSISTANT_PATHS = /\/socket\.io\/|\/api\/chat/;

/**
 * Every request the page makes to the assistant: the socket.io relay or /api/chat.
 * @param {import("playwright-core").Page} page
 * @returns {string[]} the addresses, in order; filled while the page runs
 */
export function assistantRequests(page) {
  /** @type {string[]} */
  const urls = [];
  page.on("request", (request) => {
    if (ASSISTANT_PATHS.test(request.url())) {
      urls.push(request.url());
    }
  });
  page.on("websocket", (socket) => urls.push(socket.url()));
  return urls;
}

/**
 * Number of messages in the chat log.
 * @param {import("playwright-core").Page} page
 * @param {"bot" | "user"} who
 */
export function count(page, who) {
  return page.locator(`#chat-log .chat__msg--${who}`).count();
}

/**
 * Waits until the assistant has sent more than ``before`` messages and stops for a moment.
 * @param {import("playwright-core").Page} page
 * @param {number} before bot messages before the question
 */
export async function waitForAnswer(page, before) {
  try {
    await page.waitForFunction(
      (n) => document.querySelectorAll("#chat-log .chat__msg--bot").length > n, before,
      { timeout: ANSWER_TIMEOUT_MS });
  } catch (error) {
    // say what the log held, so that a failure in CI can be read from its output
    const log = await page.locator("#chat-log .chat__msg").allTextContents().catch(() => []);
    throw new Error(`no answer after bot message ${before} within ${ANSWER_TIMEOUT_MS} ms; `
      + `connection ${await page.evaluate(() => document.body.dataset.connection).catch(() => "?")}; `
      + `log (newest 6): ${JSON.stringify(log.slice(-6))}`, { cause: error });
  }
  // an answer can have several bubbles: wait until no new one arrives for 1.5 s
  let last = -1;
  for (;;) {
    const now = await count(page, "bot");
    if (now === last) {
      return now;
    }
    last = now;
    await page.waitForTimeout(1500);
  }
}

/**
 * Types a question in the input and sends it with Enter.
 * @param {import("playwright-core").Page} page
 * @param {string} text
 * @returns {Promise<number>} bot messages before the question
 */
export async function ask(page, text) {
  const before = await count(page, "bot");
  await page.locator("#chat-input").fill(text);
  await page.locator("#chat-input").press("Enter");
  return before;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules and best practices), appends the result to
 * ``reports/browser/axe.jsonl`` and returns the serious and critical violations.
 * @param {import("playwright-core").Page} page
 * @param {string} reportDir folder of the axe report
 * @param {string} label what was checked
 * @returns {Promise<{serious: Array<{id: string, impact: string, nodes: number}>, all: number}>}
 */
export async function axe(page, reportDir, label) {
  // Injected through the automation protocol: the page's CSP allows no inline script.
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(async () => {
    // @ts-ignore axe is injected above
    const report = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return report.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  mkdirSync(reportDir, { recursive: true });
  appendFileSync(join(reportDir, "axe.jsonl"), `${JSON.stringify({ label, violations: result })}\n`);
  return {
    serious: result.filter((v) => v.impact === "serious" || v.impact === "critical"),
    all: result.length,
  };
}
