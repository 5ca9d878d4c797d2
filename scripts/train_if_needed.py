"""Trains a model only when config, domain or data changed since the last one.

Prints what it decided, so a missing or stale model never goes unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from scripts.model_key import MODELS_DIR, ROOT, current_model_path

KEEP_MODELS = 3


def prune_old_models(keep: int = KEEP_MODELS) -> None:
    """Deletes all but the newest ``keep`` models of this project."""
    models = sorted(MODELS_DIR.glob("bvo-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)


def main() -> int:
    """Trains if needed and prints the model path on the last line.

    Returns:
        The process exit code.
    """
    model = current_model_path()
    if model.exists():
        print(f"==> model is up to date: {model.relative_to(ROOT)}", file=sys.stderr)
        print(model)
        return 0
    others = sorted(MODELS_DIR.glob("bvo-*.tar.gz"))
    reason = "is stale (config, domain or data changed)" if others else "is missing"
    print(f"==> the model {reason}: training {model.relative_to(ROOT)} ...", file=sys.stderr)
    rasa = Path(sys.executable).parent / "rasa"
    started = time.monotonic()
    result = subprocess.run(
        [
            str(rasa), "train",
            "--config", "config.yml",
            "--domain", "domain",
            "--data", "data",
            "--out", str(MODELS_DIR),
            "--fixed-model-name", model.name.removesuffix(".tar.gz"),
        ],
        cwd=ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        check=False,
    )
    if result.returncode != 0 or not model.exists():
        print("==> training failed", file=sys.stderr)
        return 1
    print(f"==> trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    prune_old_models()
    print(model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
