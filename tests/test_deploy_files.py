"""Lint of the deployment files (not built or run here: no Docker, no helm on these machines).

Dockerfiles: official base images at the versions pinned in requirements.txt,
model trained into the Rasa image, unprivileged user, no HTTP API, health
checks, every copied path exists. Helm values: at least 3 replicas, requests
and limits, Redis lock store, PostgreSQL tracker store, API off (or
authenticated in a header), CORS limited to one https origin, readiness that
needs a loaded model. The sizing page uses the benchmark's numbers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "deploy" / "docker"
HELM = ROOT / "deploy" / "helm"


def pinned(package: str) -> str:
    """The version of a package pinned in requirements.txt."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(package)}(\[[^\]]*\])?==([\w.]+)$", text, re.MULTILINE)
    assert match, package
    return match.group(2)


def instructions(path: Path) -> List[Tuple[str, str]]:
    """A Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        current += raw.rstrip("\\").strip() + " " if raw.rstrip().endswith("\\") else raw.strip()
        if not raw.rstrip().endswith("\\"):
            lines.append(current)
            current = ""
    result = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def args_of(parsed: List[Tuple[str, str]]) -> Dict[str, str]:
    return dict(arg.split("=", 1) for keyword, arg in parsed if keyword == "ARG" and "=" in arg)


def final_stage(parsed: List[Tuple[str, str]]) -> List[Tuple[str, str]]:
    last_from = max(index for index, (keyword, _) in enumerate(parsed) if keyword == "FROM")
    return parsed[last_from:]


@pytest.mark.parametrize("name, image, package", [
    ("rasa.Dockerfile", "rasa/rasa", "rasa"),
    ("actions.Dockerfile", "rasa/rasa-sdk", "rasa-sdk"),
])
def test_dockerfiles_use_the_official_images_at_the_pinned_versions(name, image, package):
    parsed = instructions(DOCKER / name)
    args = args_of(parsed)
    images = [arg.split()[0] for keyword, arg in parsed if keyword == "FROM"]
    official = [ref for ref in images if ref.startswith(f"{image}:")]
    assert official, images
    for ref in official:
        tag = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], ref.split(":", 1)[1])
        assert tag.split("-")[0] == pinned(package), ref
    assert all(ref.startswith(f"{image}:") or ref in {"base", "train"} for ref in images)
    assert "latest" not in " ".join(images)


@pytest.mark.parametrize("name", ["rasa.Dockerfile", "actions.Dockerfile"])
def test_dockerfiles_run_unprivileged_with_a_health_check(name):
    parsed = instructions(DOCKER / name)
    final = final_stage(parsed)
    users = [arg for keyword, arg in final if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any(keyword == "HEALTHCHECK" for keyword, _ in final)
    assert not any(keyword == "ADD" for keyword, _ in parsed)  # COPY only, no downloads by ADD


@pytest.mark.parametrize("name", ["rasa.Dockerfile", "actions.Dockerfile"])
def test_every_copied_path_exists(name):
    for keyword, arg in instructions(DOCKER / name):
        if keyword != "COPY" or "--from=" in arg:
            continue
        sources = [part for part in arg.split() if not part.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), source
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "models", "reports"} <= set(ignored)


def test_the_rasa_image_trains_its_model_and_keeps_the_api_off():
    parsed = instructions(DOCKER / "rasa.Dockerfile")
    assert any(keyword == "RUN" and "rasa train" in arg for keyword, arg in parsed)
    final = final_stage(parsed)
    copies = [arg for keyword, arg in final if keyword == "COPY" and "--from=train" in arg]
    assert copies and "models/" in copies[0]
    command = next(arg for keyword, arg in reversed(final) if keyword == "CMD")
    assert "--model" in command and "assistant.tar.gz" in command
    assert "--enable-api" not in command
    assert "webhooks/health/ready" in next(arg for keyword, arg in final if keyword == "HEALTHCHECK")


@pytest.fixture(scope="module")
def rasa_values():
    return yaml.safe_load((HELM / "rasa-values.yaml").read_text(encoding="utf-8"))


def test_helm_values_replicas_and_resources(rasa_values):
    assert rasa_values["replicaCount"] >= 3
    assert not rasa_values.get("autoscaling", {}).get("enabled") or rasa_values["autoscaling"]["minReplicas"] >= 3
    for values in (rasa_values, yaml.safe_load((HELM / "action-server-values.yaml").read_text(encoding="utf-8"))):
        resources = values["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[kind]), (kind, resources)
    assert rasa_values["image"]["tag"] == pinned("rasa")


def test_helm_values_shared_stores(rasa_values):
    endpoints = rasa_values["applicationSettings"]["endpoints"]
    lock, tracker = endpoints["lockStore"], endpoints["trackerStore"]
    assert lock["enabled"] and lock["type"] in {"redis", "cluster.locks.SafeRedisLockStore"}
    assert tracker["enabled"] and tracker["dialect"] == "postgresql"
    assert tracker["type"] in {"sql", "cluster.stores.ClusterSQLTrackerStore"}
    assert str(tracker["password"]).startswith("${")  # from a secret, not in the file
    env = {item["name"]: item["value"] for item in rasa_values["extraEnv"] if "value" in item}
    assert float(env["TURN_TIMEOUT_S"]) * 3 <= float(env["TICKET_LOCK_LIFETIME"])


def test_the_action_server_token_comes_from_one_secret_in_both_releases(rasa_values):
    actions_values = yaml.safe_load((HELM / "action-server-values.yaml").read_text(encoding="utf-8"))
    refs = []
    for values in (rasa_values, actions_values):
        entry = next(item for item in values["extraEnv"] if item["name"] == "ACTION_SERVER_TOKEN")
        assert "value" not in entry  # never in the file
        refs.append(entry["valueFrom"]["secretKeyRef"])
    assert refs[0] == refs[1]
    final = final_stage(instructions(DOCKER / "actions.Dockerfile"))
    assert "runtime.action_server" in next(arg for keyword, arg in final if keyword == "ENTRYPOINT")


def test_every_replica_signs_conversation_tokens_with_the_secret_from_a_secret(rasa_values):
    entry = next(item for item in rasa_values["extraEnv"] if item["name"] == "SESSION_SECRET")
    assert "value" not in entry and entry["valueFrom"]["secretKeyRef"]["name"]
    assert rasa_values["replicaCount"] > 1  # why it must be shared


def test_helm_values_api_off_or_authenticated_and_cors_limited(rasa_values):
    settings = rasa_values["applicationSettings"]
    arguments = [str(arg) for arg in rasa_values.get("args", []) + rasa_values.get("extraArgs", [])]
    api_on = settings["enableAPI"] or "--enable-api" in arguments
    if api_on:  # a JWT (Authorization header); --auth-token would travel in the URL
        assert "--jwt-secret" in arguments
    assert "--auth-token" not in arguments
    cors = settings["cors"]
    assert cors != "*" and re.fullmatch(r"https://[a-z0-9.-]+", cors), cors
    # the socket.io channel's own origin check (channels/config.py) lets the same site in, and only it
    env = {item["name"]: item.get("value") for item in rasa_values["extraEnv"]}
    assert env["ALLOWED_ORIGINS"] == cors
    if "--cors" in arguments:
        assert arguments[arguments.index("--cors") + 1] == cors
    assert settings["telemetry"]["enabled"] is False


def test_helm_values_readiness_needs_a_loaded_model(rasa_values):
    assert rasa_values["readinessProbe"]["httpGet"]["path"] == "/webhooks/health/ready"
    channels = rasa_values["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert "cluster.health.HealthInput" in channels
    # liveness must not depend on the stores (an outage must not restart every pod)
    assert rasa_values["livenessProbe"]["httpGet"]["path"] == "/"


def test_sizing_page_uses_the_benchmark_numbers():
    bench = (ROOT / "bench" / "results" / "2026-12-04-5cde33c.md").read_text(encoding="utf-8")
    sizing = (ROOT / "docs" / "sizing.md").read_text(encoding="utf-8")
    # Columns of that summary: stock, one process, its ratio, cluster, its ratio.
    numbers = r"\| [\d.]+ \| ([\d.]+) \| [\d.]+ \| ([\d.]+) \|"
    for label in (r"CPU ms/message \(all runs\)", "saturation throughput msg/s",
                  r"peak RSS Rasa server MiB \(largest process\)"):
        found = re.search(rf"\| {label} {numbers}", bench)
        assert found, label
        for number in found.groups():  # one process and cluster
            assert number in sizing, (label, number)
    assert "bench/results/2026-12-04-5cde33c.md" in sizing
