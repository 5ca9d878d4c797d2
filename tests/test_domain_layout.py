"""The domain where plain Rasa finds it: domain.yml and the long answers in data/responses/."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from scripts import move_domain
from scripts.domain_files import domain_files, load_domain

ROOT = Path(__file__).resolve().parent.parent


def test_rasas_defaults_build_the_domain_that_the_project_loads():
    # what `rasa train` and `rasa data validate` read without flags
    rasa = move_domain.summary(move_domain.rasa_domain(ROOT, "domain.yml", ["data"]))
    ours = move_domain.summary(load_domain(ROOT))
    # Rasa's importer adds only what it derives from the NLU data: faq is a retrieval intent
    assert rasa["intents"].pop("faq")["is_retrieval_intent"] is True
    ours["intents"].pop("faq")
    assert rasa["intents"] == ours["intents"]
    assert set(rasa["actions"]) - set(ours["actions"]) == {"utter_faq"}
    for key in ("responses", "slots", "forms", "entities", "session_config"):
        assert rasa[key] == ours[key], key
    assert sum(name.startswith("utter_faq/") for name in rasa["responses"]) >= 35
    assert not (ROOT / "domain").exists()


def test_response_files_hold_only_what_rasa_reads_in_training_data():
    files = domain_files(ROOT)
    assert files[0] == ROOT / "domain.yml" and len(files) >= 4
    for path in files[1:]:
        assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) == {"version", "responses"}, path.name


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_move_keeps_every_line_and_the_domain(tmp_path):
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    write(tmp_path / "data" / "nlu" / "a.yml", 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hoi\n')
    write(tmp_path / "domain" / "core.yml",
          '# core\nversion: "3.1"\n\nintents:\n  - greet\n  # a comment\n  - faq\n\nslots:\n  s:\n'
          '    type: text\n    mappings:\n      - type: custom\n\nsession_config:\n  session_expiration_time: 60\n')
    write(tmp_path / "domain" / "basics.yml",
          "# Basics.\nversion: '3.1'\nresponses:\n  utter_greet:\n  - text: |-\n      Hallo.\n\n      Nog iets.\n")
    faq = ("# FAQ answers.\nversion: '3.1'\nresponses:\n  utter_faq/a:\n  - text: |-\n      Antwoord: \"a\".\n"
           "      Bron: X, 1 augustus 2025.\n    buttons:\n    - title: B\n      payload: /choose{{\"flow\":\"x\"}}\n")
    write(tmp_path / "domain" / "faq.yml", faq)
    write(tmp_path / "domain" / "guidance.yml",
          '# Flows.\nversion: "3.1"\n\nintents:\n  - choose\n\nactions:\n  - action_x\n\nresponses:\n'
          "  utter_situation_a:\n  - text: Advies.\n")
    assert move_domain.main(["--root", str(tmp_path)]) == 0
    assert not (tmp_path / "domain").exists()
    assert (tmp_path / "data" / "responses" / "faq.yml").read_text(encoding="utf-8") == faq
    guidance = (tmp_path / "data" / "responses" / "guidance.yml").read_text(encoding="utf-8")
    assert guidance == '# Flows.\nversion: "3.1"\nresponses:\n  utter_situation_a:\n  - text: Advies.\n'
    domain = yaml.safe_load((tmp_path / "domain.yml").read_text(encoding="utf-8"))
    assert domain["intents"] == ["greet", "faq", "choose"]
    assert domain["actions"] == ["action_x"]
    assert domain["responses"] == {"utter_greet": [{"text": "Hallo.\n\nNog iets."}]}
    assert "  # a comment" in (tmp_path / "domain.yml").read_text(encoding="utf-8")


def test_the_move_refuses_when_the_domain_would_change(tmp_path, monkeypatch):
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    write(tmp_path / "data" / "nlu" / "a.yml", 'version: "3.1"\nnlu: []\n')
    write(tmp_path / "domain" / "basics.yml", "version: '3.1'\nresponses:\n  utter_greet:\n  - text: Hallo.\n")
    real_build = move_domain.build_domain
    monkeypatch.setattr(move_domain, "build_domain", lambda files: real_build(files).replace("Hallo.", "Hoi."))
    assert move_domain.main(["--root", str(tmp_path)]) == 1
    assert (tmp_path / "domain" / "basics.yml").exists()  # kept: nothing is lost
