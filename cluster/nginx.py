"""The nginx configuration in front of the Rasa instances (rendered from deploy/nginx.conf.template).

What nginx exposes, and nothing else (everything else is 404):

* ``/``, ``/privacy``, ``/privacy/en``, ``/toegankelijkheid``, ``/toegankelijkheid/en``, ``/static/``:
  the web page, served from webchat/static with its pages filled in (``webchat.pages``);
* ``/socket.io/``: the page's socket.io traffic, sticky per client address
  (``ip_hash``), websocket upgrade included;
* ``/webhooks/rest/webhook`` and the messaging channels' webhooks
  (``/webhooks/{twilio,telegram,facebook}/webhook``): round robin over the
  instances (``least_conn``);
* ``/health``: one instance's ``/webhooks/health/`` (model, tracker store and
  lock store), trying the next instance when one does not answer.

Every request counts against a rate limit per client address; bodies are
capped; security headers go on every answer (the same as the Python servers'
``channels.web_security.COMMON_HEADERS``, plus HSTS); no access log is written (it
would hold client addresses). Rasa's HTTP API and the action server are not
proxied at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Sequence

from channels.web_security import COMMON_HEADERS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
STATIC = ROOT / "webchat" / "static"


@dataclass(frozen=True)
class NginxSettings:
    """What the configuration depends on.

    Attributes:
        port: Port nginx listens on (127.0.0.1).
        rasa_ports: Ports of the Rasa instances (127.0.0.1).
        prefix: nginx's working folder (pid file, temporary files).
        log_dir: Folder of nginx's error log.
        rate_per_s: Requests per second per client address (page, socket.io, REST, health).
        burst: Requests above the rate that are still let through at once.
        webhook_rate_per_s: The same for the messaging platforms' webhooks (few sender addresses).
        max_body: Largest request body, in nginx units ("64k").
        fail_timeout_s: How long an instance that failed gets no new requests.
        static_dir: Folder of the web page.
    """

    port: int
    rasa_ports: Sequence[int]
    prefix: Path
    log_dir: Path
    rate_per_s: int = 10
    burst: int = 40
    webhook_rate_per_s: int = 50
    max_body: str = "64k"
    fail_timeout_s: int = 5
    static_dir: Path = STATIC


def render(settings: NginxSettings) -> str:
    """Fills in the template.

    Args:
        settings: Ports, folders and limits.

    Returns:
        The nginx.conf text.
    """
    if not settings.rasa_ports:
        raise ValueError("nginx needs at least one Rasa instance")
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout={settings.fail_timeout_s}s;"
        for port in settings.rasa_ports)
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        port=settings.port,
        servers=servers,
        prefix=settings.prefix,
        log_dir=settings.log_dir,
        rate=settings.rate_per_s,
        burst=settings.burst,
        webhook_rate=settings.webhook_rate_per_s,
        max_body=settings.max_body,
        static=str(settings.static_dir).rstrip("/") + "/",
        permissions_policy=COMMON_HEADERS["Permissions-Policy"],
    )


def write_config(settings: NginxSettings, path: Path) -> Path:
    """Renders the configuration into ``path``; returns it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(settings), encoding="utf-8")
    return path
