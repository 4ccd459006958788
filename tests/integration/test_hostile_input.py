"""Input that cannot be stored is refused with a 4xx naming the field, never a 5xx.

The cases are generated from the live gateway's OpenAPI document: every string field or
parameter gets a NUL, every integer one 2**31, 2**63 and 10**20, so a new route is covered
without anyone remembering to add it."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI

from jobtrail.gateway.api import problems
from jobtrail.stack import StackEndpoints
from tests.support.served import logged_in, served_gateway, serving

NUL_TEXT = "a\x00b"
HUGE_INTS = (2**31, 2**63, 10**20)
Path = tuple[str | int, ...]


@pytest.fixture(scope="module")
def gateway(stack: StackEndpoints) -> Iterator[str]:
    with served_gateway(stack) as url:
        yield url


@pytest.fixture(scope="module")
def client(gateway: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway, headers=logged_in(gateway), timeout=30) as api:
        yield api


# --- generating the cases from the OpenAPI document ------------------------------------


@dataclass
class Case:
    method: str
    template: str
    slot: str
    value: Any
    path: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, bytes] = field(default_factory=dict)
    body: Any = None
    files: dict[str, Any] | None = None

    def url(self) -> str:
        return self.template.format(**{k: quote(str(v), safe="") for k, v in self.path.items()})


class Document:
    """The parts of an OpenAPI document a case needs: schemas resolved, values built."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        for union in ("anyOf", "oneOf", "allOf"):
            if union in schema:
                branches = [b for b in schema[union] if self.resolve(b).get("type") != "null"]
                return self.resolve(branches[0]) if branches else {"type": "null"}
        return schema

    def branches(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        while "$ref" in schema:
            schema = self.spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        for union in ("anyOf", "oneOf", "allOf"):
            if union in schema:
                return [x for b in schema[union] for x in self.branches(b)]
        return [schema]

    def valid(self, schema: dict[str, Any]) -> Any:
        """A plain value the schema accepts, so that only the hostile slot is wrong."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        kind = schema.get("type")
        if kind == "string":
            return {
                "uuid": str(uuid4()),
                "email": f"h-{uuid4().hex[:12]}@example.com",
                "date": "2026-01-15",
                "date-time": "2026-01-15T10:00:00Z",
                "uri": "https://example.com/x",
                "binary": b"hello",
            }.get(schema.get("format", ""), "1" * max(1, schema.get("minLength", 1)))
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "number":
            return 1.0
        if kind == "boolean":
            return False
        if kind == "array":
            return [self.valid(schema["items"])] if schema.get("minItems") else []
        if kind == "object" or "properties" in schema:
            required = schema.get("required", [])
            return {
                k: self.valid(v) for k, v in schema.get("properties", {}).items() if k in required
            }
        return None

    def slots(self, schema: dict[str, Any], at: Path = ()) -> Iterator[tuple[Path, str]]:
        """Every place a string or an integer goes, as (path, "string" | "integer")."""
        if len(at) > 8:
            return
        for branch in self.branches(schema):
            kind = branch.get("type")
            if kind in ("string", "integer") and "enum" not in branch:
                yield at, kind
            elif kind == "string":
                yield at, kind  # an enum refuses a NUL too, but must not fail on it
            elif kind == "array":
                yield from self.slots(branch.get("items", {}), (*at, 0))
            elif kind == "object" or "properties" in branch:
                properties = branch.get("properties")
                if not properties:  # free-form JSON: any key, any value
                    yield (*at, "hostile"), "string"
                    yield (*at, "hostile"), "integer"
                for name, inner in (properties or {}).items():
                    yield from self.slots(inner, (*at, name))


def set_at(document: Any, at: Path, value: Any) -> Any:
    if not at:
        return value
    head, rest = at[0], at[1:]
    if isinstance(head, int):
        items = list(document) if isinstance(document, list) else []
        if not items:
            items.append(None)
        items[0] = set_at(items[0], rest, value)
        return items
    mapping = dict(document) if isinstance(document, dict) else {}
    mapping[head] = set_at(mapping.get(head), rest, value)
    return mapping


def hostile_values(kind: str, location: str) -> list[Any]:
    if kind == "integer":
        return list(HUGE_INTS)
    if location == "header":  # HTTP cannot carry a NUL in a header: numbers it cannot store
        return ["³", str(2**63)]
    return [NUL_TEXT]


def cases(spec: dict[str, Any]) -> Iterator[Case]:
    doc = Document(spec)
    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield from operation_cases(doc, template, method.upper(), operation)


def operation_cases(
    doc: Document, template: str, method: str, op: dict[str, Any]
) -> Iterator[Case]:
    parameters = op.get("parameters", [])
    base_path = {p["name"]: doc.valid(p["schema"]) for p in parameters if p["in"] == "path"}
    body_schema, media = None, None
    for media_type, content in op.get("requestBody", {}).get("content", {}).items():
        body_schema, media = content.get("schema", {}), media_type
        break
    base_body = doc.valid(body_schema) if body_schema is not None else None

    def case(slot: str, value: Any, **changes: Any) -> Case:
        made = Case(method, template, slot, value, path=dict(base_path), body=base_body)
        for name, change in changes.items():
            setattr(made, name, change)
        if media == "multipart/form-data":
            made.files, made.body = multipart(doc, body_schema or {}, made.body)
        return made

    for parameter in parameters:
        where, name = parameter["in"], parameter["name"]
        for at, kind in doc.slots(parameter["schema"]):
            for value in hostile_values(kind, where):
                sent = [value] if at else value
                if where == "path":
                    yield case(f"path.{name}", value, path={**base_path, name: value})
                elif where == "query":
                    yield case(f"query.{name}", value, query={name: sent})
                elif where == "header":
                    yield case(f"header.{name}", value, headers={name: str(value).encode()})
    if body_schema is not None:
        for at, kind in doc.slots(body_schema):
            for value in hostile_values(kind, "body"):
                label = ".".join(str(p) for p in ("body", *at))
                yield case(label, value, body=set_at(base_body, at, value))


def multipart(doc: Document, schema: dict[str, Any], body: Any) -> tuple[dict[str, Any], Any]:
    """A form body as httpx `files`: binary fields as files, the rest as text parts."""
    properties = doc.resolve(schema).get("properties", {})
    files: dict[str, Any] = {}
    for name, inner in properties.items():
        value = (body or {}).get(name, doc.valid(inner))
        binary = doc.resolve(inner).get("format") == "binary"
        if binary:
            filename = f"resume{value}.txt" if isinstance(value, str | int) else "resume.txt"
            files[name] = (filename, b"Ada Lovelace\nEngineer\n", "text/plain")
        elif value is not None:
            files[name] = (None, str(value))
    return files, None


def send(client: httpx.Client, case: Case) -> tuple[int, str]:
    headers = {name.encode(): value for name, value in case.headers.items()}
    content = None
    if case.body is not None:
        content = json.dumps(case.body).encode()  # ASCII escapes: lone surrogates survive
        headers[b"content-type"] = b"application/json"
    with client.stream(
        case.method,
        case.url(),
        params=case.query,
        headers=headers,
        content=content,
        files=case.files,
    ) as response:
        text = (
            ""
            if "event-stream" in response.headers.get("content-type", "")
            else (response.read().decode(errors="replace"))
        )
        return response.status_code, text


def test_no_field_or_parameter_turns_unstorable_input_into_a_server_error(
    client: httpx.Client,
) -> None:
    spec = client.get("/openapi.json").json()
    generated = list(cases(spec))
    operations = {(c.method, c.template) for c in generated}
    assert len(operations) >= 30, "the document should offer most operations a hostile field"
    assert any(c.slot == "body.profile" or c.slot.startswith("body.") for c in generated)
    failures = []
    for case in generated:
        status, text = send(client, case)
        if status >= 500 or status < 400:
            failures.append(
                f"{case.method} {case.template} {case.slot}={case.value!r}: {status} {text[:160]}"
            )
    # Accepting a huge number that fits its column is fine; a 5xx never is.
    server_errors = [f for f in failures if ": 5" in f]
    assert not server_errors, "\n".join(server_errors)
    accepted_text = [f for f in failures if repr(NUL_TEXT) in f]
    assert not accepted_text, "a NUL was accepted:\n" + "\n".join(accepted_text)


# --- the cases seen in the wild, each refused with a 422 that names the field ----------


def refused(response: httpx.Response, location: str) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert location in [e["location"] for e in body["errors"]], body
    assert location in body["detail"]
    return body


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/events?after=9223372036854775808", "query.after"),
        (f"/resumes/{uuid4()}/versions/2147483648", "path.version"),
        ("/jobs?salary_min=99999999999999999999", "query.salary_min"),
        ("/applications?offset=9223372036854775808", "query.offset"),
        ("/notifications?before=9223372036854775808", "query.before"),
        ("/jobs?cursor=%C2%B3", "query.cursor"),
        ("/jobs?q=a%00b", "query.q"),
        ("/audit/a%00b", "path.entity_id"),
    ],
)
def test_an_unstorable_parameter_is_refused_by_name(
    client: httpx.Client, path: str, location: str
) -> None:
    refused(client.get(path), location)


@pytest.mark.parametrize(
    ("method", "path", "body", "location"),
    [
        ("PUT", "/users/me", {"display_name": "x\u0000"}, "body.display_name"),
        ("PUT", "/profiles/me", {"headline": "x\u0000"}, "body.headline"),
        (
            "PUT",
            "/profiles/me",
            {"preferences": {"salary": {"minimum": 2**63}}},
            "body.preferences.salary.minimum",
        ),
        ("PUT", "/profiles/me", {"full_name": "\ud800"}, "body.full_name"),
        ("PATCH", f"/jobs/{uuid4()}", {"notes": "x\u0000"}, "body.notes"),
        ("PATCH", f"/applications/{uuid4()}", {"note": "x\u0000"}, "body.note"),
        ("PATCH", f"/applications/{uuid4()}", {"next_step": "x\u0000"}, "body.next_step"),
        ("POST", "/ingestions", {"source": "x\u0000"}, "body.source"),
        ("POST", "/jobs", {"title": "x", "salary_min": 10**20}, "body.salary_min"),
        ("POST", "/jobs", {"title": "x", "raw": {"k\u0000": 1}}, "body.raw"),
        (
            "POST",
            "/applications",
            {"job_id": str(uuid4()), "resume_id": str(uuid4()), "resume_version": 2**31},
            "body.resume_version",
        ),
        (
            "POST",
            "/ai-jobs",
            {"kind": "cover_letter", "resume_id": str(uuid4()), "resume_version": 2**31},
            "body.resume_version",
        ),
    ],
)
def test_an_unstorable_body_field_is_refused_by_name(
    client: httpx.Client, method: str, path: str, body: Any, location: str
) -> None:
    content = json.dumps(body).encode()
    response = client.request(
        method, path, content=content, headers={"content-type": "application/json"}
    )
    refused(response, location)


def test_registration_with_a_nul_never_reaches_the_log(gateway: str) -> None:
    email = f"nul-{uuid4().hex[:10]}@example.com"
    with httpx.Client(base_url=gateway, timeout=30) as anonymous:
        account = {"email": email, "password": "correct-horse-battery"}
        response = anonymous.post("/auth/register", json={**account, "display_name": "x\u0000"})
        refused(response, "body.display_name")
        again = anonymous.post("/auth/register", json={**account, "display_name": "x"})
    assert again.status_code == 201, again.text  # the refused attempt left nothing behind


def test_not_a_finite_number_is_refused(client: httpx.Client) -> None:
    response = client.put(
        "/profiles/me",
        content=b'{"headline": "x", "links": [], "extra": NaN}',
        headers={"content-type": "application/json"},
    )
    refused(response, "body.extra")


def test_an_event_larger_than_a_nats_message_is_413_with_the_limit(client: httpx.Client) -> None:
    # Under the request size limit (2 MiB here) but over NATS's 1 MiB max_payload.
    response = client.put("/profiles/me", json={"headline": "x" * 1_200_000})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "payload_too_large"
    assert isinstance(body["limit"], int)
    assert 0 < body["limit"] < 1_200_000
    assert str(body["limit"]) in body["detail"]
    assert "retry-after" not in response.headers  # repeating it can never succeed
    assert client.get("/profiles/me").json()["profile"]["headline"] != "x" * 1_200_000


def test_a_streamed_body_over_the_size_limit_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is met while reading
        yield b'{"headline": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    response = client.put("/profiles/me", content=chunks(),
                          headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


# --- a 500 answers the request and keeps the connection ----------------------------------


def _failing_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/bug")
    async def bug() -> None:
        raise ZeroDivisionError("a bug")

    @app.get("/fine")
    async def fine() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _exchange(connection: socket.socket, path: str) -> bytes:
    """One HTTP/1.1 request on an open connection; the whole response."""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    received = b""
    deadline = time.monotonic() + 30
    while b"\r\n\r\n" not in received or not _complete(received):
        chunk = connection.recv(65536)
        if not chunk:
            return received  # the server closed the connection
        received += chunk
        assert time.monotonic() < deadline
    return received


def _complete(raw: bytes) -> bool:
    head, _, body = raw.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def test_a_500_keeps_the_keep_alive_connection_for_the_next_request() -> None:
    with serving(_failing_app()) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            first = _exchange(connection, "/bug")
            assert first.startswith(b"HTTP/1.1 500"), first
            assert b"application/problem+json" in first
            assert b"a bug" not in first  # internals stay in the log
            second = _exchange(connection, "/fine")
    assert second.startswith(b"HTTP/1.1 200"), second
