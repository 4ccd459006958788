"""The OpenAI adapter of the `LLM` port: chat completions with structured outputs.

Works with any OpenAI-compatible server (`base_url`). The SDK's own retries are off:
`reliability.with_retries` retries with jitter and honours Retry-After, and the circuit
breaker needs to see each failure.
"""

from __future__ import annotations

import json
from typing import Any

import openai

from jobtrail.ai_worker.llm import Completion, LLMBadOutput, LLMError, LLMRequest, LLMUnavailable


class OpenAILLM:
    name = "openai"

    def __init__(self, base_url: str | None, api_key: str, model: str, timeout: float) -> None:
        self.model = model
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0
        )

    async def close(self) -> None:
        await self._client.close()

    async def complete(self, request: LLMRequest) -> Completion:
        try:
            response = await self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": request.system},
                    {"role": "user", "content": request.user},
                ],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": request.task.kind, "schema": request.schema},
                },
            )
        except openai.APITimeoutError as error:
            raise LLMUnavailable(f"the AI provider timed out: {error}") from error
        except openai.APIConnectionError as error:
            raise LLMUnavailable(f"cannot reach the AI provider: {error}") from error
        except openai.APIStatusError as error:
            raise _status_error(error) from error
        return _completion(response, self.model)


def _status_error(error: openai.APIStatusError) -> LLMError:
    status = error.status_code
    if status == 429 or status >= 500:
        return LLMUnavailable(
            f"the AI provider answered {status}", retry_after=_retry_after(error.response)
        )
    return LLMError(f"the AI provider refused the request ({status}): {error.message}")


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _completion(response: Any, model: str) -> Completion:
    try:
        content = response.choices[0].message.content
        output = json.loads(content)
    except (AttributeError, IndexError, TypeError, json.JSONDecodeError) as error:
        raise LLMBadOutput(f"the AI provider's answer is not JSON: {error}") from error
    if not isinstance(output, dict):
        raise LLMBadOutput("the AI provider's answer is not a JSON object")
    usage = response.usage
    return Completion(
        output=output,
        model=getattr(response, "model", None) or model,
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
    )
