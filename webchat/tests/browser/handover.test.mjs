// The handover to a person (docs/handover.md) on the chat page in a real browser:
// a fake Chatwoot API on loopback records what reaches it, a webhook sender signs
// as Chatwoot does. The person's replies arrive on the page by themselves
// (socket.io), the assistant stays silent meanwhile, and it answers again after
// the person resolves the conversation. Screenshot: reports/screenshots/handover-1280.png.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { launch } from "./browser.mjs";
import { REPORTS, ROOT, Stack } from "./stack.mjs";
import { ask, axe, count, waitForAnswer } from "./page.mjs";

const SCREENSHOTS = join(ROOT, "reports", "screenshots");
const SECRET = "browser-test-webhook-secret";
const OFFER = "Wilt u chatten met een medewerker? Dan geef ik het gesprek door.";
const QUEUED = "U bent nummer 2 in de wachtrij.";
const RESUMED = "De medewerker heeft het gesprek afgesloten.";
const AGENT = "Goedemiddag, u spreekt met een medewerker. Waarmee kan ik u helpen?";
const HOURS = join(REPORTS, `handover-hours-${process.pid}.yml`);

/** A fake Chatwoot application API: records every request, answers as Chatwoot 4.13 does. */
class FakeChatwoot {
  constructor() {
    /** @type {Array<{method: string, path: string, body: any, token: string | undefined}>} */
    this.requests = [];
    this.conversation = 70;
    this.server = createServer((request, response) => {
      let raw = "";
      request.on("data", (chunk) => { raw += chunk; });
      request.on("end", () => {
        const path = new URL(request.url ?? "/", "http://x").pathname;
        this.requests.push({ method: request.method ?? "", path, body: raw ? JSON.parse(raw) : null,
                             token: /** @type {string | undefined} */ (request.headers.api_access_token) });
        let answer = { id: 1 };
        if (path.endsWith("/contacts")) {
          answer = { payload: { contact: { id: 7 }, contact_inbox: { source_id: "src-7" } } };
        } else if (path.endsWith("/conversations")) {
          this.conversation += 1;
          answer = { id: this.conversation };
        } else if (path.endsWith("/conversations/meta")) {
          answer = { meta: { unassigned_count: 2 } };
        }
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify(answer));
      });
    });
  }

  /** @returns {Promise<string>} the base address */
  start() {
    return new Promise((done) => this.server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (this.server.address());
      done(`http://127.0.0.1:${port}`);
    }));
  }

  stop() {
    return new Promise((done) => this.server.close(done));
  }
}

const chatwoot = new FakeChatwoot();
const stack = new Stack();
/** @type {import("playwright-core").Browser} */
let browser;

/**
 * Posts a webhook signed as Chatwoot signs it.
 * @param {object} event
 * @param {string} secret
 */
async function webhook(event, secret = SECRET) {
  const body = JSON.stringify(event);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = "sha256=" + createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  const rasa = stack.env.RASA_URL;
  const answer = await fetch(`${rasa}/webhooks/chatwoot/webhook`, {
    method: "POST", body,
    headers: { "Content-Type": "application/json", "X-Chatwoot-Timestamp": timestamp, "X-Chatwoot-Signature": signature },
  });
  return answer.status;
}

before(async () => {
  mkdirSync(REPORTS, { recursive: true });
  const days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  writeFileSync(HOURS, `weekly:\n${days.map((d) => `  ${d}: ['00:00-24:00']`).join("\n")}\n`);
  const url = await chatwoot.start();
  Object.assign(process.env, {
    CHATWOOT_URL: url, CHATWOOT_API_TOKEN: "browser-token", CHATWOOT_INBOX_ID: "3",
    CHATWOOT_WEBHOOK_SECRET: SECRET, HANDOVER_HOURS_FILE: HOURS,
  });
  browser = await launch();
  await stack.start();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  await stack.stop();
  await chatwoot.stop();
  rmSync(HOURS, { force: true });
  rmSync(stack.stateFile, { force: true });
});

