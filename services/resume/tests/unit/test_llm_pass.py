"""The LLM pass against a local server speaking the OpenAI chat-completions API.

The server is real HTTP (uvicorn on a loopback port) and answers from a script; it
refuses the `response_format` types it is told it lacks with 400, as vLLM, LM Studio
and older Ollama builds do, and it records every request so each test checks its shape.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume import report
from jobtrail.resume.adapters.formats import Extracted
from jobtrail.resume.adapters.llm import (
    LLM_CONFIDENCE,
    SYSTEM,
    LLMConfig,
    LLMPass,
    StructuredMode,
    date_in,
    ground,
    read_reply,
)
from jobtrail.resume.domain.parsing import UNSURE_BELOW, Parsed
from jobtrail.resume.handlers import _understand
from jobtrail.resume.reading import ReadResume

MODEL = "resume-test-model"

TEXT = """\
Jane Doe
jane.doe@example.com | github.com/janedoe
Experience
Senior Engineer, Acme Corp (Berlin)
04.2017 - 2021
Built the billing system.
Education
BSc Computer Science, TU Berlin, 2016
Skills
Python, PostgreSQL
"""

# What a rule-based parse of TEXT might give: the employer stuck in the position.
LOCAL = Parsed(
    document={
        "basics": {"name": "Jane Doe", "email": "jane.doe@example.com"},
        "work": [{"position": "Senior Engineer, Acme Corp (Berlin)", "startDate": "2017-04",
                  "endDate": "2021", "highlights": ["Built the billing system."]}],
        "skills": [{"name": "Skills", "keywords": ["Python", "PostgreSQL"]}],
    },
    confidence={
        "basics.name": 0.85, "basics.email": 0.99,
        "work[0].position": 0.5, "work[0].startDate": 0.8, "work[0].endDate": 0.9,
        "work[0].highlights[0]": 0.85,
        "skills[0].name": 0.8, "skills[0].keywords[0]": 0.85, "skills[0].keywords[1]": 0.85,
    },
    sections=[{"name": "work", "heading": "Experience"}, {"name": "education",
              "heading": "Education"}, {"name": "skills", "heading": "Skills"}],
    unplaced=["BSc Computer Science, TU Berlin, 2016"],
)  # fmt: skip

# A faithful rearrangement of TEXT.
ARRANGED: dict[str, Any] = {
    "basics": {"name": "Jane Doe", "email": "jane.doe@example.com",
               "profiles": [{"network": "GitHub", "url": "https://github.com/janedoe"}]},
    "work": [{"name": "Acme Corp", "position": "Senior Engineer", "location": "Berlin",
              "startDate": "2017-04", "endDate": "2021",
              "highlights": ["Built the billing system."]}],
    "education": [{"institution": "TU Berlin", "studyType": "BSc",
                   "area": "Computer Science", "endDate": "2016"}],
    "skills": [{"name": "Skills", "keywords": ["Python", "PostgreSQL"]}],
}  # fmt: skip


@dataclass
class ChatServer:
    """Scripted chat completions; `supports` lists the response_format types it accepts."""

    supports: set[str] = field(default_factory=lambda: {"json_schema", "json_object"})
    replies: list[str | int] = field(default_factory=list)  # content, or an HTTP status
    hang: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        if self.hang:
            await self.released.wait()
        wanted = body.get("response_format", {}).get("type")
        if wanted is not None and wanted not in self.supports:
            return _error(400, f"response_format type {wanted!r} is not supported")
        reply = self.replies.pop(0)
        if isinstance(reply, int):
            return _error(reply, f"status {reply}")
        return JSONResponse({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": reply}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        })  # fmt: skip


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "invalid_request_error"}}, status)


@pytest.fixture
async def server() -> AsyncIterator[tuple[ChatServer, str]]:
    chat = ChatServer()
    app = Starlette(routes=[Route("/v1/chat/completions", chat.completions, methods=["POST"])])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    yield chat, f"http://127.0.0.1:{port}/v1"
    chat.released.set()
    running.should_exit = True
    await task


def llm_at(url: str, structured: StructuredMode = "auto", timeout: float = 10.0) -> LLMPass:
    return LLMPass(LLMConfig(url, MODEL, "test-key", structured, timeout))


def assert_asked_properly(body: dict[str, Any], response_format: str | None) -> None:
    """The request a chat-completions server expects: model, messages, response_format."""
    assert body["model"] == MODEL
    roles = [message["role"] for message in body["messages"]]
    assert roles[:2] == ["system", "user"]
    assert body["messages"][0]["content"] == SYSTEM
    assert TEXT in body["messages"][1]["content"]
    assert json.dumps(LOCAL.document) in body["messages"][1]["content"]
    assert body.get("response_format", {}).get("type") == response_format
    if response_format == "json_schema":
        schema = body["response_format"]["json_schema"]["schema"]
        assert body["response_format"]["json_schema"]["name"] == "json_resume"
        assert {"basics", "work", "education", "skills"} <= schema["properties"].keys()


async def test_a_faithful_answer_is_used_with_json_schema(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.replies = [json.dumps(ARRANGED)]
    refined = await llm_at(url, "json_schema").refine(TEXT, LOCAL)

    assert refined.used, refined.provenance
    assert refined.document == ARRANGED
    assert refined.provenance.structured == "json_schema"
    assert refined.provenance.dropped == []
    assert len(chat.requests) == 1
    assert_asked_properly(chat.requests[0], "json_schema")


async def test_an_invented_employer_is_dropped_and_reported(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    invented = {"name": "Globex Corporation", "position": "Staff Engineer",
                "startDate": "2012-09", "endDate": "2017-03"}  # fmt: skip
    wrong_month = {**ARRANGED["work"][0], "startDate": "2017-09"}
    answer = {**ARRANGED, "work": [wrong_month, invented]}
    chat.replies = [json.dumps(answer)]
    refined = await llm_at(url).refine(TEXT, LOCAL)

    dropped = {(d.path, d.value) for d in refined.provenance.dropped}
    assert dropped == {
        ("work[0].startDate", "2017-09"),  # 2017 is there, but with April
        ("work[1].name", "Globex Corporation"),
        ("work[1].position", "Staff Engineer"),
        ("work[1].startDate", "2012-09"),
        ("work[1].endDate", "2017-03"),
    }
    assert refined.used
    assert [job.get("name") for job in refined.document["work"]] == ["Acme Corp"]
    assert "startDate" not in refined.document["work"][0]
    assert validate_json_resume(refined.document) == []

    built = report.build(
        Extracted("txt", TEXT), LOCAL, confidence=refined.confidence,
        document=refined.document, llm=refined.provenance,
    )  # fmt: skip
    assert built.provenance.parser == "local+llm"
    assert built.provenance.llm is not None
    assert {d.value for d in built.provenance.llm.dropped} >= {"Globex Corporation"}


async def test_invalid_json_is_repaired_by_a_second_request_naming_the_problem(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.replies = ['{"basics": {"name": "Jane Doe",', json.dumps(ARRANGED)]  # cut short
    refined = await llm_at(url, "json_object").refine(TEXT, LOCAL)

    assert refined.used
    assert refined.provenance.repaired
    assert refined.document == ARRANGED
    assert len(chat.requests) == 2
    repair = chat.requests[1]
    assert_asked_properly(repair, "json_object")
    cut_short = '{"basics": {"name": "Jane Doe",'
    assert repair["messages"][2] == {"role": "assistant", "content": cut_short}
    assert repair["messages"][3]["role"] == "user"
    assert "not valid JSON" in repair["messages"][3]["content"]


async def test_an_answer_breaking_the_schema_is_repaired_with_its_errors(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.replies = [json.dumps({**ARRANGED, "work": "Acme Corp"}), json.dumps(ARRANGED)]
    refined = await llm_at(url, "json_object").refine(TEXT, LOCAL)

    assert refined.used
    assert refined.provenance.repaired
    assert "$.work" in chat.requests[1]["messages"][3]["content"]


async def test_json_refused_twice_keeps_the_local_parse(server: tuple[ChatServer, str]) -> None:
    chat, url = server
    chat.replies = ["I cannot help with that.", "Sorry, still no."]
    refined = await llm_at(url, "json_object").refine(TEXT, LOCAL)

    assert not refined.used
    assert refined.document == LOCAL.document
    assert refined.confidence == LOCAL.confidence
    assert refined.provenance.fallback is not None
    assert "not valid" in refined.provenance.fallback
    assert len(chat.requests) == 2


async def test_a_server_refusing_json_schema_is_asked_in_json_mode(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.supports = {"json_object"}
    chat.replies = [json.dumps(ARRANGED), json.dumps(ARRANGED)]
    llm = llm_at(url, "auto")
    refined = await llm.refine(TEXT, LOCAL)

    assert refined.used
    assert refined.provenance.structured == "json_object"
    assert len(chat.requests) == 2
    assert_asked_properly(chat.requests[0], "json_schema")
    assert_asked_properly(chat.requests[1], "json_object")

    again = await llm.refine(TEXT, LOCAL)  # the next upload asks in JSON mode at once
    assert again.provenance.structured == "json_object"
    assert len(chat.requests) == 3
    assert_asked_properly(chat.requests[2], "json_object")


async def test_a_server_with_neither_mode_gets_prompted_json_read_from_its_reply(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.supports = set()
    chat.replies = ["Here is the resume:\n```json\n" + json.dumps(ARRANGED) + "\n```\nDone."]
    refined = await llm_at(url, "auto").refine(TEXT, LOCAL)

    assert refined.used
    assert refined.provenance.structured == "none"
    assert refined.document == ARRANGED
    assert [r.get("response_format", {}).get("type") for r in chat.requests] == [
        "json_schema", "json_object", None,
    ]  # fmt: skip
    assert_asked_properly(chat.requests[2], None)


async def test_json_schema_alone_refused_is_a_fallback_not_a_retry_in_other_modes(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.supports = {"json_object"}
    refined = await llm_at(url, "json_schema").refine(TEXT, LOCAL)

    assert not refined.used
    assert refined.provenance.fallback == "the LLM server answered 400"
    assert len(chat.requests) == 1


async def test_a_timeout_keeps_the_local_parse(server: tuple[ChatServer, str]) -> None:
    chat, url = server
    chat.hang = True
    refined = await llm_at(url, timeout=0.2).refine(TEXT, LOCAL)

    assert not refined.used
    assert refined.document == LOCAL.document
    assert refined.provenance.fallback is not None
    assert "timed out" in refined.provenance.fallback or "within" in refined.provenance.fallback


async def test_a_server_error_keeps_the_local_parse(server: tuple[ChatServer, str]) -> None:
    chat, url = server
    chat.replies = [503]
    refined = await llm_at(url, "json_object").refine(TEXT, LOCAL)

    assert not refined.used
    assert refined.provenance.fallback == "the LLM server answered 503"


async def test_an_unreachable_server_keeps_the_local_parse() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    refined = await llm_at(f"http://127.0.0.1:{port}/v1").refine(TEXT, LOCAL)

    assert not refined.used
    assert refined.provenance.fallback is not None


def test_fields_placed_differently_from_the_local_parse_are_unsure() -> None:
    from jobtrail.resume.adapters.llm import confidences

    scores = confidences(ARRANGED, LOCAL)
    assert scores["basics.email"] == 0.99  # the same value in the same field
    assert scores["skills[0].keywords[1]"] == 0.85
    assert scores["work[0].name"] == LLM_CONFIDENCE  # moved out of the position
    assert LLM_CONFIDENCE < UNSURE_BELOW
    built = report.build(
        Extracted("txt", TEXT), LOCAL, confidence=scores, document=ARRANGED,
        llm=None,
    )  # fmt: skip
    assert built.confidence == LOCAL.confidence  # without a used LLM pass, the local scores


# The checks themselves ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("2017", True),
        ("2017-04", True),  # "04.2017"
        ("2017-4", False),  # not an ISO date
        ("2017-05", False),
        ("2016-01", False),
        ("2021-12", False),
        ("1999", False),
    ],
)
def test_a_date_is_found_by_its_year_and_month(value: str, found: bool) -> None:
    assert date_in(value, TEXT) is found


def test_a_month_written_as_a_name_is_found() -> None:
    assert date_in("2019-03", "Engineer, Mar 2019 – Present")
    assert not date_in("2019-03", "Engineer, May 2019 – Present")


def test_strings_are_matched_whole_with_case_and_spacing_normalised() -> None:
    answer = {"basics": {"name": "JANE   DOE", "url": "https://www.github.com/janedoe/"},
              "skills": [{"name": "C", "keywords": ["Postgre", "python"]}]}  # fmt: skip
    kept, dropped = ground(answer, TEXT, {})
    assert kept == {"basics": {"name": "JANE   DOE", "url": "https://www.github.com/janedoe/"},
                    "skills": [{"keywords": ["python"]}]}  # fmt: skip
    assert [d.path for d in dropped] == ["skills[0].name", "skills[0].keywords[0]"]


def test_a_value_the_local_parser_produced_is_kept() -> None:
    kept, dropped = ground({"basics": {"location": {"countryCode": "DE"}}}, TEXT,
                           {"basics": {"location": {"countryCode": "DE"}}})  # fmt: skip
    assert kept == {"basics": {"location": {"countryCode": "DE"}}}
    assert dropped == []


@pytest.mark.parametrize(
    "reply",
    [
        json.dumps(ARRANGED),
        "```json\n" + json.dumps(ARRANGED) + "\n```",
        "Sure! " + json.dumps(ARRANGED) + " Anything else?",
        json.dumps({**ARRANGED, "awards": [], "basics": {**ARRANGED["basics"], "label": None}}),
    ],
)
def test_a_reply_is_read_leniently(reply: str) -> None:
    assert read_reply(reply) == (ARRANGED, [])


def test_a_reply_without_an_object_names_the_problem() -> None:
    assert read_reply("no JSON here") == (None, ["the reply holds no JSON object"])


async def test_the_upload_handler_stores_the_llm_arrangement_with_its_report(
    server: tuple[ChatServer, str],
) -> None:
    chat, url = server
    chat.replies = [json.dumps({**ARRANGED, "awards": [{"title": "Nobel Prize"}]})]
    read = ReadResume("txt", LOCAL.document, len(TEXT), Extracted("txt", TEXT), LOCAL)
    document, built = await _understand(read, llm_at(url))

    assert document == ARRANGED  # the invented award left out
    assert built.provenance.parser == "local+llm"
    assert built.provenance.llm is not None
    assert [(d.path, d.value) for d in built.provenance.llm.dropped] == [
        ("awards[0].title", "Nobel Prize")
    ]
    assert built.confidence["work[0].name"] == LLM_CONFIDENCE
    assert "work[0].name" in built.unsure
    # Still listed: the LLM placed that line only in pieces, and only a line placed whole
    # is taken off the list.
    assert built.unplaced == LOCAL.unplaced


async def test_without_the_llm_pass_the_handler_keeps_the_local_parse() -> None:
    read = ReadResume("txt", LOCAL.document, len(TEXT), Extracted("txt", TEXT), LOCAL)
    document, built = await _understand(read, None)

    assert document == LOCAL.document
    assert built.provenance.parser == "local"
    assert built.provenance.llm is None
