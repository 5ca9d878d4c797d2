"""Environment defaults of the Rasa server processes (runtime/server_env.py)."""

from __future__ import annotations

from runtime.server_env import SERVER_ENV_DEFAULTS, server_env


def test_defaults_are_added_to_the_environment():
    env = server_env({"PATH": "/bin"})
    assert env["PATH"] == "/bin"
    assert env["TF_INTER_OP_PARALLELISM_THREADS"] == "1"
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "1"


def test_an_operators_value_wins_and_the_input_is_not_changed():
    base = {"TF_INTRA_OP_PARALLELISM_THREADS": "4"}
    env = server_env(base)
    assert env["TF_INTRA_OP_PARALLELISM_THREADS"] == "4"
    assert base == {"TF_INTRA_OP_PARALLELISM_THREADS": "4"}
    assert set(SERVER_ENV_DEFAULTS) <= set(env)


def test_the_server_image_sets_the_same_defaults():
    from pathlib import Path

    dockerfile = (Path(__file__).resolve().parent.parent / "deploy/docker/rasa.Dockerfile").read_text()
    for key, value in SERVER_ENV_DEFAULTS.items():
        assert f"{key}={value}" in dockerfile
