"""The AsyncAPI 3.0.0 document of the event log: channels, messages, senders and consumers.

Channels and messages come from the registered event classes; `receive` and `send`
operations from the services' declarations (`jobtrail.eventlog.declarations`): the consumers
each declares (and their `-retry` twins) and the events each may append. `make docs`
(`jobtrail.cli.docs`) writes it with every service's declarations.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from jobtrail.eventlog.declarations import Service, emitters
from jobtrail.events.envelope import Envelope, Event
from jobtrail.events.registry import registry
from jobtrail.events.schemas import event_schema
from jobtrail.events.subjects import (
    DLQ_PREFIX,
    EVENTS_PREFIX,
    ORIGINAL_SEQUENCE,
    ORIGINAL_SUBJECT,
    RETRY_PREFIX,
)

ASYNCAPI_VERSION = "3.0.0"
DEFAULT_HOST = "localhost:4222"
Json = dict[str, Any]

_DESCRIPTION = """\
Every change in Jobtrail is a domain event appended to one append-only JetStream stream
(`JOBTRAIL_EVENTS`), kept forever and replayable. Subjects are
`jobtrail.events.<aggregate>.<aggregate_id>.<EventType>`; every message is a JSON envelope
whose `data` is the event. Publishers set `Nats-Msg-Id` to the event id (retries inside the
duplicate window are dropped) and, for aggregate writes, the expected last sequence of
`jobtrail.events.<aggregate>.<aggregate_id>.*` (optimistic concurrency). Durable pull
consumers retry with backoff; what still fails goes to `jobtrail.dlq.<consumer>.<EventType>`.
"""


def event_classes() -> list[type[Event]]:
    """The registered event classes defined in jobtrail.events, by type name."""
    classes = registry.classes().values()
    ours = [cls for cls in classes if cls.__module__.startswith("jobtrail.events.")]
    return sorted(ours, key=lambda cls: cls.type)


def asyncapi_document(services: Sequence[Service], host: str = DEFAULT_HOST) -> Json:
    """The AsyncAPI 3.0.0 document of the NATS event log, its consumers and dead letters."""
    components = _base_components(services)
    channels: Json = {cls.type: _add_event(cls, components) for cls in event_classes()}
    channels["retries"] = {"$ref": "#/components/channels/retries"}
    operations = {**_send_operations(services), **_receive_operations(services)}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": _info(),
        "defaultContentType": "application/json",
        "servers": {"nats": _server(host)},
        "channels": channels,
        "operations": operations,
        "components": components,
    }


def write_docs(services: Sequence[Service], out_dir: Path, host: str = DEFAULT_HOST) -> Path:
    """Write `asyncapi.json` into `out_dir` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document(services, host), indent=2) + "\n")
    return path


def _info() -> Json:
    try:
        package_version = version("jobtrail-events")
    except PackageNotFoundError:
        package_version = "0.0.0"
    return {"title": "Jobtrail events", "version": package_version, "description": _DESCRIPTION}


def _server(host: str) -> Json:
    return {
        "host": host,
        "protocol": "nats",
        "description": "NATS with JetStream; the stream and consumers are in deploy/nats.",
    }


def _summary(cls: type[Event]) -> str:
    return (cls.__doc__ or cls.type).strip().splitlines()[0]


def _event_channel(aggregate_type: str, event_type: str) -> Json:
    return {
        "address": f"{EVENTS_PREFIX}.{aggregate_type}.{{aggregate_id}}.{event_type}",
        "title": event_type,
        "parameters": {"aggregate_id": {"$ref": "#/components/parameters/aggregate_id"}},
        "x-aggregate-type": aggregate_type,
    }


def _add_event(cls: type[Event], components: Json) -> Json:
    """Add the schemas and message of one event type; return its channel."""
    schema = event_schema(cls)
    _put_schema(components, cls.type, _hoisted(schema, components))
    _put_schema(components, f"{cls.type}Envelope", _envelope_of(cls))
    components["messages"][cls.type] = {
        "name": cls.type,
        "title": cls.type,
        "summary": _summary(cls),
        "contentType": "application/json",
        "correlationId": {"$ref": "#/components/correlationIds/correlation_id"},
        "headers": {"$ref": "#/components/schemas/EventHeaders"},
        "payload": {"$ref": f"#/components/schemas/{cls.type}Envelope"},
        "x-schema-version": cls.schema_version,
    }
    channel = _event_channel(cls.aggregate_type, cls.type)
    channel["summary"] = _summary(cls)
    channel["messages"] = {cls.type: {"$ref": f"#/components/messages/{cls.type}"}}
    return channel


def _envelope_of(cls: type[Event]) -> Json:
    """The Envelope schema with `data` replaced by the event's own schema."""
    schema = copy.deepcopy(Envelope.model_json_schema())
    schema["title"] = f"{cls.type} envelope"
    properties = schema["properties"]
    properties["type"] = {"const": cls.type, "type": "string"}
    properties["schema_version"] = {"const": cls.schema_version, "type": "integer"}
    properties["aggregate_type"] = {"const": cls.aggregate_type, "type": "string"}
    properties["data"] = {"$ref": f"#/components/schemas/{cls.type}"}
    return schema


def _hoisted(schema: Json, components: Json) -> Json:
    """The schema with its `$defs` moved into components/schemas (and refs pointed there)."""
    schema = _rewrite_refs(schema)
    for name, definition in schema.pop("$defs", {}).items():
        _put_schema(components, name, definition)
    # `$id` would make refs resolve against the event's URN instead of this document.
    schema["x-schema-id"] = schema.pop("$id")
    return schema


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/$defs/", "#/components/schemas/")
            if key == "$ref" and isinstance(value, str)
            else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node


