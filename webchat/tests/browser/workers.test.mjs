// The chat page with `make run` RASA_WORKERS=2 (scripts/run.py: two Rasa processes
// behind the page's relay), in a real browser: a reload reconnects to the process
// that holds the conversation (the page names its route in the engine.io query), so the
// conversation goes on; new conversations are spread over both processes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import { launch } from "./browser.mjs";
import { ANSWER_TIMEOUT_MS, ask, waitForAnswer } from "./page.mjs";
import { REPORTS, ROOT, freePort, modelPath } from "./stack.mjs";

const WORKERS = 2;
const PYTHON = join(ROOT, ".venv", "bin", "python");
const STARTUP_TIMEOUT_MS = 300_000;

/**
 * The process that holds a conversation: channels/workers.py's worker_of (an issued id's first two
 * characters as a number, mod N).
 * @param {string} id
 * @returns {number}
 */
function workerOf(id) {
  return parseInt(id.slice(0, 2), 16) % WORKERS;
}

/** @returns {Promise<boolean>} whether ``port`` is free on loopback */
function portFree(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

/** @returns {Promise<number>} the first of WORKERS consecutive free ports */
async function freePorts() {
  for (;;) {
    const first = await freePort();
    let free = true;
    for (let port = first + 1; port < first + WORKERS; port += 1) {
      free = free && (await portFree(port));
    }
    if (free) {
      return first;
    }
  }
}

/** @type {import("node:child_process").ChildProcess} */
let run;
let url = "";
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  mkdirSync(REPORTS, { recursive: true });
  const [rasaPort, webPort, actionPort] = [await freePorts(), await freePort(), await freePort()];
  url = `http://127.0.0.1:${webPort}`;
  const env = {
    ...process.env, RASA_WORKERS: String(WORKERS), RASA_PORT: String(rasaPort), WEB_PORT: String(webPort),
    ACTION_PORT: String(actionPort), RASA_TELEMETRY_ENABLED: "false", PYTHONUNBUFFERED: "1",
  };
  for (const name of ["RASA_URL", "SESSION_SECRET", "RASA_WORKER_INDEX"]) {
    delete env[name];
  }
  const log = openSync(join(REPORTS, "workers-run.log"), "a");
  run = spawn(PYTHON, ["-m", "scripts.run", "--model", modelPath()], { cwd: ROOT, env, stdio: ["ignore", log, log] });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    assert.equal(run.exitCode, null, `make run stopped; see ${REPORTS}/workers-run.log`);
    assert.ok(Date.now() < deadline, "make run did not become healthy");
    try {
      if ((await fetch(`${url}/health`)).ok) {
        break;
      }
    } catch (_error) {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launch();
}, { timeout: 360_000 });

after(async () => {
  await browser?.close();
  if (run && run.exitCode === null) {
    const ended = new Promise((r) => run.once("exit", r));
    run.kill("SIGTERM");
    await ended;
  }
});

/** @returns {Promise<string>} the conversation id the page keeps */
async function savedId(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem("bvo-chat") || "{}").sessionId);
}

describe("make run with RASA_WORKERS=2", { concurrency: false }, () => {
  test("reloads continue each conversation on its process; both processes hold conversations", async () => {
    const owners = new Set();
    for (let tab = 0; tab < 2; tab += 1) {
      const context = await browser.newContext({ locale: "nl-NL" });
      const page = await context.newPage();
      await page.goto(url);
      await page.locator("#chat-log .chat__msg--bot .chat__buttons button").first().waitFor();
      await waitForAnswer(page, await ask(page, "Welk lab was het?"));
      const id = await savedId(page);
      assert.match(id, /^[0-9a-f]{32}$/);
      owners.add(workerOf(id));
      for (let reload = 0; reload < 2; reload += 1) {
        await page.reload();
        await page.waitForFunction(() => window.bvoChatTransport !== "", null, { timeout: ANSWER_TIMEOUT_MS });
        const answered = await waitForAnswer(page, await ask(page, "Wat moet ik nu doen?"));
        assert.ok(answered > 0);
        assert.equal(await savedId(page), id, `reload ${reload + 1}: the same conversation`);
      }
      await context.close();
    }
    assert.deepEqual([...owners].sort(), [0, 1], "new conversations take turns over the processes");
  });
});
