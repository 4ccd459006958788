"""The optional LLM pass: an OpenAI-compatible model rearranges the text into JSON Resume.

Off unless `RESUME_LLM_BASE_URL` and `RESUME_LLM_MODEL` are set. It works through the
`openai` package's `AsyncOpenAI` with a `base_url`, so OpenAI, Ollama, LM Studio and vLLM
all serve. The model sees the extracted text and the local parse and may only rearrange
text the document holds:

- every string it returns is looked up in the extracted text (case and whitespace
  normalised; dates by their year, and their month by name or number beside the year);
  a value also produced by the local parser is accepted as it is. Anything not found is
  dropped and listed in the report (`LLMProvenance.dropped`);
- the answer must validate as JSON Resume, before and after those drops;
- on an error, a timeout, invalid JSON (after one repair request that names the
  problems), or an answer left empty, the local parse is kept and the report says why.

Structured output (`RESUME_LLM_STRUCTURED`): `json_schema` sends the JSON Resume schema
as `response_format`, `json_object` asks for JSON mode only, `none` asks in the prompt
alone; `auto` tries them in that order, moving on when the server answers 400. Whatever
the mode, the reply is read leniently (code fences stripped, the outermost object taken)
and validated.

Confidence. The model gives no calibrated probability: a field it filled exactly as the
local parser did (same field, same value) keeps the local confidence; any other field
gets `LLM_CONFIDENCE`, below the report's unsure threshold, so the user is asked to check
everything the model placed differently.
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import openai
import structlog

from jobtrail.events.parse_reports import DroppedValue, LLMProvenance
from jobtrail.jsonresume import schema as json_resume_schema
from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume.domain.parsing import Parsed

__all__ = ["LLM_CONFIDENCE", "LLMConfig", "LLMPass", "Refined", "StructuredMode"]

log = structlog.get_logger("jobtrail.resume.adapters.llm")

StructuredMode = Literal["json_schema", "json_object", "none", "auto"]
Asked = Literal["json_schema", "json_object", "none"]

# Confidence of a field the LLM placed differently from the local parser (see above).
LLM_CONFIDENCE = 0.6
# Longer texts are not sent: the model would see part of the resume and lose the rest.
MAX_TEXT_CHARS = 40_000
MAX_PROBLEMS = 10

SYSTEM = (
    "You arrange the text of a resume into a JSON Resume document "
    "(https://jsonresume.org/schema). Rules: use only text that appears in the resume; copy "
    "names, employers, positions, institutions, degrees and skills exactly as written; never "
    "invent, infer, translate or complete anything; leave out whatever the resume does not "
    "say; write dates as YYYY, YYYY-MM or YYYY-MM-DD, and leave endDate out for a current "
    "position. Reply with one JSON object and nothing else."
)

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_URL_NOISE = re.compile(r"^(?:https?://)?(?:www\.)?|^mailto:|/+$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_DATE_KEYS = frozenset({"startDate", "endDate", "date", "releaseDate"})
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip


class BadAnswer(Exception):
    """The model's reply is not a valid JSON Resume document, even after a repair."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model is and how to ask it (the resume service's `RESUME_LLM_*` settings)."""

    base_url: str
    model: str
    api_key: str = "none"
    structured: StructuredMode = "auto"
    timeout_seconds: float = 40.0


@dataclass(frozen=True)
class Refined:
    """The document to store, its confidences, and what the LLM pass did."""

    document: dict[str, Any]
    confidence: dict[str, float]
    provenance: LLMProvenance

    @property
    def used(self) -> bool:
        return self.provenance.used


class LLMPass:
    """One OpenAI-compatible client; `refine` never raises for what the model does."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        self._client = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "none",  # local servers want none; the SDK wants one
            timeout=config.timeout_seconds,
            max_retries=0,  # a failed pass falls back at once; the upload is not held up
        )
        # In `auto`, the first mode this server answered: later uploads start there.
        self._answered_in: Asked | None = None

    async def close(self) -> None:
        await self._client.close()

    async def refine(self, text: str, parsed: Parsed) -> Refined:
        """The LLM's arrangement of `text`, checked against it; else the local parse."""
        if len(text) > MAX_TEXT_CHARS:
            return self._keep(parsed, None, f"the text is longer than {MAX_TEXT_CHARS} characters")
        asked: list[Asked] = []  # the modes asked, in order: the last one answered
        try:
            async with asyncio.timeout(self.config.timeout_seconds):
                answer = await self._ask(text, parsed, asked)
        except TimeoutError:
            why = f"the LLM did not answer within {self.config.timeout_seconds:g} s"
            return self._keep(parsed, None, why)
        except openai.APITimeoutError:
            return self._keep(parsed, None, "the LLM server timed out")
        except openai.APIStatusError as error:
            return self._keep(parsed, None, f"the LLM server answered {error.status_code}")
        except openai.OpenAIError as error:
            return self._keep(parsed, None, f"the LLM server failed: {type(error).__name__}")
        except BadAnswer as error:
            return self._keep(parsed, asked[-1], f"the LLM's answer is not valid: {error}")
        except Exception:  # the pass is optional: no fault of it may cost the upload its parse
            log.exception("llm.failed", model=self.config.model)
            return self._keep(parsed, asked[-1] if asked else None, "the LLM pass failed")
        document, dropped = ground(answer.document, text, parsed.document)
        problems = validate_json_resume(document)
        if problems or not document:
            why = "nothing the LLM returned is in the text" if not document else problems[0]
            return self._keep(parsed, answer.mode, why, dropped)
        provenance = LLMProvenance(
            model=self.config.model, structured=answer.mode, used=True,
            repaired=answer.repaired, dropped=dropped,
        )  # fmt: skip
        log.info("llm.refined", dropped=len(dropped), mode=answer.mode, repaired=answer.repaired)
        return Refined(document, confidences(document, parsed), provenance)

    async def _ask(self, text: str, parsed: Parsed, asked: list[Asked]) -> Answer:
        messages: list[dict[str, str]] = [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": prompt(text, parsed.document)},
        ]
        reply, mode = await self._first_reply(messages, asked)
        document, problems = read_reply(reply)
        if not problems and document is not None:
            return Answer(document, mode, repaired=False)
        messages += [
            {"role": "assistant", "content": reply},
            {"role": "user", "content": repair_prompt(problems)},
        ]
        reply = await self._complete(messages, mode, asked)
        document, problems = read_reply(reply)
        if problems or document is None:
            raise BadAnswer("; ".join(problems[:3]))
        return Answer(document, mode, repaired=True)

    async def _first_reply(
        self, messages: list[dict[str, str]], asked: list[Asked]
    ) -> tuple[str, Asked]:
        wanted = self.config.structured
        modes: list[Asked] = (
            ["json_schema", "json_object", "none"] if wanted == "auto" else [wanted]
        )
        if wanted == "auto" and self._answered_in is not None:
            modes = modes[modes.index(self._answered_in) :]  # what this server lacks, it lacks
        for mode in modes:
            try:
                reply = await self._complete(messages, mode, asked)
            except openai.BadRequestError:
                if mode == modes[-1]:
                    raise
                log.info("llm.mode_refused", mode=mode)  # the server lacks it: ask more simply
            else:
                self._answered_in = mode
                return reply, mode
        raise AssertionError("unreachable: the last mode re-raises")

    async def _complete(
        self, messages: list[dict[str, str]], mode: Asked, asked: list[Asked]
    ) -> str:
        asked.append(mode)
        extra: dict[str, Any] = {}
        if mode == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "json_resume", "schema": request_schema()},
            }
        elif mode == "json_object":
            extra["response_format"] = {"type": "json_object"}
        response = await self._client.chat.completions.create(
            model=self.config.model,
            messages=messages,  # type: ignore[arg-type]
            **extra,  # no temperature: some models refuse any but their default
        )
        content = response.choices[0].message.content if response.choices else None
        return content or ""

    def _keep(
        self,
        parsed: Parsed,
        mode: Asked | None,
        why: str,
        dropped: list[DroppedValue] | None = None,
    ) -> Refined:
        log.warning("llm.fallback", reason=why, model=self.config.model)
        provenance = LLMProvenance(
            model=self.config.model, structured=mode, used=False, fallback=why,
            dropped=dropped or [],
        )  # fmt: skip
        return Refined(parsed.document, dict(parsed.confidence), provenance)


