"""Where the domain lives, as Rasa's own commands read it without flags.

``domain.yml`` holds intents, entities, slots, forms, actions, session settings
and the basic responses; the long answers are ``responses:`` in the training data
files of ``data/responses/``, which Rasa merges into the domain by itself
(``rasa train``, ``rasa data validate``, ``rasa test``, ``rasa interactive``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_FILE = "domain.yml"
RESPONSES_DIR = Path("data") / "responses"


def domain_files(root: Path = ROOT) -> List[Path]:
    """The files that make up the domain: ``domain.yml``, then ``data/responses/*.yml`` by name.

    Args:
        root: Project root.

    Returns:
        The paths.
    """
    return [root / DOMAIN_FILE, *sorted((root / RESPONSES_DIR).glob("*.yml"))]


def load_domain(root: Path = ROOT) -> Any:
    """The domain of the files above, without the training data (fast; as ``Domain.load``).

    The domain Rasa trains on adds to it only what its importer derives from the
    NLU data: the retrieval intent property of ``faq`` and the action ``utter_faq``
    (``tests/test_domain_layout.py`` compares both).

    Args:
        root: Project root.

    Returns:
        A ``rasa.shared.core.domain.Domain``.
    """
    from rasa.shared.core.domain import Domain

    return Domain.load([str(path) for path in domain_files(root)])


def raw_responses(root: Path = ROOT) -> Dict[str, List[Dict[str, Any]]]:
    """Every response as written in the files (name -> variations), without Rasa.

    Args:
        root: Project root.

    Returns:
        The responses of all domain files.
    """
    found: Dict[str, List[Dict[str, Any]]] = {}
    for path in domain_files(root):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found
