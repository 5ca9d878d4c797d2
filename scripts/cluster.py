"""`make cluster` and `make cluster-stop`: the assistant as a cluster on this machine.

``start`` launches PostgreSQL, Redis, the action server, ``CLUSTER_INSTANCES``
(2) Rasa server instances and nginx on ``CLUSTER_PORT`` (8090), all on
127.0.0.1, and returns once the cluster answers healthy; the processes keep
running. ``stop`` stops what ``start`` started. Data and secrets stay in
.cluster/ (or, as root in a clone other users cannot enter, in a folder under
/tmp named after the clone), logs go to reports/cluster/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import settings
from cluster.runner import Cluster, ClusterSettings, default_state_dir, recorded_running, stop_recorded

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = default_state_dir(ROOT)
LOG_DIR = ROOT / "reports" / "cluster"


def start(model: Path, instances: int, port: int) -> int:
    """Starts the cluster in the background; returns the exit code."""
    if recorded_running(STATE_DIR):
        print("error: the cluster is already running; `make cluster-stop` stops it", file=sys.stderr)
        return 1
    stop_recorded(STATE_DIR)  # leftovers of a crashed start
    cluster_settings = ClusterSettings(state_dir=STATE_DIR, log_dir=LOG_DIR, model=model.resolve(),
                                       instances=instances, port=port)
    print(f"==> starting PostgreSQL, Redis, the action server, {instances} Rasa instances and nginx "
          f"(logs in {LOG_DIR.relative_to(ROOT)}/)", flush=True)
    try:
        cluster = Cluster(cluster_settings).start()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"\n==> the cluster is ready: open {cluster.url}  (health: {cluster.url}/health; "
          f"`make cluster-stop` stops it)\n", flush=True)
    return 0


def main() -> int:
    """Parses the command line and starts or stops the cluster."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--model", type=Path, help="trained model (start)")
    parser.add_argument("--instances", type=int, default=settings.get("CLUSTER_INSTANCES"))
    parser.add_argument("--port", type=int, default=settings.get("CLUSTER_PORT"))
    args = parser.parse_args()
    if args.command == "stop":
        stopped = stop_recorded(STATE_DIR)
        print(f"==> stopped: {', '.join(stopped)}" if stopped else "==> no cluster was running")
        return 0
    if args.model is None or not args.model.is_file():
        parser.error("--model must name a trained model file")
    return start(args.model, args.instances, args.port)


if __name__ == "__main__":
    sys.exit(main())
