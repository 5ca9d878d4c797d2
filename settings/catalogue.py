"""Every environment variable of the assistant, one entry each: the table in docs/settings.md is made from it.

Adding a setting is one entry here (``S(name, kind, default, meaning, used_by, ...)``),
then ``python -m scripts.settings_table`` to rewrite the table; code reads the
value with ``settings.get(name)``. ``tests/test_settings.py`` fails when the
table and this list differ, or when code reads a variable that is not here.
"""

from __future__ import annotations

from typing import Tuple

from settings.schema import Setting as S

SETTINGS: Tuple[S, ...] = (
    # Ports and addresses
    S("RASA_PORT", "int", 5005,
      "port of the Rasa server (REST: `/webhooks/rest/webhook`, socket.io: `/socket.io`)",
      "`make run`, web page", low=1, high=65535, invalid="error"),
    S("ACTION_PORT", "int", 5055,
      "port of the action server; `endpoints.yml` names 5055 as a plain value (plain `rasa run` needs no "
      "variable), `make run` and the benchmark pass a copy with another port from the temporary folder",
      "`make run`, the benchmark (`scripts/endpoints.py`), `deploy/endpoints*.yml`, action server",
      low=1, high=65535, invalid="error"),
    S("BIND_HOST", "str", "127.0.0.1",
      "address the Rasa server and (unless `WEB_HOST` is set) the web page listen on; `0.0.0.0` makes "
      "them reachable from other machines",
      "`make run`"),
    S("ACTION_HOST", "str", "127.0.0.1",
      "address the action server listens on (a container sets `0.0.0.0`); `make run` starts it only when "
      "the actions do not run in the Rasa server",
      "action server (`runtime/action_server.py`)"),
    S("WEB_PORT", "int", 8080,
      "port of the web page",
      "`make run`, web page, `ALLOWED_ORIGINS`' default", low=1, high=65535, invalid="error"),
    S("WEB_HOST", "str", "127.0.0.1",
      "address the web page listens on",
      "web page"),
    S("RASA_URL", "str", None,
      "where the page relays messages to (one Rasa server; leave unset with `RASA_WORKERS` above 1)",
      "web page", default_text="`http://localhost:$RASA_PORT`"),
    S("RASA_WORKERS", "int", 1,
      "Rasa server processes `make run` starts, on the ports `RASA_PORT` to `RASA_PORT`+N-1, with one "
      "shared `SESSION_SECRET` (random per run when unset); the page relays every conversation to the "
      "process that holds it (see `performance.md`, \"Both cores\"); messaging webhooks reach the first; "
      "not with the handover to a person",
      "`make run`, web page, REST and socket.io channels (`channels/workers.py`)",
      low=1, high=16, invalid="error"),
    S("RASA_WORKER_INDEX", "int", 0,
      "which of the `RASA_WORKERS` processes this is (`make run` sets it): the process issues only "
      "conversation ids that route to itself and continues no other",
      "REST and socket.io channels (`channels/workers.py`)", low=0, high=15, invalid="error"),
    # Custom actions and the changes to Rasa
    S("ACTION_SERVER_TOKEN", "str", None,
      "shared secret: the action server answers 401 to calls without `Authorization: Bearer <token>`, and"
      " the Rasa server sends it",
      "action server, Rasa server (`runtime/action_token.py`)",
      default_text="unset; `make run` and `make cluster` make a random one"),
    S("ACTION_TIMEOUT_S", "float", 1.5,
      "time limit of one action call; after it, or when an action fails, the assistant sends a short "
      "apology",
      "Rasa server (`runtime/faults.py`)", low=0, high=15, low_open=True),
    S("ACTIONS_IN_PROCESS", "bool", True,
      "`1`: the Rasa server runs the custom actions of `actions/` itself, with the Rasa SDK's own "
      "executor (no HTTP, no JSON; see `performance.md`); `0`: every custom action goes to the action "
      "server at `ACTION_PORT`, as in stock Rasa",
      "Rasa server (`runtime/inprocess_actions.py`), `make run`"),
    S("RASA_PATCHES", "bool", True,
      "`0`: none of the changes to Rasa in `runtime/` is installed; Rasa runs as stock 3.6 and `make run`"
      " starts the action server (without a token, which stock Rasa cannot send) for every custom action;"
      " `make test-off` (`RASA_PATCHES=0 make test`) runs the whole suite so, leaving out only the tests"
      " marked `patches`",
      "Rasa server (`runtime/patches.py`), `make run`, pytest"),
    S("PARSE_CACHE_SIZE", "int", 4096,
      "NLU results of identical messages kept (keyed by a hash of the text and the model, no text kept); "
      "`0` turns the cache off; larger values count as 100000",
      "Rasa server (`runtime/parse_cache.py`)", low=0, high=100000, invalid="clamp"),
    S("PARSE_CACHE_STATS_EVERY", "int", 0,
      "every this many lookups the parse cache logs its hit and miss counts; `0` never (the benchmark sets "
      "`1` and reads each run's hit rate from the log)",
      "Rasa server (`runtime/parse_cache.py`), `make bench`", low=0, invalid="default"),
    S("NLU_BATCH_SIZE", "int", 32,
      "most messages understood in one run of the NLU graph: messages that arrive while a batch runs "
      "form the next one, in a worker thread beside the event loop (`runtime/nlu_batch.py`); `1` parses "
      "each message alone on the event loop, as Rasa does",
      "Rasa server (`runtime/nlu_batch.py`)", low=1, high=256, invalid="clamp"),
    S("GC_GEN0_THRESHOLD", "int", 10_000,
      "allocations between two collections of the garbage collector's youngest generation, set once the "
      "model is loaded (Python's own is 700: with thousands of kept conversations that made a full "
      "collection of 200-400 ms every 2-3 s under load); `0` keeps Python's thresholds",
      "Rasa server (`runtime/gc_freeze.py`)", low=0, high=1_000_000, invalid="default"),
    S("MAX_CONCURRENT_MESSAGES", "int", 64,
      "messages in progress at once per process; the others wait in arrival order, so under load every "
      "message waits about as long (see `performance.md`); a message gives its place back while the "
      "action server is slow; `0` removes the limit",
      "Rasa server (`runtime/admission.py`)", low=0, high=1000),
    S("TF_INTER_OP_PARALLELISM_THREADS", "int", 1,
      "TensorFlow threads between operations (one is fastest for these small models, about 6% less CPU "
      "per message)",
      "Rasa (TensorFlow); `make run`, the cluster and the benchmark set it (`runtime/server_env.py`), and "
      "every start of the Rasa server sets it in code before the model loads unless set "
      "(`channels/startup.py`)",
      python=False),
    S("TF_INTRA_OP_PARALLELISM_THREADS", "int", 1,
      "TensorFlow threads within one operation (see above)",
      "Rasa (TensorFlow); set as above", python=False),
    # Set-up and tests
    S("PYTHON310", "str", None,
      "path of a Python 3.10 interpreter",
      "set-up (`scripts/setup_venv.sh`)", default_text="found automatically", python=False),
    S("SHARED_DIR", "str", None,
      "the shared folder: `content/BRIEF.md` and `sources/` for the content tests, `models/` for the "
      "spaCy wheel",
      "set-up, tests", default_text="`../shared`"),
    S("SPACY_MODEL_DIR", "str", None,
      "folder with the `nl_core_news_sm` 3.4.0 wheel; without it the official release URL is used",
      "set-up", default_text="`$SHARED_DIR/models` if it exists", python=False),
    S("GUIDANCE_REGISTRY", "str", None,
      "the guidance registry file to load",
      "actions, `make check-links`", default_text="`actions/data/guidance.yml`"),
    S("RASA_TELEMETRY_ENABLED", "str", "false",
      "no telemetry",
      "Rasa", default_text="`false` (set by the Makefile)", python=False),
    S("SANIC_ACCESS_LOG", "str", "false",
      "no effect: the access log would hold client IP addresses, so every start of the Rasa server turns it "
      "off in code (`channels/startup.py`), whatever this says",
      "Rasa server", default_text="no effect", python=False),
    S("BVO_MODEL", "str", None,
      "model for the server-level tests, the fuzz run and the browser tests (`make` passes the current "
      "one)",
      "`tests/server/`, `webchat/tests/browser/`",
      default_text="newest file in `models/` (browser tests: the current model)"),
    S("CHROMIUM_PATH", "str", "/usr/bin/chromium",
      "the headless Chromium the browser tests drive",
      "`make test-browser`", python=False),
    S("HYPOTHESIS_PROFILE", "str", "repeatable",
      "`explore`: the property-based tests search new examples (2000 each) instead of the same ones on "
      "every run",
      "pytest (`tests/conftest.py`)"),
    # Input limits and privacy
    S("MAX_MESSAGE_CHARS", "int", 1000,
      'longer messages get "one question at a time" before any NLU runs',
      "channels (`privacy/settings.py`)", low=1, invalid="error"),
    S("MAX_BODY_BYTES", "int", 262_144,
      "largest request body (REST, webhooks, socket.io packets, `/api/chat`); larger ones get 413 (a "
      'pasted letter of 100,000 characters still gets the polite "too long" answer)',
      "channels, Rasa server, web page (`channels/limits.py`)", low=1, invalid="error"),
    S("MAX_METADATA_BYTES", "int", 4096,
      'largest client metadata with a message (compact JSON); larger gets 413 (socket.io: "Ik kan uw '
      'bericht niet lezen")',
      "channels (`channels/limits.py`)", low=1, invalid="error"),
    S("MAX_JSON_DEPTH", "int", 20,
      "deepest nesting of lists and objects in a body or in metadata; deeper gets 400",
      "channels, web page (`channels/limits.py`)", low=1, invalid="error"),
    S("HTTP_HEADER_TIMEOUT_S", "float", 10.0,
      "time from a request's first byte to the end of its headers; a slower client is disconnected "
      "(bodies: Rasa's 60 s response deadline, the page: the same 10 s again)",
      "Rasa server, web page, action server (`channels/transport.py`, `webchat/transport.py`)",
      low=0, low_open=True, invalid="error"),
    S("ALLOWED_ORIGINS", "list", None,
      "web origins whose pages may use the assistant; set it to the real site, e.g. "
      "`https://chat.example.nl`; other origins and `Sec-Fetch-Site: cross-site` requests get 403",
      "socket.io channel, web page (`channels/config.py`)",
      default_text="`http://localhost:$WEB_PORT,http://127.0.0.1:$WEB_PORT`"),
    S("EXPOSE_VERSIONS", "bool", False,
      "`1`: `/` of the Rasa server and the page's `/health` show the Rasa and spaCy versions (for "
      "operators on a closed network)",
      "Rasa server, web page"),
    S("RETENTION_DAYS", "int", 30,
      "days a conversation is kept after its last message",
      "`scripts.purge_conversations`, Redis store", low=1, invalid="error"),
    S("RATE_LIMIT_PER_MINUTE", "int", 30,
      "messages one sender may send per minute (REST and so the page's `/api/chat`, socket.io, each "
      'messaging platform user); more get "U stuurt veel berichten achter elkaar. Probeer het over een '
      'minuut opnieuw." (English in an English message) and are not processed; per server process',
      "channels (`channels/rate_limit.py`)", low=1, invalid="error"),
    S("RATE_LIMIT_BURST", "int", 30,
      "messages a sender may send at once before `RATE_LIMIT_PER_MINUTE` applies (the benchmark sends 10 "
      "per conversation)",
      "channels (`channels/rate_limit.py`)", low=1, invalid="error"),
    S("RATE_LIMIT_SENDERS", "int", 100_000,
      "senders whose rate one process remembers (a few dozen bytes each); the least recently seen is "
      "forgotten first",
      "channels (`channels/rate_limit.py`)", low=1, invalid="error"),
    S("MAX_CONVERSATIONS", "int", 10_000,
      "conversations kept in memory; beyond it the least recently saved is forgotten first (that user "
      "starts afresh)",
      "in-memory tracker store (`privacy/tracker_stores.py`)", low=1, invalid="error"),
    S("MAX_TURNS", "int", 200,
      'user messages in one session; the next one starts a new session with a short notice ("Dit gesprek '
      'was erg lang. We beginnen opnieuw."), slots carry over, so the history a turn reads stays bounded',
      "Rasa server (`runtime/turn_cap.py`)", low=1, invalid="error"),
    # Web channels and pages (read in channels/config.py on main since issue 16; see docs/settings.md)
    S("SESSION_SECRET", "str", None,
      "key (at least 32 characters, e.g. `openssl rand -hex 32`) that signs the conversation tokens; every "
      "instance behind one address needs the same one; never in the repository",
      "REST and socket.io channels (`channels/sessions.py`)",
      default_text="unset: a random one per server start; `make cluster` keeps one in its `secrets.json`"),
    S("SESSION_TOKEN_TTL_S", "float", 86_400.0,
      "seconds a conversation token stays valid after the last answer; after it the next message starts a "
      "new conversation (see `channels.md`)",
      "REST and socket.io channels (`channels/sessions.py`)", low=0, low_open=True, invalid="error",
      default_text="`86400`"),
    S("ORGANISATION_NAME", "str", None,
      "the organisation that runs the assistant, at most 200 characters, shown as text on the page, under "
      "the "
      "greeting and as the controller in the privacy statement; unset: the page calls itself \"een "
      "informatiedienst over het datalek\" and the statements show a marked placeholder: set it before going "
      "public",
      "web page (`channels/config.py`, `webchat/pages.py`), cluster page copy"),
    S("ORGANISATION_CONTACT", "str", None,
      "how to reach that organisation about personal data or an accessibility problem (plain text, at most "
      "200 "
      "characters, never a link); unset: a marked placeholder in both statements",
      "web page (`channels/config.py`, `webchat/pages.py`), cluster page copy"),
    # Messaging channels
    S("TWILIO_ACCOUNT_SID", "str", None,
      "Twilio account id (sends replies); set it with `TWILIO_AUTH_TOKEN` or neither",
      "Twilio channel", default_text="unset (channel off)"),
    S("TWILIO_AUTH_TOKEN", "str", None,
      "Twilio auth token: checks `X-Twilio-Signature` and, with the id, sends replies",
      "Twilio channel", default_text="unset (channel off)"),
    S("TWILIO_WEBHOOK_URL", "str", None,
      "the public webhook URL as registered at Twilio (the signature covers it; set it behind a proxy or "
      "TLS terminator)",
      "Twilio channel", default_text="the URL of the request"),
    S("TWILIO_API_BASE", "str", "https://api.twilio.com",
      "Twilio's REST API (tests point it at a fake)",
      "Twilio channel"),
    S("TELEGRAM_TOKEN", "str", None,
      "bot token from BotFather; set it with `TELEGRAM_SECRET_TOKEN` or neither",
      "Telegram channel", default_text="unset (channel off)"),
    S("TELEGRAM_SECRET_TOKEN", "str", None,
      "the `secret_token` given to `setWebhook` (A-Z, a-z, 0-9, `_`, `-`), checked on every webhook",
      "Telegram channel", default_text="unset (channel off)"),
    S("TELEGRAM_API_BASE", "str", "https://api.telegram.org",
      "Bot API (tests point it at a fake)",
      "Telegram channel"),
    S("FACEBOOK_VERIFY_TOKEN", "str", None,
      "the verify token you choose at webhook set-up; set all three `FACEBOOK_` secrets or none",
      "Messenger channel", default_text="unset (channel off)"),
    S("FACEBOOK_APP_SECRET", "str", None,
      "the app secret (checks `X-Hub-Signature-256`)",
      "Messenger channel", default_text="unset (channel off)"),
    S("FACEBOOK_PAGE_ACCESS_TOKEN", "str", None,
      "the page access token (sends replies)",
      "Messenger channel", default_text="unset (channel off)"),
    S("FACEBOOK_API_BASE", "str", "https://graph.facebook.com/v19.0",
      "Graph API with version (tests point it at a fake)",
      "Messenger channel"),
    S("CHANNEL_HTTP_TIMEOUT_S", "float", 10.0,
      "time limit of every call to a platform API",
      "messaging channels", low=0, low_open=True, invalid="error"),
    S("CHANNEL_DEDUPE_TTL_S", "float", 86_400.0,
      "seconds a platform message id is remembered, so a re-delivery gets no second answer",
      "messaging channels", low=0, low_open=True, invalid="error", default_text="`86400`"),
    S("CHANNEL_OPTIONS_TTL_S", "float", 86_400.0,
      "seconds the last offered buttons of a conversation are remembered for numbered replies",
      "messaging channels", low=0, low_open=True, invalid="error", default_text="`86400`"),
    S("CHANNEL_REDIS_URL", "str", None,
      "Redis for message ids and offered buttons, shared by all server instances (e.g. "
      "`redis://localhost:6379/0`); without it the Redis of a Redis lock or tracker store is used, else "
      "memory (one instance only)",
      "messaging channels", default_text="unset"),
    # Cluster and report
    S("CLUSTER_INSTANCES", "int", 2,
      "Rasa instances `make cluster` starts",
      "`scripts/cluster.py`", low=1, invalid="error"),
    S("CLUSTER_PORT", "int", 8090,
      "port of nginx in front of the local cluster",
      "`scripts/cluster.py`", low=1, high=65535, invalid="error"),
    S("TICKET_LOCK_LIFETIME", "float", 60.0,
      "seconds a conversation's lock lives (Rasa's own variable; `lifetime_s` in the lock store's "
      "endpoints section wins)",
      "Redis lock store (`cluster/locks.py`), Rasa", low=0, low_open=True, invalid="error"),
    S("TURN_TIMEOUT_S", "float", 20.0,
      "longest turn; at most a third of the lock's lifetime (`turn_timeout_s` wins)",
      "Redis lock store (`cluster/locks.py`)", low=0, low_open=True, invalid="error"),
    S("QUEUE_TIMEOUT_S", "float", 20.0,
      "longest wait for a conversation's lock (`queue_timeout_s` wins)",
      "Redis lock store (`cluster/locks.py`)", low=0, low_open=True, invalid="error"),
    S("LOCK_POLL_S", "float", 0.05,
      "seconds between two looks at a busy lock (`poll_s` wins)",
      "Redis lock store (`cluster/locks.py`)", low=0, low_open=True, invalid="error"),
    S("DB_HOST", "str", None,
      "PostgreSQL host, port, database, user and password of the tracker store; also `DB_PORT`, `DB_NAME`"
      " (Helm: `DB_DATABASE`), `DB_USER`, `DB_PASSWORD`",
      "`deploy/endpoints.cluster.yml`, Helm values (Rasa reads them)",
      default_text="set by `make cluster`", python=False),
    S("REDIS_HOST", "str", None,
      "Redis host of the lock store; without `OPERATIONS_REDIS_URL` and `CHANNEL_REDIS_URL` operator "
      "control keeps its state there too (database 1)",
      "`deploy/endpoints.cluster.yml`, Helm values (Rasa reads them), operator control "
      "(`operations/settings.py`)",
      default_text="set by `make cluster`"),
    S("REDIS_PORT", "int", 6379, "port of that Redis",
      "`deploy/endpoints.cluster.yml`, Helm values, operator control", low=1, high=65535, invalid="error"),
    S("REDIS_PASSWORD", "str", None, "password of that Redis; never in the repository",
      "`deploy/endpoints.cluster.yml`, Helm values, operator control", default_text="set by `make cluster`"),
    S("OPERATOR_TOKEN", "str", None,
      "bearer token of the operator endpoints (`/webhooks/operator/`, `operations.md`); unset: the endpoints "
      "do not exist (404); never in the repository",
      "Rasa server (`operations/http.py`)"),
    S("OPERATIONS_STATE_FILE", "str", None,
      "file that keeps the notice, the answer overrides and safe mode when no Redis is configured",
      "Rasa server, web page (`operations/store.py`)", default_text="`operations/state.json`"),
    S("OPERATIONS_REDIS_URL", "str", None,
      "Redis that keeps that state for every instance (e.g. `redis://host:6379/1`); without it "
      "`CHANNEL_REDIS_URL`, else the lock store's Redis (`REDIS_HOST`), else the file",
      "Rasa server, web page (`operations/store.py`)"),
    S("OPERATIONS_CHECK_INTERVAL_S", "float", 5.0,
      "at most this often each process reads that state again (a change takes effect within it)",
      "Rasa server, web page (`operations/`)", low=0, low_open=True, high=30, invalid="default"),
    # Handover to a person through Chatwoot (docs/handover.md): off unless the four are set
    S("CHATWOOT_URL", "str", None,
      "base address of the Chatwoot installation (e.g. `https://chat.example.org`); with "
      "`CHATWOOT_API_TOKEN`, `CHATWOOT_INBOX_ID` and `CHATWOOT_WEBHOOK_SECRET` it turns the handover to a "
      "person on; all four or none (the server refuses to start with some)",
      "Rasa server, action server (`handover/settings.py`)"),
    S("CHATWOOT_API_TOKEN", "str", None,
      "access token of the Chatwoot user or bot the assistant acts as (header `api_access_token`); never in "
      "the repository",
      "Rasa server (`handover/chatwoot.py`)"),
    S("CHATWOOT_INBOX_ID", "int", None,
      "id of the Chatwoot inbox of type API channel that receives the handovers",
      "Rasa server (`handover/chatwoot.py`)", low=1, invalid="error"),
    S("CHATWOOT_WEBHOOK_SECRET", "str", None,
      "the inbox's webhook secret (Chatwoot signs API-channel webhooks with it since pull request 13892: "
      "`X-Chatwoot-Signature`); a webhook without a valid signature gets 401",
      "Rasa server (`channels/chatwoot.py`)"),
    S("CHATWOOT_ACCOUNT_ID", "int", 1,
      "id of the Chatwoot account that holds the inbox (part of every API address)",
      "Rasa server (`handover/chatwoot.py`)", low=1, invalid="error"),
    S("CHATWOOT_TIMEOUT_S", "float", 5.0,
      "time limit of every call to Chatwoot; after it the user gets an apology and the official channels",
      "Rasa server (`handover/chatwoot.py`)", low=0, low_open=True, high=30, invalid="default"),
    S("HANDOVER_TTL_S", "float", 86_400.0,
      "a handover that the agent did not resolve ends after this many seconds (the assistant answers again)",
      "Rasa server (`handover/store.py`)", low=60, invalid="default"),
    S("HANDOVER_MAX_PER_MINUTE", "int", 10,
      "handovers to Chatwoot a server process opens per minute at most (at once as well); above it the "
      "user gets the apology and the official channels, so that nobody can flood the agents' inbox",
      "Rasa server (`channels/live_agent.py`)", low=1, invalid="error"),
    S("HANDOVER_HOURS_FILE", "str", None,
      "the office hours and holidays of the agents (YAML, Europe/Amsterdam)",
      "Rasa server (`handover/hours.py`)", default_text="`handover/hours.yml`"),
    S("REPORT_DB", "str", "sqlite:///conversations.db",
      "the SQL tracker store the report reads (`make report DB=...` sets it)",
      "`make report` (`report/`)"),
)
