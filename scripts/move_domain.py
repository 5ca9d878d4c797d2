"""Moves the domain from ``domain/*.yml`` to where Rasa's own commands find it without flags.

Run from the project root: ``python -m scripts.move_domain``. It

* writes ``domain.yml``: intents, entities, slots, forms, actions and session
  settings of every file in ``domain/``, and the responses of the files that are
  not in ``LONG_FILES`` (greeting, language, feedback, faults ...);
* writes ``data/responses/<file>.yml`` for each file in ``LONG_FILES`` (the FAQ
  answers, the next-steps advice, the answer action's texts): its comment header,
  ``version`` and ``responses`` only. Rasa reads ``responses:`` in training data
  files and merges them into the domain by itself (``ResponsesSyncImporter``);
* checks that the domain Rasa builds from the new layout with its defaults
  (``domain.yml`` and ``data``) equals the one it built from ``domain/``:
  responses (every text byte for byte), intents, entities, slots, forms, actions
  and session settings. Only then is ``domain/`` removed.

The move is text based: every line (comments too) is copied as it is, so the
texts stay byte for byte the same. It can be run again after a merge that brings
``domain/`` back (restore the whole folder, then run it): the outputs are rebuilt
from ``domain/`` alone.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "domain"
TARGET = "domain.yml"
RESPONSES_DIR = Path("data") / "responses"
# Files whose responses are long answer texts: to data/responses/, not domain.yml.
LONG_FILES = ("faq", "guidance", "answer")
# The sections of domain.yml, in this order (responses last).
SECTIONS = ("intents", "entities", "slots", "forms", "actions", "session_config", "responses")
# Order of the files in each section of domain.yml; files not listed follow by name.
FILE_ORDER = ("core", "guidance", "basics", "language", "feedback", "cluster", "faults")
# A comment line that starts the part of a file in the other sections of domain.yml.
PART_LABELS = {
    "guidance": "# Next steps (issue 3): the situation menu, the \"zit ik erbij?\" check, the checklist.",
    "feedback": "# Feedback after a factual answer (issue 9).",
}
HEADER = """\
# The assistant's domain, as Rasa's own commands read it without flags (rasa train,
# rasa data validate, rasa test, rasa interactive): intents, entities, slots, forms,
# actions, session settings and the basic responses. The long answers are responses
# in training data files that Rasa merges into the domain by itself:
# data/responses/faq.yml (one answer per FAQ topic), guidance.yml (the next-steps
# advice) and answer.yml (the answer action's texts). See docs/content-updates.md.
version: "3.1"
"""


@dataclass
class DomainFile:
    """One domain file split into its comment header and its top-level sections.

    Attributes:
        name: File name without ``.yml``.
        header: Comment lines before the first key.
        sections: Per top-level key, its comment lines above the key and its body lines.
    """

    name: str
    header: List[str] = field(default_factory=list)
    sections: Dict[str, Tuple[List[str], List[str]]] = field(default_factory=dict)


def _strip_blank(lines: List[str]) -> List[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def split_file(name: str, text: str) -> DomainFile:
    """Splits the text of a domain file at its top-level keys, keeping every line.

    Args:
        name: File name without ``.yml``.
        text: The file's text.

    Returns:
        The header comments and, per key, the comments right above it and its body.

    Raises:
        ValueError: A top-level line that is neither a key, a comment nor blank, or a
            key given twice.
    """
    result = DomainFile(name)
    pending: List[str] = []
    current = None
    for line in text.splitlines():
        if not line.strip():
            pending.append(line)
            continue
        if line[0] in " \t":
            if current is None:
                raise ValueError(f"{name}.yml: indented line before any key: {line!r}")
            result.sections[current][1].extend(pending)
            pending = []
            result.sections[current][1].append(line)
            continue
        if line.startswith("#"):
            pending.append(line)
            continue
        key, _, rest = line.partition(":")
        if key in result.sections or key == "version" and current is not None:
            raise ValueError(f"{name}.yml: key {key!r} twice or out of place")
        if key == "version":
            result.header = _strip_blank(pending)
            pending = []
            continue
        if rest.strip():
            raise ValueError(f"{name}.yml: a top-level key with an inline value is not supported: {line!r}")
        if current is not None:
            comments, body = result.sections[current]
            result.sections[current] = (comments, _strip_blank(body))
        result.sections[key] = (_strip_blank(pending), [])
        pending = []
        current = key
    if current is not None:
        result.sections[current] = (result.sections[current][0],
                                    _strip_blank(result.sections[current][1] + pending))
    return result


def _ordered(files: Sequence[DomainFile]) -> List[DomainFile]:
    rank = {name: index for index, name in enumerate(FILE_ORDER)}
    return sorted(files, key=lambda f: (rank.get(f.name, len(FILE_ORDER)), f.name))


def _indented(comments: List[str]) -> List[str]:
    return [f"  {line}" for line in comments]


def build_domain(files: Sequence[DomainFile]) -> str:
    """Builds the text of ``domain.yml`` from the split domain files.

    Args:
        files: Every file of ``domain/``.

    Returns:
        The text: ``HEADER``, then each section with the parts of every file in
        ``FILE_ORDER``; a file's own header comment introduces its responses.

    Raises:
        ValueError: A file has a section that domain.yml does not know.
    """
    out = HEADER.splitlines()
    for section in SECTIONS:
        parts: List[List[str]] = []
        for domain_file in _ordered(files):
            if section not in domain_file.sections:
                continue
            if section == "responses" and domain_file.name in LONG_FILES:
                continue
            comments, body = domain_file.sections[section]
            intro = _indented(comments)
            if section == "responses" and domain_file.header:
                intro = _indented(domain_file.header) + intro
            elif section != "responses" and domain_file.name in PART_LABELS:
                intro = _indented([PART_LABELS[domain_file.name]]) + intro
            parts.append(intro + body)
        if parts:
            out += ["", f"{section}:"]
            for index, part in enumerate(parts):
                out += ([""] if index else []) + part
    unknown = {key for f in files for key in f.sections} - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown top-level keys: {sorted(unknown)}")
    return "\n".join(out) + "\n"


def build_responses(domain_file: DomainFile, version_line: str) -> str:
    """Builds the text of ``data/responses/<file>.yml``: header, version and responses only.

    Args:
        domain_file: One of the ``LONG_FILES``.
        version_line: The file's own ``version:`` line.

    Returns:
        The text.
    """
    comments, body = domain_file.sections["responses"]
    lines = domain_file.header + [version_line] + comments + ["responses:"] + body
    return "\n".join(lines) + "\n"


def _version_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.startswith("version:")), 'version: "3.1"')


def layout(root: Path) -> Dict[Path, str]:
    """The files of the new layout, built from ``root/domain``.

    Args:
        root: Project root.

    Returns:
        Path relative to ``root`` -> text.
    """
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted((root / SOURCE).glob("*.yml"))}
    files = [split_file(name, text) for name, text in texts.items()]
    result = {Path(TARGET): build_domain(files)}
    for domain_file in files:
        if domain_file.name in LONG_FILES and "responses" in domain_file.sections:
            result[RESPONSES_DIR / f"{domain_file.name}.yml"] = build_responses(
                domain_file, _version_line(texts[domain_file.name]))
    return result


def summary(domain: object) -> Dict[str, object]:
    """What must stay the same across the move, in a form that compares with ``==``.

    Args:
        domain: A ``rasa.shared.core.domain.Domain``.

    Returns:
        Responses (as written), intents with their properties, entities, slots, forms,
        the custom actions and the session settings.
    """
    data = domain.as_dict()  # type: ignore[attr-defined]
    intents = {}
    for intent in data.get("intents", []):
        name, properties = (intent, {}) if isinstance(intent, str) else next(iter(intent.items()))
        intents[name] = properties
    return {
        "responses": data.get("responses", {}),
        "intents": intents,
        "entities": sorted(map(str, data.get("entities", []))),
        "slots": data.get("slots", {}),
        "forms": data.get("forms", {}),
        "actions": sorted(map(str, data.get("actions", []))),
        "session_config": data.get("session_config", {}),
    }


def rasa_domain(root: Path, domain_path: str, data_paths: Sequence[str]) -> object:
    """The domain Rasa trains on: its importer over config, domain and training data.

    Args:
        root: Project root.
        domain_path: Domain file or folder, relative to ``root``.
        data_paths: Training data files or folders, relative to ``root``.

    Returns:
        The merged ``Domain`` (with the responses of training data files).
    """
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(root / "config.yml"), str(root / domain_path), [str(root / p) for p in data_paths])
    return importer.get_domain()


def differences(before: Dict[str, object], after: Dict[str, object]) -> List[str]:
    """Names what differs between two summaries.

    Args:
        before: ``summary`` of the old domain.
        after: ``summary`` of the new one.

    Returns:
        One line per differing part (empty when equal).
    """
    lines = []
    for key in before:
        if before[key] != after.get(key):
            old, new = before[key], after.get(key)
            if isinstance(old, dict) and isinstance(new, dict):
                changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                lines.append(f"{key}: {', '.join(map(str, changed[:10]))}")
            else:
                lines.append(f"{key} differ")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Writes the new layout, checks it against the old one and removes ``domain/``.

    Args:
        argv: Command-line arguments (``--root``, ``--keep``).

    Returns:
        The exit code: 0 when the domains are equal, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--keep", action="store_true", help="keep domain/ after the check")
    args = parser.parse_args(argv)
    root: Path = args.root
    if not (root / SOURCE).is_dir():
        print(f"no {SOURCE}/ folder in {root}: nothing to move", file=sys.stderr)
        return 1
    data_dirs = [str(p.relative_to(root)) for p in sorted((root / "data").iterdir())
                 if p.is_dir() and p.name != RESPONSES_DIR.name]
    before = summary(rasa_domain(root, SOURCE, data_dirs))
    new_files = layout(root)
    if (root / RESPONSES_DIR).is_dir():
        shutil.rmtree(root / RESPONSES_DIR)
    for path, text in new_files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    after = summary(rasa_domain(root, TARGET, ["data"]))
    diff = differences(before, after)
    if diff:
        print("the new layout differs from domain/:\n  " + "\n  ".join(diff), file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(before[k])} {k}" for k in ("responses", "intents", "entities", "slots",  # type: ignore[arg-type]
                                                           "forms", "actions"))
    print(f"same domain before and after: {counts}; session settings equal")
    for path in new_files:
        print(f"wrote {path}")
    if not args.keep:
        shutil.rmtree(root / SOURCE)
        print(f"removed {SOURCE}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
