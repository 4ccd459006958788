"""The deployment files agree with the code: docker-compose.yml, the cluster override, the
Dockerfile, the NATS definitions and the configuration runbook.

Nothing here starts a container or a service; it reads files and imports settings classes.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from jobtrail.eventlog.topology import load_topology
from jobtrail.runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
CLUSTER_OVERRIDE = ROOT / "deploy" / "nats" / "cluster" / "docker-compose.cluster.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
NATS_DIR = ROOT / "deploy" / "nats"
CLUSTER_DIR = NATS_DIR / "cluster"
CONFIGURATION_DOC = ROOT / "deploy" / "runbooks" / "configuration.md"

SERVICE_MODULES = {
    "jobtrail.gateway",
    "jobtrail.resume",
    "jobtrail.jobs",
    "jobtrail.ai_worker",
    "jobtrail.exporter",
    "jobtrail.notifier",
}

# Variables a service may be given that are no field of a settings class, each with the
# module that reads it; that module's source must name the variable.
DOCUMENTED_EXCEPTIONS = {
    "JOBTRAIL_NATS_DEFINITIONS": "jobtrail.eventlog.topology",  # where the stream JSON lives
    "FORWARDED_ALLOW_IPS": "uvicorn.config",  # proxies trusted for X-Forwarded-* headers
}

SHARED_PREFIX = "JOBTRAIL_"


# --- reading the files -------------------------------------------------------------------


@cache
def _yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict), f"{path.name} is not a YAML mapping"
    return loaded


def _services(path: Path) -> dict[str, dict[str, Any]]:
    return dict(_yaml(path).get("services") or {})


def _module_of(service: dict[str, Any]) -> str | None:
    """`jobtrail.X` for `command: python -m jobtrail.X`, else None."""
    command = service.get("command")
    argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command or []]
    if len(argv) == 3 and argv[:2] == ["python", "-m"] and argv[2].startswith("jobtrail."):
        return argv[2]
    return None


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _app_cases() -> list[Any]:
    """(file label, service name, module, environment) for every service running jobtrail.X.

    The override file gives no commands; its services run what the base file says.
    """
    base = _services(COMPOSE)
    modules = {name: _module_of(svc) for name, svc in base.items()}
    cases = []
    for label, path in (("compose", COMPOSE), ("cluster", CLUSTER_OVERRIDE)):
        for name, service in _services(path).items():
            module = _module_of(service) or modules.get(name)
            if module:
                env = _environment(service)
                cases.append(pytest.param(label, name, module, env, id=f"{label}:{name}"))
    return cases


APP_CASES = _app_cases()
BASE_APP_CASES = [case for case in APP_CASES if case.values[0] == "compose"]


def _settings_class(module: str) -> type[ServiceSettings]:
    """The one ServiceSettings subclass defined in `<module>.settings`."""
    name = f"{module}.settings"
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        pytest.fail(
            f"{name} does not exist, so the variables given to `python -m {module}` cannot be "
            "checked: write its settings class (a ServiceSettings subclass with an env_prefix)"
        )
    settings_module = importlib.import_module(name)
    classes = [
        obj
        for obj in vars(settings_module).values()
        if isinstance(obj, type)
        and issubclass(obj, ServiceSettings)
        and obj is not ServiceSettings
        and obj.__module__ == settings_module.__name__
    ]
    if len(classes) != 1:
        pytest.fail(f"{name} defines {len(classes)} ServiceSettings subclasses; expected one")
    return classes[0]


def _prefix(cls: type[ServiceSettings]) -> str:
    prefix = str(cls.model_config.get("env_prefix") or "")
    if not prefix:
        pytest.fail(f"{cls.__qualname__} has no env_prefix in its model_config")
    return prefix.upper()


def _env_names(cls: type[ServiceSettings], prefix: str) -> set[str]:
    """The variables pydantic-settings reads for each field of `cls` under `prefix`."""
    names = set()
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
        names.add((alias or prefix + field_name).upper())
    return names


def _shared_names() -> set[str]:
    return _env_names(ServiceSettings, SHARED_PREFIX)


def _own_names(cls: type[ServiceSettings], prefix: str) -> set[str]:
    """Variables of the fields `cls` declares itself (inherited ones are documented as shared)."""
    declared = set(vars(cls).get("__annotations__", {}))
    return {f"{prefix}{name}".upper() for name in cls.model_fields if name in declared}


def _healthcheck_command(service: dict[str, Any]) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    return " ".join(test) if isinstance(test, list) else str(test or "")


# --- docker-compose.yml: services and commands -------------------------------------------


def test_compose_runs_each_service_once_from_the_one_image() -> None:
    services = _services(COMPOSE)
    built = {name: svc for name, svc in services.items() if "build" in svc}
    not_ours = sorted(name for name, svc in built.items() if not _module_of(svc))
    assert not not_ours, f"{not_ours} are built from the Dockerfile but run no jobtrail.X module"
    modules = sorted(_module_of(svc) or "" for svc in built.values())
    assert modules == sorted(SERVICE_MODULES), f"the built services run {modules}"
    contexts = {str(svc["build"]) for svc in built.values()}
    assert contexts == {"."}, f"every service should build the repository root, not {contexts}"


@pytest.mark.parametrize(("label", "name", "module", "env"), BASE_APP_CASES)
def test_command_names_a_runnable_module(
    label: str, name: str, module: str, env: dict[str, str]
) -> None:
    assert importlib.util.find_spec(module) is not None, f"{name}: no module {module}"
    main = f"{module}.__main__"
    assert importlib.util.find_spec(main) is not None, (
        f"{name}: `python -m {module}` needs {main.replace('.', '/')}.py"
    )


@pytest.mark.parametrize(("label", "name", "module", "env"), APP_CASES)
def test_every_variable_is_a_setting(
    label: str, name: str, module: str, env: dict[str, str]
) -> None:
    cls = _settings_class(module)
    prefix = _prefix(cls)
    allowed = _shared_names() | _env_names(cls, prefix) | set(DOCUMENTED_EXCEPTIONS)
    unknown = sorted(key for key in env if key.upper() not in allowed)
    assert not unknown, (
        f"{label} service {name!r} (python -m {module}) sets {', '.join(unknown)}: none is "
        f"JOBTRAIL_<field> of ServiceSettings, {prefix}<field> of {cls.__qualname__}, or in "
        "DOCUMENTED_EXCEPTIONS; the service would ignore it"
    )


@pytest.mark.parametrize(("variable", "module"), sorted(DOCUMENTED_EXCEPTIONS.items()))
def test_documented_exceptions_are_read_where_stated(variable: str, module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{module} is not importable"
    assert spec.origin, f"{module} has no source file"
    assert variable in Path(spec.origin).read_text(), f"{module} never mentions {variable}"


@pytest.mark.parametrize(("label", "name", "module", "env"), BASE_APP_CASES)
def test_healthcheck_probes_the_port_the_service_listens_on(
    label: str, name: str, module: str, env: dict[str, str]
) -> None:
    cls = _settings_class(module)
    port = env.get(f"{_prefix(cls)}HTTP_PORT") or str(cls.model_fields["http_port"].default)
    probe = _healthcheck_command(_services(COMPOSE)[name])
    assert f"127.0.0.1:{port}/healthz" in probe, (
        f"{name} listens on {port}, but its healthcheck is {probe!r}"
    )
    assert env.get("JOBTRAIL_HTTP_HOST") == "0.0.0.0", (  # noqa: S104 - inside a container
        f"{name} must bind 0.0.0.0 to be reachable from other containers"
    )


# --- dependencies, volumes and files ------------------------------------------------------


def _depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {} for name in deps}
    return {str(k): dict(v or {}) for k, v in deps.items()}


def _all_services() -> dict[str, dict[str, Any]]:
    """Base services, with the override's additions (enough to resolve names)."""
    merged = {name: dict(svc) for name, svc in _services(COMPOSE).items()}
    for name, svc in _services(CLUSTER_OVERRIDE).items():
        merged.setdefault(name, {}).update(svc)
    return merged


