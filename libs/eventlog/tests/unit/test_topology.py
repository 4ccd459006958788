"""Streams and consumers as JSON under deploy/nats: loading, validation, and what they say."""

import json
from pathlib import Path
from typing import Any

import pytest

from jobtrail.eventlog.topology import DEFINITIONS_ENV, definitions_dir, load_topology
from jobtrail.events.errors import InvalidTopology


def write(path: Path, config: dict[str, Any] | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config if isinstance(config, str) else json.dumps(config))


def a_stream(root: Path, name: str = "THINGS") -> None:
    write(root / "streams" / f"{name}.json", {"name": name, "subjects": ["things.>"]})


def a_consumer(root: Path, stream: str, durable: str) -> None:
    write(root / "consumers" / stream / f"{durable}.json", {"durable_name": durable})


def test_streams_and_consumers_are_read_by_name(tmp_path: Path) -> None:
    a_stream(tmp_path)
    a_consumer(tmp_path, "THINGS", "things-count")
    topology = load_topology(tmp_path)
    assert list(topology.streams) == ["THINGS"]
    assert topology.consumer("things-count") == ("THINGS", {"durable_name": "things-count"})


def test_a_stream_file_that_is_not_json_is_refused_by_name(tmp_path: Path) -> None:
    write(tmp_path / "streams" / "BROKEN.json", '{"name": "BROKEN",')
    with pytest.raises(InvalidTopology, match=r"BROKEN\.json is not valid JSON"):
        load_topology(tmp_path)


def test_a_consumer_file_that_is_not_json_is_refused_by_name(tmp_path: Path) -> None:
    a_stream(tmp_path)
    write(tmp_path / "consumers" / "THINGS" / "half.json", "{durable_name: half}")
    with pytest.raises(InvalidTopology, match=r"half\.json is not valid JSON"):
        load_topology(tmp_path)


def test_consumers_of_a_stream_that_is_not_defined_are_refused(tmp_path: Path) -> None:
    a_stream(tmp_path)
    a_consumer(tmp_path, "ELSEWHERE", "lost-consumer")
    with pytest.raises(InvalidTopology, match="unknown stream ELSEWHERE"):
        load_topology(tmp_path)


def test_a_folder_without_streams_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidTopology, match="does not exist"):
        load_topology(tmp_path)


def test_asking_for_an_undefined_consumer_names_it(tmp_path: Path) -> None:
    a_stream(tmp_path)
    with pytest.raises(InvalidTopology, match="no consumer named nobody-home"):
        load_topology(tmp_path).consumer("nobody-home")


def test_the_definitions_folder_can_be_set_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DEFINITIONS_ENV, str(tmp_path))
    assert definitions_dir() == tmp_path


def test_without_the_environment_the_checkout_deploy_folder_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DEFINITIONS_ENV, raising=False)
    assert definitions_dir() == Path(__file__).resolve().parents[4] / "deploy" / "nats"


def test_the_event_stream_is_append_only_and_kept_forever() -> None:
    events = load_topology().streams["JOBTRAIL_EVENTS"]
    assert events["subjects"] == ["jobtrail.events.>"]
    assert events["deny_delete"] is True
    assert events["deny_purge"] is True
    assert events["max_age"] == 0
    assert events["allow_direct"] is True
    assert events["allow_atomic"] is True
    assert events["duplicate_window"] > 0


def test_every_deployed_consumer_file_is_named_after_its_durable() -> None:
    root = definitions_dir() / "consumers"
    for stream, by_name in load_topology().consumers.items():
        assert sorted(p.stem for p in (root / stream).glob("*.json")) == sorted(by_name)


def test_every_deployed_consumer_retries_with_a_readable_backoff() -> None:
    for by_name in load_topology().consumers.values():
        for durable, config in by_name.items():
            assert config["ack_policy"] == "explicit", durable
            assert config["max_deliver"] >= 20, durable  # a crash cap, not the budget
            assert int(config["metadata"]["jobtrail_max_failures"]) > 1, durable
            steps = config["metadata"]["jobtrail_backoff_seconds"].split(",")
            assert all(float(step) > 0 for step in steps), durable
