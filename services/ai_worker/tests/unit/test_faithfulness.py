"""The offline provider never invents; the check catches what other providers invent."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from jobtrail.ai_worker.faithfulness import check
from jobtrail.ai_worker.llm import LLMRequest
from jobtrail.ai_worker.offline import OfflineLLM
from jobtrail.ai_worker.tasks import SCHEMAS, Posting, TaskInput, render_prompt

RESUME: dict[str, Any] = json.loads(
    (Path(__file__).parents[4] / "tests" / "data" / "sample.resume.json").read_text()
)
POSTING = Posting("Compression Engineer", "Hooli", "Algorithms, Javascript, MP4", ("MP4", "Rust"))
KINDS = list(SCHEMAS)


def task(kind: str) -> TaskInput:
    return TaskInput(kind=kind, resume=RESUME, posting=POSTING, preferences={"roles": ["CTO"]})


async def output(kind: str) -> dict[str, Any]:
    t = task(kind)
    system, user = render_prompt(t)
    return (await OfflineLLM().complete(LLMRequest(t, system, user, SCHEMAS[kind]))).output


@pytest.mark.parametrize("kind", KINDS)
async def test_offline_outputs_pass_the_check(kind: str) -> None:
    assert check(task(kind), await output(kind)) == []


async def test_tailoring_puts_the_most_relevant_skills_first_and_keeps_every_fact() -> None:
    tailored = await output("tailor_resume")
    assert tailored["skills"][0]["name"] == "Compression"  # MP4 is asked for
    assert tailored["skills"][0]["keywords"][0] == "MP4"
    assert sorted(map(str, tailored["work"][0]["highlights"])) == sorted(
        map(str, RESUME["work"][0]["highlights"])
    )


async def test_an_added_employer_title_date_or_skill_is_reported() -> None:
    tailored = copy.deepcopy(await output("tailor_resume"))
    tailored["work"].append({"name": "Initech", "position": "CTO", "startDate": "2019-01-01"})
    tailored["skills"].append({"name": "Rust"})
    tailored["education"][0]["studyType"] = "PhD"

    invented = check(task("tailor_resume"), tailored)

    for fact in ("employer: Initech", "title: CTO", "date: 2019-01-01", "skill: rust",
                 "degree: PhD"):  # fmt: skip
        assert fact in invented


async def test_a_letter_naming_an_invented_employer_or_number_is_reported() -> None:
    letter = await output("cover_letter")
    letter["body"] += " I spent 7 years at Initech and hold an MBA."

    invented = check(task("cover_letter"), letter)

    assert "employer: Initech" in invented
    assert "number or date: 7" in invented
    assert "degree or certificate: mba" in invented


async def test_a_letter_may_name_the_postings_company_and_skills() -> None:
    letter = {"subject": "x", "body": "I would bring MP4 work to the team at Hooli."}
    assert check(task("cover_letter"), letter) == []
