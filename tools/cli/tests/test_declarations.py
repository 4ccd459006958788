"""The services' declarations are the one source of who consumes and emits what."""

import json
from pathlib import Path

import pytest

from jobtrail.cli.declarations import SERVICES
from jobtrail.eventlog.declarations import Consumer, Service, consumer_files, write_consumers
from jobtrail.eventlog.topology import load_topology
from jobtrail.events.registry import registry
from jobtrail.events.resumes import ResumeParsed, ResumeUploaded

DEPLOY = Path(__file__).parents[3] / "deploy" / "nats"


def test_the_committed_consumer_definitions_are_the_declared_ones() -> None:
    committed = {
        str(path.relative_to(DEPLOY / "consumers")): path.read_text(encoding="utf-8")
        for path in (DEPLOY / "consumers").glob("*/*.json")
    }
    generated = consumer_files(SERVICES)
    assert sorted(committed) == sorted(generated), "run `make docs`"
    for name, text in generated.items():
        assert committed[name] == text, f"deploy/nats/consumers/{name} is out of date: make docs"


def test_the_cluster_definitions_share_the_consumers() -> None:
    cluster = load_topology(DEPLOY / "cluster").consumers
    assert cluster == load_topology(DEPLOY).consumers


def test_every_event_in_the_catalogue_has_an_emitter_and_every_consumed_type_is_emitted() -> None:
    ours = {cls.type for cls in registry.classes().values()
            if cls.__module__.startswith("jobtrail.events.")}  # fmt: skip
    emitted = {cls.type for service in SERVICES for cls in service.emits}
    assert ours == emitted
    consumed = {cls.type for s in SERVICES for c in s.consumers for cls in c.events}
    assert consumed <= emitted


def test_a_retry_twin_has_the_budget_and_ack_wait_of_its_consumer() -> None:
    ingest = next(c for s in SERVICES for c in s.consumers if c.durable == "jobs-ingest")
    retry = ingest.retry_definition()
    assert retry["durable_name"] == "jobs-ingest-retry"
    assert retry["filter_subjects"] == ["jobtrail.retry.jobs-ingest.>"]
    assert retry["ack_wait"] == ingest.definition()["ack_wait"] == 300 * 10**9
    assert retry["metadata"]["jobtrail_max_failures"] == "3"


def test_write_consumers_writes_the_definitions_and_removes_undeclared_ones(tmp_path: Path) -> None:
    stale = tmp_path / "JOBTRAIL_EVENTS" / "gone-away.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    parse = Consumer("resume-parse", "parse", (ResumeUploaded,))
    written = write_consumers([Service("resume", (ResumeParsed,), (parse,))], tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "JOBTRAIL_EVENTS/resume-parse.json",
        "JOBTRAIL_RETRY/resume-parse-retry.json",
    ]
    assert not stale.exists()
    topology = load_topology_of(tmp_path)
    assert topology["JOBTRAIL_EVENTS"]["resume-parse"]["filter_subjects"] == [
        "jobtrail.events.resume.*.ResumeUploaded"
    ]


def test_two_services_cannot_declare_the_same_durable() -> None:
    parse = Consumer("resume-parse", "parse", (ResumeUploaded,))
    twice = [Service("a", (), (parse,)), Service("b", (), (parse,))]
    with pytest.raises(ValueError, match="two declarations"):
        consumer_files(twice)


def test_a_consumer_must_select_something() -> None:
    with pytest.raises(ValueError, match="selects no events"):
        Consumer("idle", "nothing", ())


def load_topology_of(consumers: Path) -> dict[str, dict[str, dict[str, object]]]:
    return {
        stream.name: {
            path.stem: json.loads(path.read_text()) for path in sorted(stream.glob("*.json"))
        }
        for stream in consumers.iterdir()
    }
