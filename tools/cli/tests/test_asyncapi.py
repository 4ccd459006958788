"""The AsyncAPI document: a channel and message per event, and every operation resolvable."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from jobtrail.cli.declarations import SERVICES
from jobtrail.eventlog.asyncapi import asyncapi_document, write_docs
from jobtrail.eventlog.declarations import emitters
from jobtrail.eventlog.topology import load_topology
from jobtrail.events.envelope import Envelope, Event, EventContext, seal
from jobtrail.events.registry import registry
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.events.users import Link, Profile, ProfileUpdated

# Fields each AsyncAPI 3.0.0 object may hold (besides `x-` extensions), from the spec.
ALLOWED = {
    "document": {"asyncapi", "id", "info", "servers", "defaultContentType", "channels",
                 "operations", "components"},
    "info": {"title", "version", "description", "termsOfService", "contact", "license", "tags",
             "externalDocs"},
    "server": {"host", "protocol", "protocolVersion", "pathname", "description", "title",
               "summary", "variables", "security", "tags", "externalDocs", "bindings"},
    "channel": {"address", "messages", "title", "summary", "description", "servers",
                "parameters", "tags", "externalDocs", "bindings"},
    "operation": {"action", "channel", "title", "summary", "description", "security", "tags",
                  "externalDocs", "bindings", "traits", "messages", "reply"},
    "message": {"headers", "payload", "correlationId", "contentType", "name", "title",
                "summary", "description", "tags", "externalDocs", "bindings", "examples",
                "traits"},
    "parameter": {"enum", "default", "description", "examples", "location"},
    "components": {"schemas", "servers", "channels", "operations", "messages",
                   "securitySchemes", "serverVariables", "parameters", "correlationIds",
                   "replies", "replyAddresses", "externalDocs", "tags", "operationTraits",
                   "messageTraits", "serverBindings", "channelBindings", "operationBindings",
                   "messageBindings"},
}  # fmt: skip
COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9.\-_]+$")
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document(SERVICES, host="nats.example.org:4222")


def our_event_classes() -> list[type[Event]]:
    classes = registry.classes().values()
    return [c for c in classes if c.__module__.startswith("jobtrail.events.")]


def resolve(document: dict[str, Any], ref: str) -> Any:
    """Follow a local `#/...` reference, through references met on the way."""
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        while isinstance(node, dict) and "$ref" in node:
            node = resolve(document, node["$ref"])
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict), f"{ref} does not resolve at {part}"
        assert part in node, f"{ref} does not resolve at {part}"
        node = node[part]
    return node


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def unexpected_fields(kind: str, node: dict[str, Any]) -> set[str]:
    return {key for key in node if not key.startswith("x-")} - ALLOWED[kind]


def test_the_document_is_asyncapi_3_with_info_and_a_nats_server(document: Doc) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "Jobtrail events"
    assert document["info"]["version"]
    assert (
        "jobtrail.events.<aggregate>.<aggregate_id>.<EventType>" in document["info"]["description"]
    )
    assert document["servers"]["nats"]["host"] == "nats.example.org:4222"
    assert document["servers"]["nats"]["protocol"] == "nats"


def test_every_object_holds_only_fields_asyncapi_3_defines(document: Doc) -> None:
    problems = [
        ("document", unexpected_fields("document", document)),
        ("info", unexpected_fields("info", document["info"])),
        ("components", unexpected_fields("components", document["components"])),
    ]
    problems += [(name, unexpected_fields("server", s)) for name, s in document["servers"].items()]
    channels = {**document["channels"], **document["components"]["channels"]}
    for name, channel in channels.items():
        problems.append((name, unexpected_fields("channel", channel) - {"$ref"}))
        for parameter in channel.get("parameters", {}).values():
            problems.append((name, unexpected_fields("parameter", parameter) - {"$ref"}))
    for name, operation in document["operations"].items():
        problems.append((name, unexpected_fields("operation", operation)))
        assert operation["action"] in ("send", "receive"), name
    for name, message in document["components"]["messages"].items():
        problems.append((name, unexpected_fields("message", message)))
    assert [(name, fields) for name, fields in problems if fields] == []


def test_component_names_are_valid_keys(document: Doc) -> None:
    for kind, by_name in document["components"].items():
        assert all(COMPONENT_KEY.match(name) for name in by_name), kind


def test_every_registered_event_type_has_a_channel_and_a_message(document: Doc) -> None:
    for cls in our_event_classes():
        channel = document["channels"][cls.type]
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        assert channel["address"] == (
            f"jobtrail.events.{cls.aggregate_type}.{{aggregate_id}}.{cls.type}"
        )
        message = resolve(document, channel["messages"][cls.type]["$ref"])
        assert message["name"] == cls.type
        assert message["summary"] == summary
        assert message["contentType"] == "application/json"


def test_every_channel_address_declares_its_parameters(document: Doc) -> None:
    channels = {**document["channels"], **document["components"]["channels"]}
    for name, channel in channels.items():
        if "$ref" in channel:
            channel = resolve(document, channel["$ref"])
        named = set(re.findall(r"\{(\w+)\}", channel["address"]))
        assert named == set(channel.get("parameters", {})), name


def test_a_message_payload_is_the_envelope_with_the_event_schema_as_data(document: Doc) -> None:
    schemas = document["components"]["schemas"]
    for cls in our_event_classes():
        payload = resolve(document, document["components"]["messages"][cls.type]["payload"]["$ref"])
        envelope = schemas["Envelope"]
        assert set(payload["properties"]) == set(envelope["properties"])
        assert payload["required"] == envelope["required"]
        assert payload["properties"]["data"] == {"$ref": f"#/components/schemas/{cls.type}"}
        assert payload["properties"]["type"]["const"] == cls.type
        event = schemas[cls.type]
        assert set(event["properties"]) == set(cls.model_fields)


def test_every_reference_in_the_document_resolves(document: Doc) -> None:
    refs = set(references(document))
    assert refs
    for ref in refs:
        resolve(document, ref)


def test_every_operation_references_an_existing_channel_and_its_messages(document: Doc) -> None:
    for name, operation in document["operations"].items():
        channel_ref = operation["channel"]["$ref"]
        assert channel_ref.startswith("#/channels/"), name
        resolve(document, channel_ref)
        for message in operation.get("messages", []):
            assert message["$ref"].startswith(channel_ref + "/messages/"), name
            resolve(document, message["$ref"])


def test_every_deployed_consumer_receives_with_its_description(document: Doc) -> None:
    receiving: dict[str, list[Any]] = {}  # a consumer of several types has one per type
    for op in document["operations"].values():
        if op["action"] == "receive":
            receiving.setdefault(op["title"], []).append(op)
    for by_name in load_topology().consumers.values():
        for durable, config in by_name.items():
            assert {op["description"] for op in receiving[durable]} == {config["description"]}
    assert [op["channel"] for op in receiving["resume-parse"]] == [
        {"$ref": "#/channels/ResumeUploaded"}
    ]
    assert [op["channel"] for op in receiving["jobs-match"]] == [
        {"$ref": "#/channels/ResumeVersionCreated"}, {"$ref": "#/channels/ResumeDeleted"},
    ]  # fmt: skip


def test_every_event_type_has_a_sender_and_senders_name_only_known_types(document: Doc) -> None:
    assert set(emitters(SERVICES)) == {cls.type for cls in our_event_classes()}
    sent = {(op["tags"][0]["name"], op["channel"]["$ref"].rsplit("/", 1)[1])
            for op in document["operations"].values() if op["action"] == "send"}  # fmt: skip
    assert ("gateway", "ResumeVersionCreated") in sent
    assert ("resume", "ResumeVersionCreated") in sent
    assert ("resume", "ResumeParsed") in sent
    assert ("gateway", "ResumeParsed") not in sent


def test_the_dead_letter_channel_documents_its_headers(document: Doc) -> None:
    channel = document["components"]["channels"]["deadLetters"]
    assert channel["address"] == "jobtrail.dlq.{consumer}.{type}"
    assert "resume-parse" in channel["parameters"]["consumer"]["enum"]
    message = resolve(document, channel["messages"]["DeadLetter"]["$ref"])
    headers = resolve(document, message["headers"]["$ref"])
    for header in ("Jobtrail-Error", "Jobtrail-Consumer", "Jobtrail-Original-Sequence"):
        assert header in headers["required"]


@pytest.mark.parametrize("event", [
    ResumeUploaded(resume_id=uuid4(), user_id=uuid4(), filename="cv.pdf",
                   media_type="application/pdf", size=10, sha256="0" * 64, file_key="k"),
    ProfileUpdated(user_id=uuid4(), profile=Profile(
        full_name="Zoë", links=[Link(network="GitHub", url="https://github.com/z")])),
], ids=lambda event: event.type)  # fmt: skip
def test_a_sealed_envelope_is_valid_against_its_message_payload(
    document: Doc, event: Event
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    envelope = seal([event], aggregate_id=uuid4(), base_version=0,
                    context=EventContext(actor="test", correlation_id="c"))[0]  # fmt: skip
    payload_ref = document["components"]["messages"][event.type]["payload"]["$ref"]
    validator = jsonschema.Draft202012Validator({**document, "$ref": payload_ref})
    wire = json.loads(envelope.to_json())
    assert list(validator.iter_errors(wire)) == []
    wire["data"]["user_id"] = 42
    assert list(validator.iter_errors(wire)), "a wrong data field must be rejected"


def test_write_docs_writes_the_document_as_json(tmp_path: Path) -> None:
    path = write_docs(SERVICES, tmp_path / "docs")
    assert path == tmp_path / "docs" / "asyncapi.json"
    assert json.loads(path.read_text()) == asyncapi_document(SERVICES)


def test_the_envelope_schema_in_the_document_is_the_envelope() -> None:
    document = asyncapi_document(SERVICES)
    assert document["components"]["schemas"]["Envelope"] == Envelope.model_json_schema()
