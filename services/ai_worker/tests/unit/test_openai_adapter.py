"""The OpenAI adapter against a local HTTP server speaking the chat-completions API."""

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

from jobtrail.ai_worker.adapters.openai import OpenAILLM
from jobtrail.ai_worker.llm import LLMBadOutput, LLMError, LLMRequest, LLMUnavailable
from jobtrail.ai_worker.reliability import CircuitBreaker, RetryPolicy, with_retries
from jobtrail.ai_worker.tasks import SCHEMAS, TaskInput, render_prompt

RESUME = {"basics": {"name": "Ada"}, "work": [{"name": "Acme", "position": "Engineer"}]}


@dataclass
class FakeOpenAI:
    """Answers from a script: each entry is 'ok', 'malformed', 'slow', or an HTTP status."""

    script: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        step = self.script.pop(0) if self.script else "ok"
        if step == "slow":
            await asyncio.sleep(2)
        if isinstance(step, int):
            headers = {"retry-after": "0.05"} if step == 429 else {}
            return JSONResponse({"error": {"message": f"status {step}"}}, step, headers=headers)
        content = (
            "{not json" if step == "malformed" else json.dumps({"summary": "Engineer at Acme."})
        )
        return JSONResponse({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
        })  # fmt: skip


@pytest.fixture
async def server() -> AsyncIterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()
    app = Starlette(routes=[Route("/v1/chat/completions", fake.completions, methods=["POST"])])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:  # noqa: ASYNC110 - uvicorn offers no event to wait on
        await asyncio.sleep(0.01)
    yield fake, f"http://127.0.0.1:{port}/v1"
    running.should_exit = True
    await task


def a_request() -> LLMRequest:
    task = TaskInput(kind="summarize_resume", resume=RESUME)
    system, user = render_prompt(task)
    return LLMRequest(task, system, user, SCHEMAS["summarize_resume"])


def llm(url: str, timeout: float = 5.0) -> OpenAILLM:
    return OpenAILLM(url, "test-key", "gpt-test", timeout)


async def test_a_normal_answer_is_parsed_with_its_token_counts(server: Any) -> None:
    fake, url = server
    completion = await llm(url).complete(a_request())

    assert completion.output == {"summary": "Engineer at Acme."}
    assert (completion.prompt_tokens, completion.completion_tokens) == (42, 7)
    sent = fake.requests[0]
    assert sent["model"] == "gpt-test"
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMAS["summarize_resume"]


async def test_429_is_retried_after_retry_after(server: Any) -> None:
    fake, url = server
    fake.script = [429, 429, "ok"]
    adapter = llm(url)

    completion = await with_retries(lambda: adapter.complete(a_request()), RetryPolicy(4, 0.01))

    assert completion.output["summary"]
    assert len(fake.requests) == 3


async def test_429_carries_the_retry_after_header(server: Any) -> None:
    fake, url = server
    fake.script = [429]
    with pytest.raises(LLMUnavailable) as raised:
        await llm(url).complete(a_request())
    assert raised.value.retry_after == 0.05


async def test_500_is_retried_then_given_up(server: Any) -> None:
    fake, url = server
    fake.script = [500, 500, 500]
    adapter = llm(url)

    with pytest.raises(LLMUnavailable):
        await with_retries(lambda: adapter.complete(a_request()), RetryPolicy(3, 0.01))
    assert len(fake.requests) == 3


async def test_a_timeout_is_a_retryable_failure(server: Any) -> None:
    fake, url = server
    fake.script = ["slow", "ok"]
    adapter = llm(url, timeout=0.3)

    with pytest.raises(LLMUnavailable, match="timed out"):
        await adapter.complete(a_request())
    assert (await adapter.complete(a_request())).output


async def test_malformed_json_is_a_bad_output(server: Any) -> None:
    fake, url = server
    fake.script = ["malformed", "ok"]
    adapter = llm(url)

    with pytest.raises(LLMBadOutput):
        await adapter.complete(a_request())
    recovered = await with_retries(lambda: adapter.complete(a_request()), RetryPolicy(2, 0.01))
    assert recovered.output


async def test_a_refused_request_is_not_retried(server: Any) -> None:
    fake, url = server
    fake.script = [400, "ok"]
    adapter = llm(url)

    with pytest.raises(LLMError) as raised:
        await with_retries(lambda: adapter.complete(a_request()), RetryPolicy(3, 0.01))
    assert not raised.value.retryable
    assert len(fake.requests) == 1


async def test_the_circuit_opens_while_the_provider_is_down(server: Any) -> None:
    fake, url = server
    fake.script = [500, 500]
    adapter, breaker = llm(url), CircuitBreaker(threshold=2, cooldown=60)

    for _ in range(2):
        with pytest.raises(LLMUnavailable):
            await breaker.call(lambda: adapter.complete(a_request()))
    with pytest.raises(LLMError, match="not calling it"):
        await breaker.call(lambda: adapter.complete(a_request()))
    assert len(fake.requests) == 2
    assert breaker.state == "open"