@dataclass(frozen=True)
class Answer:
    document: dict[str, Any]
    mode: Asked
    repaired: bool


def prompt(text: str, local: dict[str, Any]) -> str:
    """The user message: the resume's text, and the local parse to correct."""
    return (
        "Resume text:\n-----\n" + text + "\n-----\n"
        "A first parse by a rule-based parser; it may have put text in the wrong fields "
        "or missed some:\n" + json.dumps(local, ensure_ascii=False) + "\n"
        "Return the corrected JSON Resume document as one JSON object."
    )


def repair_prompt(problems: list[str]) -> str:
    """The second request: what was wrong with the first answer."""
    listed = "\n".join(f"- {problem}" for problem in problems[:MAX_PROBLEMS])
    return (
        "That reply is not a valid JSON Resume document:\n" + listed + "\n"
        "Reply again with the corrected JSON object only, using only text from the resume."
    )


def request_schema() -> dict[str, Any]:
    """The JSON Resume schema as a `response_format` carries it (no `$schema`/`$id`)."""
    return {k: v for k, v in json_resume_schema().items() if k not in ("$schema", "$id")}


def read_reply(reply: str) -> tuple[dict[str, Any] | None, list[str]]:
    """The JSON Resume document in a reply, tidied (nulls and empties left out), or problems."""
    body = reply.strip()
    if fenced := _FENCE.search(body):
        body = fenced.group(1).strip()
    start, end = body.find("{"), body.rfind("}")
    if start < 0:
        return None, ["the reply holds no JSON object"]
    try:  # the outermost object; cut short (no closing brace), it fails with a JSON error
        loaded = json.loads(body[start : end + 1] if end > start else body[start:])
    except (ValueError, RecursionError) as error:
        return None, [f"the reply is not valid JSON: {error}"]
    if not isinstance(loaded, dict):
        return None, ["the reply is not a JSON object"]
    document = _pruned(loaded)
    if not isinstance(document, dict):
        return None, ["the reply's object is empty"]
    problems = validate_json_resume(document)
    return (None, problems[:MAX_PROBLEMS]) if problems else (document, [])


