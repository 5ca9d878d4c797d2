// The connection to the assistant: Rasa's socket.io channel, relayed by this
// site's own server at /socket.io/ (same origin). socket.io-client reconnects
// by itself; messages are only emitted once the session is confirmed, so a
// message typed while offline waits in the queue and is sent exactly once.
// The assistant issues the conversation id and a token that proves it is ours
// (session_confirm); both go with every session_request, so a reload or a
// reconnect continues the conversation. Without them, or when the token has
// expired, the assistant starts a new one. The first two characters of the id
// go in the query of every engine.io request ("route", 1 of 256: not the id),
// so that a server with several Rasa processes (RASA_WORKERS) relays a new
// connection to the one that holds the conversation (channels/workers.py); the
// relay drops it before passing the request on.
import { io } from "../vendor/socket.io.esm.min.js";
import { validSession } from "./storage.js";

/**
 * @typedef {{text?: string, quick_replies?: Array<{title: string, payload: string}>,
 *            buttons?: Array<{title: string, payload: string}>}} BotMessage
 * @typedef {{
 *   onBotMessage: (message: BotMessage) => void,
 *   onSession: (sessionId: string, sessionToken: string) => void,
 *   onOnline: () => void,
 *   onOffline: () => void,
 * }} ConnectionHandlers
 */

/**
 * @param {string | null} sessionId
 * @returns {Record<string, string>} the query that routes a connection to the conversation's process
 */
export function routingQuery(sessionId) {
  return sessionId ? { route: sessionId.slice(0, 2) } : {};
}

export class Connection {
  /**
   * @param {string | null} sessionId the conversation id (Rasa's sender id) the assistant issued
   * @param {string | null} sessionToken its token
   * @param {ConnectionHandlers} handlers
   */
  constructor(sessionId, sessionToken, handlers) {
    this.sessionId = sessionId;
    this.sessionToken = sessionToken;
    this.handlers = handlers;
    this.ready = false;
    this.socket = io({
      path: "/socket.io/",
      // socket.io's default: connect over HTTP long polling, then upgrade to a
      // websocket; where websockets are blocked the chat stays on polling.
      transports: ["polling", "websocket"],
      upgrade: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: 10000,
      query: routingQuery(sessionId),
    });
    this.socket.on("connect", () => {
      this.socket.emit("session_request", { session_id: this.sessionId, session_token: this.sessionToken });
    });
    this.socket.on("session_confirm", (session) => {
      if (!session || !validSession(session.session_id, session.session_token)) {
        return;
      }
      this.sessionId = session.session_id;
      this.sessionToken = session.session_token;
      // The next connection (a reconnect) names this conversation.
      this.socket.io.opts.query = routingQuery(this.sessionId);
      this.handlers.onSession(this.sessionId, this.sessionToken);
      this.ready = true;
      this.handlers.onOnline();
    });
    this.socket.on("bot_uttered", (message) => this.handlers.onBotMessage(message || {}));
    this.socket.on("disconnect", () => this.lost());
    this.socket.on("connect_error", () => this.lost());
  }

  /** Marks the connection as lost and drops anything socket.io buffered. */
  lost() {
    const wasReady = this.ready;
    this.ready = false;
    this.socket.sendBuffer = [];
    if (wasReady || !this.reportedOffline) {
      this.reportedOffline = true;
      this.handlers.onOffline();
    }
  }

  /** @returns {string} the transport in use ("websocket" or "polling"), or "" */
  get transport() {
    return this.socket.io.engine && this.socket.connected ? this.socket.io.engine.transport.name : "";
  }

  /**
   * Sends a message if the session is ready.
   * @param {string} payload
   * @returns {boolean} true when it was handed to the open connection
   */
  send(payload) {
    if (!this.ready || !this.socket.connected) {
      return false;
    }
    this.socket.emit("user_uttered", { message: payload, session_id: this.sessionId });
    return true;
  }
}