@pytest.mark.parametrize("path", [COMPOSE, CLUSTER_OVERRIDE], ids=lambda p: p.name)
def test_dependencies_exist_have_healthchecks_and_are_awaited(path: Path) -> None:
    known = _all_services()
    problems = []
    for name, service in _services(path).items():
        for target, options in _depends_on(service).items():
            if target not in known:
                problems.append(f"{name} depends on {target}, which is no service")
                continue
            check = known[target].get("healthcheck") or {}
            if not check.get("test") or check.get("disable") or check.get("test") == ["NONE"]:
                problems.append(f"{name} depends on {target}, which has no healthcheck")
            if options.get("condition") != "service_healthy":
                problems.append(f"{name} should wait for {target} with condition: service_healthy")
    assert not problems, "\n".join(problems)


def _mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, source) of each volume entry: kind is "bind" or "volume"."""
    found = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            found.append((str(entry.get("type", "volume")), str(entry.get("source", ""))))
            continue
        source = str(entry).split(":", 1)[0]
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        found.append((kind, source))
    return found


@pytest.mark.parametrize("path", [COMPOSE, CLUSTER_OVERRIDE], ids=lambda p: p.name)
def test_mounted_files_and_named_volumes_exist(path: Path) -> None:
    # Compose resolves relative paths of every -f file from the project directory: the root.
    document = _yaml(path)
    volumes = set(_yaml(COMPOSE).get("volumes") or {}) | set(document.get("volumes") or {})
    configs = {**(_yaml(COMPOSE).get("configs") or {}), **(document.get("configs") or {})}
    problems = []
    for name, service in _services(path).items():
        for kind, source in _mounts(service):
            if kind == "bind" and not (ROOT / source).exists():
                problems.append(f"{name} mounts {source}, which is not in the repository")
            if kind == "volume" and source and source not in volumes:
                problems.append(f"{name} uses volume {source!r}, which is not declared")
        for entry in service.get("configs") or []:
            config = entry if isinstance(entry, str) else entry.get("source")
            if config not in configs:
                problems.append(f"{name} uses config {config!r}, which is not declared")
        for env_file in service.get("env_file") or []:
            file = env_file if isinstance(env_file, str) else env_file.get("path")
            if not (ROOT / file).exists():
                problems.append(f"{name} reads env_file {file}, which is not in the repository")
    for config_name, config in configs.items():
        if "file" in config and not (ROOT / config["file"]).exists():
            problems.append(f"config {config_name} points at missing {config['file']}")
    assert not problems, "\n".join(problems)


def test_cluster_nodes_run_the_same_nats_image_as_the_single_server() -> None:
    single = _services(COMPOSE)["nats"]["image"]
    override = _services(CLUSTER_OVERRIDE)
    images = {name: override[name].get("image") for name in ("nats-2", "nats-3")}
    assert set(images.values()) == {single}, f"nats is {single}, the other nodes {images}"


# --- the image ----------------------------------------------------------------------------


def test_dockerfile_installs_from_the_lock_and_carries_the_nats_definitions() -> None:
    assert DOCKERFILE.is_file(), "no Dockerfile at the repository root"
    text = DOCKERFILE.read_text()
    assert re.search(r"^COPY\s+(?:--\S+\s+)*deploy/?\s+\S+", text, re.MULTILINE), (
        "the Dockerfile must COPY deploy/ into the image (the services apply deploy/nats)"
    )
    assert "JOBTRAIL_NATS_DEFINITIONS=/app/deploy/nats" in text
    assert "uv sync --locked" in text, "the image must install exactly what uv.lock pins"
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users, "the image must not run as root: no USER instruction"
    assert users[-1].split(":")[0] not in {"root", "0"}, f"the image runs as {users[-1]}"


def test_dockerignore_keeps_secrets_out_and_deploy_in() -> None:
    lines = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()]
    patterns = [line for line in lines if line and not line.startswith("#")]
    assert ".env" in patterns, ".dockerignore must keep .env (compose's secrets) out of images"
    assert not [p for p in patterns if p.lstrip("/").startswith("deploy")], (
        "the image needs deploy/"
    )


# --- NATS definitions ---------------------------------------------------------------------


def _definition_files() -> list[Path]:
    return sorted(
        [*NATS_DIR.glob("streams/*.json"), *NATS_DIR.glob("consumers/*/*.json"),
         *CLUSTER_DIR.glob("streams/*.json")]
    )  # fmt: skip


@pytest.mark.parametrize("path", _definition_files(), ids=lambda p: str(p.relative_to(NATS_DIR)))
def test_definition_is_a_json_object(path: Path) -> None:
    try:
        loaded = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        pytest.fail(f"{path.relative_to(ROOT)} is not valid JSON: {error}")
    assert isinstance(loaded, dict), f"{path.relative_to(ROOT)} is not a JSON object"


@pytest.mark.parametrize("path", sorted(NATS_DIR.glob("consumers/*/*.json")), ids=lambda p: p.name)
def test_consumer_file_is_named_after_its_durable(path: Path) -> None:
    durable = json.loads(path.read_text()).get("durable_name")
    assert durable == path.stem, (
        f"{path.name} defines durable {durable!r}; runbooks find it by name"
    )


@pytest.mark.parametrize("folder", [NATS_DIR, CLUSTER_DIR], ids=["single", "cluster"])
def test_event_stream_is_append_only_and_kept_forever(folder: Path) -> None:
    events = json.loads((folder / "streams" / "JOBTRAIL_EVENTS.json").read_text())
    assert events["deny_delete"] is True
    assert events["deny_purge"] is True
    assert events["max_age"] == 0, "max_age 0 keeps events forever"
    limits = {k: events.get(k, -1) for k in ("max_msgs", "max_bytes", "max_msgs_per_subject")}
    assert set(limits.values()) <= {-1, 0}, f"a limit would drop old events: {limits}"
    assert events.get("duplicate_window", 0) > 0, "Nats-Msg-Id needs a duplicate window"
    assert events["storage"] == "file"


def test_cluster_definitions_are_the_single_server_ones_with_three_replicas() -> None:
    single, cluster = load_topology(NATS_DIR), load_topology(CLUSTER_DIR)
    regenerate = (
        "regenerate with: for f in deploy/nats/streams/*.json; do jq '.num_replicas = 3' "
        '"$f" > "deploy/nats/cluster/streams/$(basename "$f")"; done'
    )
    assert sorted(cluster.streams) == sorted(single.streams), regenerate
    for name, config in single.streams.items():
        r3 = cluster.streams[name]
        assert r3.get("num_replicas") == 3, f"{name}: cluster copy is not R3; {regenerate}"
        differs = {
            k
            for k in config.keys() | r3.keys()
            if k != "num_replicas" and config.get(k) != r3.get(k)
        }
        assert not differs, f"{name}: cluster copy differs in {sorted(differs)}; {regenerate}"
    assert cluster.consumers == single.consumers, (
        "deploy/nats/cluster/consumers should be a link to ../consumers"
    )


# --- the configuration runbook ------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(SERVICE_MODULES))
def test_configuration_runbook_lists_every_setting(module: str) -> None:
    cls = _settings_class(module)
    names = _shared_names() | _own_names(cls, _prefix(cls)) | set(DOCUMENTED_EXCEPTIONS)
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION_DOC.read_text()))
    missing = sorted(names - documented)
    assert not missing, (
        f"deploy/runbooks/configuration.md does not describe {', '.join(missing)} "
        f"({cls.__qualname__} or ServiceSettings)"
    )
