"""One cluster for all cluster tests: PostgreSQL, Redis, action server (behind a delay proxy), 2 Rasa instances, nginx.

Ports are free ones; the data lives in a temporary folder; logs go to
reports/cluster-test/. The turn and lock limits are shorter than in
production so that the slow-turn and kill tests finish quickly (the ratio
stays: the turn timeout is a third of the lock lifetime).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from cluster.runner import Cluster, ClusterSettings
from cluster.services import free_port
from tests.cluster.delay_proxy import DelayProxy
from tests.server.harness import model_path

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "reports" / "cluster-test"
LOCK_LIFETIME_S = 18.0
TURN_TIMEOUT_S = 6.0
QUEUE_TIMEOUT_S = 10.0
# Operator control (operations/): the endpoints on every instance, the state in the lock store's Redis.
OPERATOR_TOKEN = "cluster-operator-token-0123456789"


@pytest.fixture(scope="session")
def delay_proxy():
    proxy = DelayProxy(free_port(), free_port()).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def cluster(delay_proxy):
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    state = Path(tempfile.mkdtemp(prefix="bvo-cluster-"))
    settings = ClusterSettings(
        state_dir=state, log_dir=LOG_DIR, model=model_path(), instances=2, port=free_port(),
        action_port=int(delay_proxy.target.rsplit(":", 1)[1]), action_url_port=delay_proxy.port,
        lock_lifetime_s=LOCK_LIFETIME_S, turn_timeout_s=TURN_TIMEOUT_S, queue_timeout_s=QUEUE_TIMEOUT_S,
        rate_per_s=1000, burst=1000,
        # the longest action call runtime/ allows, so that the turn timeout (6 s) cuts the slow turn;
        # the actions go to the action server (behind the delay proxy), not run in the instances
        # a load test, not an abuse test: like nginx's rate above, the per-sender limit of the
        # channels (RATE_LIMIT_PER_MINUTE, 30 by default) is lifted; tests/security tests it
        extra_env={"ACTION_TIMEOUT_S": "15", "ACTIONS_IN_PROCESS": "0",
                   "RATE_LIMIT_PER_MINUTE": "1000000", "RATE_LIMIT_BURST": "1000000",
                   "OPERATOR_TOKEN": OPERATOR_TOKEN})
    running = Cluster(settings)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(state, ignore_errors=True)
