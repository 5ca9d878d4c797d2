"""The model is retrained exactly when config, domain or data change."""

from __future__ import annotations

from scripts.model_key import content_key, training_inputs


def make_project(tmp_path):
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "responses").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("pipeline: []\n")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    (tmp_path / "data" / "responses" / "faq.yml").write_text("responses: {}\n")
    (tmp_path / "data" / "nlu" / "a.yml").write_text("nlu: []\n")
    (tmp_path / "data" / "notes.txt").write_text("ignored\n")
    return tmp_path


def key(root):
    return content_key(training_inputs(root), root, extra="3.6.21")


def test_key_is_stable_and_ignores_non_yaml_files(tmp_path):
    root = make_project(tmp_path)
    first = key(root)
    (root / "data" / "notes.txt").write_text("changed\n")
    assert key(root) == first
    assert [p.name for p in training_inputs(root)] == ["config.yml", "a.yml", "faq.yml", "domain.yml"]


def test_key_changes_with_domain_data_config_or_rasa_version(tmp_path):
    root = make_project(tmp_path)
    seen = {key(root)}
    (root / "domain.yml").write_text("intents: [greet, goodbye]\n")
    seen.add(key(root))
    (root / "data" / "responses" / "faq.yml").write_text("responses: {utter_x: [{text: x}]}\n")
    seen.add(key(root))
    (root / "data" / "nlu" / "b.yml").write_text("nlu: []\n")
    seen.add(key(root))
    (root / "config.yml").write_text("pipeline: [x]\n")
    seen.add(key(root))
    seen.add(content_key(training_inputs(root), root, extra="3.6.20"))
    assert len(seen) == 6
