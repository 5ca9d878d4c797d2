#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs every pinned dependency in ONE
# pip resolve: runtime + dev requirements + the Dutch spaCy pipeline.
# Re-runs the install only when a requirements or constraints file changed.
#
# The Dutch pipeline nl_core_news_sm 3.4.0 comes from, in this order:
#   1. the folder named by SPACY_MODEL_DIR, if set;
#   2. $SHARED_DIR/models (default ../shared/models), if it exists (offline machines: a stand-in wheel);
#   3. Explosion's official release address.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
model_url="https://github.com/explosion/spacy-models/releases/download/nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl"
model_dir="${SPACY_MODEL_DIR:-}"
shared_dir="${SHARED_DIR:-../shared}"
if [[ -z "$model_dir" && -d "$shared_dir/models" ]]; then model_dir="$shared_dir/models"; fi

stamp_key=$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -c1-16)
stamp="$venv/.installed-$stamp_key-${model_dir:+local}"

if [[ -f "$stamp" ]]; then
  exit 0
fi

python=$(scripts/find_python.sh)
if [[ ! -x "$venv/bin/python" ]]; then
  echo "==> creating $venv with $python"
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip==24.2"

if [[ -n "$model_dir" ]]; then
  echo "==> installing dependencies (Dutch spaCy pipeline from $model_dir)"
  model_args=(--find-links "$model_dir" "nl_core_news_sm==3.4.0")
else
  echo "==> installing dependencies (Dutch spaCy pipeline from $model_url)"
  model_args=("nl_core_news_sm @ $model_url")
fi
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
  -r requirements-dev.txt -c constraints.txt "${model_args[@]}"
rm -f "$venv"/.installed-*
touch "$stamp"
echo "==> dependencies installed"
