"""Every way of running Jobtrail in production restarts a dead process and probes the right
endpoints: compose restart policies, the systemd units, the Kubernetes manifests.

Nothing is started: the files are read and compared with the services' own settings.
"""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobtrail.cli.dev import SERVICES, Service

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
KUBERNETES = ROOT / "deploy" / "kubernetes"
RESTARTING = {"always", "unless-stopped", "on-failure"}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def manifests(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_every_compose_service_and_server_is_restarted_when_it_exits() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {
        name: s.get("restart") for name, s in services.items() if s.get("restart") not in RESTARTING
    } == {}


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_each_service_has_a_systemd_unit_that_restarts_it(service: Service) -> None:
    parsed = unit(SYSTEMD / f"jobtrail-{service.name}.service")
    run = parsed["Service"]
    assert run["ExecStart"].endswith(f"python -m {service.module}")
    assert run["Restart"] == "on-failure"
    assert parsed["Unit"]["StartLimitIntervalSec"] == "0"  # never gives up during an outage
    assert parsed["Unit"]["PartOf"] == "jobtrail.target"
    assert parsed["Install"]["WantedBy"] == "jobtrail.target"
    port = service.settings.model_fields["http_port"].default
    text = (SYSTEMD / f"jobtrail-{service.name}.service").read_text()
    assert f"\nEnvironment={service.prefix}HTTP_PORT={port}\n" in text


def test_the_target_starts_every_unit_and_nothing_else() -> None:
    wants = unit(SYSTEMD / "jobtrail.target")["Unit"]["Wants"].split()
    assert sorted(wants) == sorted(f"jobtrail-{s.name}.service" for s in SERVICES)
    assert sorted(p.name for p in SYSTEMD.glob("*.service")) == sorted(wants)


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_each_deployment_probes_liveness_on_healthz_and_readiness_on_readyz(
    service: Service,
) -> None:
    (deployment,) = [
        m for m in manifests(KUBERNETES / f"{service.name}.yaml") if m["kind"] == "Deployment"
    ]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Always"
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", service.module]
    env = {item["name"]: item["value"] for item in container["env"]}
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert str(ports["http"]) == env[f"{service.prefix}HTTP_PORT"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    # An outage must take a copy out of service, never restart it: readiness only.
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert {e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e} == {
        "jobtrail-config"
    }


def test_kustomization_applies_every_manifest_but_the_example_secret() -> None:
    listed = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"]
    present = {p.name for p in KUBERNETES.glob("*.yaml")} - {
        "kustomization.yaml",
        "secret.example.yaml",
    }
    assert sorted(listed) == sorted(present)


def test_the_config_map_holds_no_secret() -> None:
    (config,) = manifests(KUBERNETES / "config.yaml")
    assert not [
        key
        for key in config["data"]
        if "SECRET" in key or "PASSWORD" in key or "DATABASE_URL" in key
    ]
