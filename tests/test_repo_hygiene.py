"""Checks on the repository itself: no merge leftovers, no tracked virtualenv."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ("<<<<<<< ", ">>>>>>> ")


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / line for line in out.stdout.splitlines() if line]


def test_no_merge_conflict_markers():
    offenders = []
    for path in tracked_files():
        if not path.is_file() or path.is_symlink():
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(lines, 1) if line.startswith(MARKERS)]
    assert not offenders


def test_no_virtualenv_or_symlinks_tracked():
    tracked = tracked_files()
    assert not [p for p in tracked if p.relative_to(ROOT).parts[0] in {".venv", "models"}]
    assert not [p for p in tracked if p.is_symlink()]
