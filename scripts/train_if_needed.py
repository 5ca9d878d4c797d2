"""Trains a model only when config, domain or data changed since the last one.

Prints what it decided, so a missing or stale model never goes unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from scripts.model_key import MODELS_DIR, ROOT, current_model_path

KEEP_MODELS = 3


def prune_old_models(keep: int = KEEP_MODELS) -> None:
    """Deletes all but the newest ``keep`` models of this project."""
    models = sorted(MODELS_DIR.glob("bvo-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)


def train_command(model: Path) -> List[str]:
    """Plain ``rasa train`` as a Rasa developer types it, with only the model's file name added.

    Rasa's defaults find everything: ``config.yml``, ``domain.yml`` (with the long
    answers in ``data/responses/``), ``data/`` and ``models/`` as the output folder.

    Args:
        model: The model file to write (``models/bvo-<key>.tar.gz``).

    Returns:
        The command line.
    """
    rasa = Path(sys.executable).parent / "rasa"
    return [str(rasa), "train", "--fixed-model-name", model.name.removesuffix(".tar.gz")]


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
    started = time.monotonic()
    result = subprocess.run(
        train_command(model),
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