def ground(
    document: dict[str, Any], text: str, local: dict[str, Any]
) -> tuple[dict[str, Any], list[DroppedValue]]:
    """The document without the values `text` does not contain, and those values."""
    haystack = normalised(text)
    known = {normalised(str(value)) for _, value in leaves(local)}
    dropped: list[DroppedValue] = []

    def keep(path: str, key: str, value: Any) -> bool:
        if normalised(str(value)) in known:
            return True
        if key in _DATE_KEYS and isinstance(value, str) and _DATE.match(value):
            found = date_in(value, text)
        elif isinstance(value, str):
            found = _found(value, haystack)
        elif isinstance(value, bool):
            found = True  # no JSON Resume field is a flag worth inventing
        else:
            found = str(value) in haystack
        if not found:
            dropped.append(DroppedValue(path=path, value=str(value)))
        return found

    kept = _filtered(document, "", keep)
    return (kept if isinstance(kept, dict) else {}), dropped


def confidences(document: dict[str, Any], parsed: Parsed) -> dict[str, float]:
    """Local confidence where the LLM agrees with the local parse, else `LLM_CONFIDENCE`."""
    local_values = dict(leaves(parsed.document))
    agreed: dict[tuple[str, str], float] = {}
    for path, value in local_values.items():
        key = (_INDEX.sub("[]", path), normalised(str(value)))
        score = parsed.confidence.get(path, LLM_CONFIDENCE)
        agreed[key] = max(agreed.get(key, 0.0), score)
    return {
        path: agreed.get((_INDEX.sub("[]", path), normalised(str(value))), LLM_CONFIDENCE)
        for path, value in leaves(document)
    }


def normalised(text: str) -> str:
    """Text compared for presence: NFKC, case folded, dashes and quotes unified, one space."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    return _SPACE.sub(" ", text.casefold()).strip()


def date_in(value: str, text: str) -> bool:
    """An ISO date is in the text when its year is, and its month by name or by number."""
    match = _DATE.match(value)
    if match is None:
        return False
    year, month = match.group(1), match.group(2)
    folded = text.casefold()
    at = [m.start() for m in re.finditer(rf"(?<!\d){year}(?!\d)", folded)]
    if not at:
        return False
    if month is None:
        return True
    number = int(month)
    if not 1 <= number <= 12:
        return False
    name = _MONTHS[number - 1]  # written out, or cut to three letters ("Sept" too)
    if re.search(rf"(?<![^\W\d_])(?:{name}|{name[:3]}|{name[:4]})(?![^\W\d_])", folded):
        return True
    numeric = re.compile(rf"(?<!\d)0?{number}(?!\d)")
    return any(numeric.search(folded[max(0, i - 8) : i + len(year) + 8]) for i in at)


_INDEX = re.compile(r"\[\d+\]")


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON document with its path (`work[0].name`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _found(value: str, haystack: str) -> bool:
    needle = normalised(value)
    if not needle:
        return False
    if _whole(needle, haystack):
        return True
    bare = _URL_NOISE.sub("", needle)  # "https://www.x.dev/" is written "x.dev"
    return bool(bare) and bare != needle and _whole(bare, haystack)


def _whole(needle: str, haystack: str) -> bool:
    """`needle` in `haystack`, not as a piece of a longer word ("C" is not in "Acme")."""
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def _filtered(value: Any, path: str, keep: Any, key: str = "") -> Any:
    """`value` with the leaves `keep` refuses taken out, and containers left empty removed."""
    if isinstance(value, dict):
        kept = {}
        for name, item in value.items():
            child = _filtered(item, f"{path}.{name}" if path else name, keep, name)
            if child is not None:
                kept[name] = child
        return kept or None
    if isinstance(value, list):
        items = [_filtered(item, f"{path}[{i}]", keep, key) for i, item in enumerate(value)]
        remaining = [item for item in items if item is not None]
        return remaining or None
    return value if keep(path, key, value) else None


def _pruned(value: Any) -> Any:
    """Nulls, empty strings and empty containers left out (models write them for "unknown")."""
    if isinstance(value, dict):
        kept = {k: v for k, v in ((k, _pruned(v)) for k, v in value.items()) if v is not None}
        return kept or None
    if isinstance(value, list):
        items = [item for item in (_pruned(v) for v in value) if item is not None]
        return items or None
    if isinstance(value, str):
        return value.strip() or None
    return value