describe("handover to a person", { concurrency: false }, () => {
  test("offer, queue, the person's replies on the page, nothing personal to Chatwoot, back to the assistant", async () => {
    const context = await browser.newContext({ locale: "nl-NL", viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(stack.url);
    await waitForAnswer(page, 0);

    let before = await ask(page, "Ik wil een medewerker spreken");
    await waitForAnswer(page, before);
    const offer = page.locator("#chat-log .chat__msg--bot").last();
    assert.ok((await offer.innerText()).includes(OFFER));
    // counted before the click: a quick answer can arrive before a count after it
    before = await count(page, "bot");
    await offer.locator(".chat__buttons button", { hasText: "Ja" }).click();
    await waitForAnswer(page, before);
    assert.ok((await page.locator("#chat-log .chat__msg--bot").last().innerText()).includes(QUEUED));
    const conversationId = chatwoot.conversation;
    assert.ok(chatwoot.requests.every((r) => r.token === "browser-token"));

    // During the handover: the message goes to Chatwoot, redacted, and the assistant does not answer it.
    const botsBefore = await count(page, "bot");
    await ask(page, "Mijn BSN is 123456782 en mijn nummer is 06 12345678");
    await page.waitForTimeout(3000);
    const relayed = chatwoot.requests.filter((r) => r.path.endsWith(`/conversations/${conversationId}/messages`)).at(-1);
    assert.ok(relayed?.body.content.startsWith("Mijn BSN is ["), JSON.stringify(relayed));
    assert.ok(!JSON.stringify(chatwoot.requests).includes("123456782"));
    assert.ok(!JSON.stringify(chatwoot.requests).includes("12345678 "));
    const after = await page.locator("#chat-log .chat__msg--bot").allTextContents();
    assert.ok(after.slice(botsBefore).every((text) => text.includes("persoonsgegevens")), after.slice(botsBefore).join(" | "));

    // A forged webhook is refused and shows nothing.
    assert.equal(await webhook({ event: "message_created", message_type: "outgoing", private: false,
                                 content: "Vervalst", conversation: { id: conversationId } }, "wrong"), 401);
    // The person's reply appears by itself.
    const botsNow = await count(page, "bot");
    assert.equal(await webhook({ event: "message_created", message_type: "outgoing", private: false,
                                 content: AGENT, conversation: { id: conversationId } }), 200);
    await waitForAnswer(page, botsNow);
    const texts = await page.locator("#chat-log .chat__msg--bot").allTextContents();
    assert.ok(texts.at(-1)?.includes(AGENT));
    // labelled as a person's message, not the assistant's
    assert.equal(await page.locator("#chat-log .chat__msg--bot").last().locator(".chat__who").innerText(), "Medewerker:");
    assert.equal(await page.locator("#chat-log .chat__msg--bot").first().locator(".chat__who").innerText(),
      "Digitale assistent:");
    assert.ok(!texts.some((text) => text.includes("Vervalst")));
    const result = await axe(page, REPORTS, "handover");
    assert.deepEqual(result.serious, []);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "handover-1280.png"), fullPage: true });

    // Resolved: the assistant says so and answers again.
    const botsResolved = await count(page, "bot");
    assert.equal(await webhook({ event: "conversation_status_changed", id: conversationId, status: "resolved" }), 200);
    await waitForAnswer(page, botsResolved);
    assert.ok((await page.locator("#chat-log .chat__msg--bot").last().innerText()).includes(RESUMED));
    assert.equal(await page.locator("#chat-log .chat__msg--bot").last().locator(".chat__who").innerText(),
      "Digitale assistent:");
    const calls = chatwoot.requests.length;
    before = await ask(page, "Welke gegevens zijn gestolen?");
    await waitForAnswer(page, before);
    assert.ok((await page.locator("#chat-log .chat__msg--bot").last().innerText()).includes("Bron:"));
    assert.equal(chatwoot.requests.length, calls);
    await context.close();
  });
});
