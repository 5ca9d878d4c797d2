#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 refuses 3.11+).
# Order: $PYTHON310 if set, python3.10 on PATH, then pyenv's installed 3.10.x.
set -euo pipefail
if [[ -n "${PYTHON310:-}" ]]; then echo "$PYTHON310"; exit 0; fi
if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' >/dev/null 2>&1; then
  command -v python3.10; exit 0
fi
root="${PYENV_ROOT:-$HOME/.pyenv}"
for candidate in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
  if [[ -x "$candidate/bin/python3.10" ]]; then echo "$candidate/bin/python3.10"; exit 0; fi
done
echo "error: Python 3.10 not found. Install it (for example 'pyenv install 3.10') or set PYTHON310." >&2
exit 1