def _put_schema(components: Json, name: str, schema: Json) -> None:
    existing = components["schemas"].setdefault(name, schema)
    if existing != schema:
        raise ValueError(f"two different schemas are named {name}: rename one of the models")


def _send_operations(services: Sequence[Service]) -> Json:
    operations: Json = {}
    for event_type, names in emitters(services).items():
        for service in names:
            operations[f"{service}.send.{event_type}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{event_type}"},
                "messages": [{"$ref": f"#/channels/{event_type}/messages/{event_type}"}],
                "summary": f"{service} appends {event_type} to the log.",
                "tags": [{"name": service}],
            }
    return operations


def _receive_operations(services: Sequence[Service]) -> Json:
    operations: Json = {}
    for service in services:
        for consumer in service.consumers:
            config = consumer.definition()
            names = [cls.type for cls in consumer.events]
            for name in names:
                key = consumer.durable if len(names) == 1 else f"{consumer.durable}.{name}"
                operations[key] = _receive(service.name, config, name)
            retry = consumer.retry_definition()
            operations[consumer.retry_durable] = _receive(service.name, retry, "retries")
    return operations


def _receive(service: str, config: Json, channel: str) -> Json:
    operation: Json = {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{channel}"},
        "title": config["durable_name"],
        "description": config["description"],
        "tags": [{"name": service}],
        "x-durable": config["durable_name"],
        "x-max-deliver": config["max_deliver"],
        "x-max-failures": int(config["metadata"]["jobtrail_max_failures"]),
    }
    if channel != "retries":
        operation["messages"] = [{"$ref": f"#/channels/{channel}/messages/{channel}"}]
    return operation


def _base_components(services: Sequence[Service]) -> Json:
    durables = sorted(durable for service in services for durable in service.durables)
    types = [cls.type for cls in event_classes()]
    return {
        "schemas": {
            "Envelope": Envelope.model_json_schema(),
            "EventHeaders": _event_headers(),
            "DeadLetterHeaders": _dead_letter_headers(),
            "RetryHeaders": _retry_headers(),
        },
        "messages": {"DeadLetter": _dead_letter_message(), "RetriedEvent": _retried_message()},
        "channels": {
            "deadLetters": _side_channel(DLQ_PREFIX, "DeadLetter", durables, types),
            "retries": _side_channel(RETRY_PREFIX, "RetriedEvent", durables, types),
        },
        "parameters": {
            "aggregate_id": {"description": "The id of the aggregate the event belongs to."}
        },
        "correlationIds": {
            "correlation_id": {
                "description": "Shared by every event caused by one user request.",
                "location": "$message.payload#/correlation_id",
            }
        },
    }


def _side_channel(prefix: str, message: str, durables: list[str], types: list[str]) -> Json:
    what = "Dead letters" if prefix == DLQ_PREFIX else "Dead letters sent back for a retry"
    return {
        "address": f"{prefix}.{{consumer}}.{{type}}",
        "title": what,
        "description": f"{what}, by the consumer that gave up and the event type.",
        "parameters": {
            "consumer": {"description": "The durable consumer.", "enum": durables},
            "type": {
                "description": "The event type (`Undecodable` for bytes that were no envelope).",
                "enum": [*types, "Undecodable"],
            },
        },
        "messages": {message: {"$ref": f"#/components/messages/{message}"}},
    }


def _dead_letter_message() -> Json:
    return {
        "name": "DeadLetter",
        "summary": "An event a consumer gave up on, with the error in its headers.",
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {"description": "The original message body, byte for byte."},
    }


def _retried_message() -> Json:
    return {
        "name": "RetriedEvent",
        "summary": "A dead letter sent back to its consumer by `jobtrail dlq retry`.",
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/RetryHeaders"},
        "payload": {"$ref": "#/components/schemas/Envelope"},
    }


def _headers(described: dict[str, str], optional: tuple[str, ...] = ()) -> Json:
    return {
        "type": "object",
        "properties": {name: {"type": "string", "description": t} for name, t in described.items()},
        "required": [name for name in described if name not in optional],
    }


def _event_headers() -> Json:
    described = {
        "Nats-Msg-Id": "The event_id: a repeat inside the duplicate window is dropped.",
        "Nats-Expected-Last-Subject-Sequence": "The aggregate's last stream sequence as read.",
        "Nats-Expected-Last-Subject-Sequence-Subject": "`jobtrail.events.<aggregate>.<id>.*`.",
        "Nats-Batch-Id": "Set on every event of an atomic multi-event append.",
        "Nats-Batch-Sequence": "1-based position in the atomic append.",
        "Nats-Batch-Commit": "Set on the last event of an atomic append.",
    }
    return _headers(described, optional=tuple(name for name in described if name != "Nats-Msg-Id"))


def _retry_headers() -> Json:
    return _headers(
        {
            "Nats-Msg-Id": "Deduplicates the copy.",
            ORIGINAL_SUBJECT: "The event's subject in JOBTRAIL_EVENTS.",
            ORIGINAL_SEQUENCE: "The event's stream sequence in JOBTRAIL_EVENTS.",
        }
    )


def _dead_letter_headers() -> Json:
    return _headers(
        {
            "Nats-Msg-Id": "Deduplicates the copy.",
            "Jobtrail-Consumer": "The durable consumer that gave up.",
            "Jobtrail-Error": "The last error, `ExceptionType: message` (at most 4000 characters).",
            ORIGINAL_SUBJECT: "The event's subject in JOBTRAIL_EVENTS.",
            ORIGINAL_SEQUENCE: "The event's stream sequence in JOBTRAIL_EVENTS.",
            "Jobtrail-Deliveries": "How many times the event was delivered.",
        }
    )
