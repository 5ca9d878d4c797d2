"""The endpoints file for a Rasa server whose action server listens on ``ACTION_PORT``.

``endpoints.yml`` names the action server at ``http://localhost:5055/webhook`` as a
plain value, so plain ``rasa run`` and ``rasa shell`` work without make (Rasa cannot
expand ``${ACTION_PORT}`` when the variable is unset). ``make run``, the benchmark
and the tests that choose another port use a copy with that port, written to the
temporary folder, never into the project.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = ROOT / "endpoints.yml"
DEFAULT_ACTION_PORT = "5055"
DEFAULT_URL = f"http://localhost:{DEFAULT_ACTION_PORT}/webhook"


def endpoints_for(env: Mapping[str, str], source: Path = ENDPOINTS, folder: Optional[Path] = None) -> Path:
    """``source`` itself for the default port, else a copy with the action server on ``ACTION_PORT``.

    Args:
        env: The environment (``ACTION_PORT``).
        source: The endpoints file.
        folder: Where the copy goes; the system's temporary folder when None.

    Returns:
        The endpoints file to pass to ``rasa run --endpoints``.

    Raises:
        ValueError: ``ACTION_PORT`` is not a port number, or ``source`` does not name
            the default action server URL.
    """
    port = env.get("ACTION_PORT") or DEFAULT_ACTION_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"ACTION_PORT is not a port number: {port!r}")
    if port == DEFAULT_ACTION_PORT:
        return source
    text = source.read_text(encoding="utf-8")
    if DEFAULT_URL not in text:
        raise ValueError(f"{source} does not name {DEFAULT_URL}")
    target = (folder or Path(tempfile.gettempdir())) / f"bvo-endpoints-{port}.yml"
    target.write_text(text.replace(DEFAULT_URL, f"http://localhost:{port}/webhook"), encoding="utf-8")
    return target


def main(argv: Optional[List[str]] = None) -> int:
    """Prints the endpoints file for this environment's ``ACTION_PORT`` (``python -m scripts.endpoints``).

    For starters of a Rasa server that are not Python (the browser tests' ``stack.mjs``).

    Args:
        argv: The command-line arguments; ``sys.argv[1:]`` when None.

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--folder", type=Path, help="where a copy goes (default: the temporary folder)")
    args = parser.parse_args(argv)
    print(endpoints_for(os.environ, folder=args.folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
