"""nginx serves the web page even when the clone lies in a folder its workers cannot enter.

Run as root, nginx's workers run as an unprivileged user. A clone inside a
private folder (mode 0700, as ``mktemp -d`` makes it) is closed to them, so
the cluster serves a copy of the page from its state folder instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from cluster.nginx import STATIC, NginxSettings, write_config
from cluster.runner import PAGE_DIR, http_status, prepare_state_dir, publish_page
from cluster.services import Nginx, free_port
from webchat.pages import render_pages

pytestmark = pytest.mark.cluster


@pytest.fixture
def private_clone():
    """A copy of the page inside a folder only its owner may enter."""
    folder = Path(tempfile.mkdtemp(prefix="bvo-private-"))
    os.chmod(folder, 0o700)
    shutil.copytree(STATIC, folder / "clone" / "webchat" / "static")
    yield folder / "clone" / "webchat" / "static"
    shutil.rmtree(folder, ignore_errors=True)


PATHS = ("/", "/static/chat.css", "/privacy", "/privacy/en", "/toegankelijkheid", "/toegankelijkheid/en")


def serve(static_dir: Path, work: Path) -> dict:
    """Starts nginx serving ``static_dir`` (no Rasa behind it); returns the status of / and the page text."""
    port = free_port()
    settings = NginxSettings(port=port, rasa_ports=[free_port()], prefix=work / "nginx", log_dir=work,
                             static_dir=static_dir)
    nginx = Nginx(write_config(settings, work / "nginx.conf"), settings.prefix, port, work).start()
    try:
        return {path: http_status(f"http://127.0.0.1:{port}{path}") for path in PATHS}
    finally:
        nginx.stop()


def test_the_published_page_is_served_from_a_private_clone(private_clone):
    state = Path(tempfile.mkdtemp(prefix="bvo-cluster-"))
    try:
        prepare_state_dir(state)
        page = publish_page(private_clone, state / PAGE_DIR)
        assert (page / "chat.css").read_bytes() == (private_clone / "chat.css").read_bytes()
        assert serve(page, state) == dict.fromkeys(PATHS, 200)
        if os.geteuid() == 0:
            # the situation the copy is for: straight from the private clone the workers get 403
            assert serve(private_clone, state) == dict.fromkeys(PATHS, 403)
    finally:
        shutil.rmtree(state, ignore_errors=True)


def test_the_cluster_serves_its_published_copy(cluster):
    config = cluster.nginx_config.read_text(encoding="utf-8")
    page = cluster.settings.state_dir / PAGE_DIR
    assert f"root {page}/;" in config and str(STATIC) not in config
    assert (page / "index.html").read_text(encoding="utf-8") == render_pages()["index.html"]
