// Starts the whole assistant for the browser tests, on free ports: the action
// server, the Rasa server (project credentials.yml and endpoints.yml with the action server's port, model
// from BVO_MODEL or the current model) and the web page server. Logs go to
// reports/browser/. stop() ends exactly the processes started here.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdirSync, openSync } from "node:fs";
import { join, resolve, isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");
export const REPORTS = join(ROOT, "reports", "browser");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const RASA = join(ROOT, ".venv", "bin", "rasa");
const STARTUP_TIMEOUT_MS = 300_000;

/** @returns {Promise<number>} a TCP port free on loopback right now */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => done(port));
    });
  });
}

/** @returns {string} the model file: BVO_MODEL, else the current model (scripts.model_key) */
export function modelPath() {
  let model = process.env.BVO_MODEL;
  if (!model) {
    model = execFileSync(PYTHON, ["-m", "scripts.model_key"], { cwd: ROOT, encoding: "utf8" }).trim();
  }
  model = isAbsolute(model) ? model : join(ROOT, model);
  if (!existsSync(model)) {
    throw new Error(`model ${model} not found: run \`make train\` or set BVO_MODEL`);
  }
  return model;
}

/**
 * Polls ``url`` until it answers 200, or fails when the process stops.
 * @param {string} url
 * @param {import("node:child_process").ChildProcess} proc
 * @param {string} name
 */
async function waitUntilUp(url, proc, name) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`${name} stopped during start-up (exit ${proc.exitCode}); see ${REPORTS}`);
    }
    try {
      const answer = await fetch(url);
      if (answer.ok) {
        return;
      }
    } catch (_error) {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} did not answer at ${url} within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

export class Stack {
  constructor() {
    /** @type {Record<string, import("node:child_process").ChildProcess>} */
    this.procs = {};
    this.env = {};
    this.webPort = 0;
    /** the operators' state file of this stack (notice, overrides, safe mode) */
    this.stateFile = join(REPORTS, `operator-state-${process.pid}.json`);
  }

  /** @returns {string} the address of the chat page */
  get url() {
    return `http://127.0.0.1:${this.webPort}`;
  }

  /**
   * Starts one service with its log file.
   * @param {string} name
   * @param {string[]} command
   */
  spawn(name, command) {
    const log = openSync(join(REPORTS, `${name}.log`), "a");
    const proc = spawn(command[0], command.slice(1), { cwd: ROOT, env: this.env, stdio: ["ignore", log, log] });
    this.procs[name] = proc;
    return proc;
  }

  /** Starts all three services and waits until they answer. */
  async start() {
    mkdirSync(REPORTS, { recursive: true });
    const model = modelPath();
    const [rasaPort, actionPort, webPort] = [await freePort(), await freePort(), await freePort()];
    this.webPort = webPort;
    this.env = {
      ...process.env, RASA_PORT: String(rasaPort), ACTION_PORT: String(actionPort), WEB_PORT: String(webPort),
      WEB_HOST: "127.0.0.1", RASA_URL: `http://127.0.0.1:${rasaPort}`, RASA_TELEMETRY_ENABLED: "false",
      SANIC_ACCESS_LOG: "false", TF_CPP_MIN_LOG_LEVEL: "2", PYTHONUNBUFFERED: "1",
      // operator control (docs/operations.md): a state of this run's own, read again every second
      OPERATIONS_STATE_FILE: this.stateFile, OPERATIONS_CHECK_INTERVAL_S: "1",
    };
    try {
      const actions = this.spawn("actions", [RASA, "run", "actions", "--actions", "actions", "--port", String(actionPort)]);
      // endpoints.yml names Rasa's default 5055; a copy names this action server's port. With the
      // changes to Rasa off (RASA_PATCHES=0) stock Rasa sends every custom action there.
      const endpoints = execFileSync(PYTHON, ["-m", "scripts.endpoints", "--folder", REPORTS],
        { cwd: ROOT, env: this.env, encoding: "utf8" }).trim();
      const rasa = this.spawn("rasa", [RASA, "run", "--model", model, "--port", String(rasaPort), "-i", "127.0.0.1",
        "--endpoints", endpoints, "--credentials", "credentials.yml"]);
      const web = this.startWeb();
      await waitUntilUp(`http://127.0.0.1:${actionPort}/health`, actions, "action server");
      await waitUntilUp(`http://127.0.0.1:${rasaPort}/`, rasa, "Rasa server");
      await waitUntilUp(`${this.url}/health`, web, "web server");
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this;
  }

  /** Starts (or restarts) only the web page server. */
  startWeb() {
    return this.spawn("web", [PYTHON, "-m", "webchat.server"]);
  }

  /** Waits until the web page server answers again. */
  async webUp() {
    await waitUntilUp(`${this.url}/health`, this.procs.web, "web server");
  }

  /**
   * Stops one service: SIGTERM, then SIGKILL after 15 s.
   * @param {string} name
   */
  async stopOne(name) {
    const proc = this.procs[name];
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      return;
    }
    const ended = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    await ended;
    clearTimeout(timer);
  }

  /** Stops every service started here, newest first. */
  async stop() {
    for (const name of ["web", "rasa", "actions"]) {
      await this.stopOne(name);
    }
  }
}
