"""Content key of the training inputs, and the model file that belongs to it.

The key is a hash over config.yml, domain.yml, every YAML file under data/, the
Python source of the custom NLU components (nlu_components/), and the Rasa
version. A model is reused only when its key matches, so a changed answer
or training example always leads to a new model.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Iterable, List

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models"
INPUTS = ("config.yml", "domain.yml", "data", "nlu_components")


def training_inputs(root: Path = ROOT) -> List[Path]:
    """Lists the files that define a trained model, in a stable order.

    Args:
        root: Project root.

    Returns:
        Sorted paths of config.yml, domain.yml, every YAML file under data/ and
        every Python file under nlu_components/.
    """
    files: List[Path] = []
    for name in INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml", ".py"})
    return sorted(files)


def content_key(files: Iterable[Path], root: Path = ROOT, extra: str = "") -> str:
    """Hashes file names and contents into a short key.

    Args:
        files: Files to hash.
        root: Root that relative names are taken from.
        extra: Extra text mixed into the hash (for example the Rasa version).

    Returns:
        The first 16 hex digits of a SHA-256 over names and contents.
    """
    digest = hashlib.sha256(extra.encode("utf-8"))
    for path in files:
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def rasa_version() -> str:
    """Returns the installed Rasa version, or "unknown"."""
    try:
        from importlib.metadata import version

        return version("rasa")
    except Exception:  # noqa: BLE001 - metadata missing means "unknown"
        return "unknown"


def current_model_path(root: Path = ROOT) -> Path:
    """Returns the model file that matches the current training inputs."""
    key = content_key(training_inputs(root), root, extra=rasa_version())
    return root / "models" / f"bvo-{key}.tar.gz"


if __name__ == "__main__":
    sys.stdout.write(f"{current_model_path()}\n")
