"""The hybrid ranking: each feature moves the score the right way; requirements; calibration."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from datetime import date

import numpy as np

from jobtrail.jobs import occupations, ranking
from jobtrail.jobs.embedding import Vectors, normalise

TODAY = date(2026, 11, 1)


class WordsEmbedder:
    """A fake of our Embedder port: hashed bag of words, so shared words mean closeness."""

    model = "test/words"
    dimensions = 64

    async def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dimensions] += 1
        return normalise(out + 1e-3)


def backend_resume(title: str = "Senior Backend Engineer", start: str = "2015-01") -> dict:
    return {
        "basics": {"label": title, "summary": "Backend engineer building Python services."},
        "work": [
            {
                "position": title,
                "startDate": "2020-01",
                "highlights": [
                    "Built billing services in Python and Django on PostgreSQL",
                    "Ran them on Docker and Kubernetes in AWS",
                ],
            },
            {
                "position": "Software Engineer",
                "startDate": start,
                "endDate": "2019-12",
                "highlights": ["Wrote Java services with Kafka"],
            },
        ],
        "skills": [{"name": "Backend", "keywords": ["Python", "Django", "PostgreSQL", "Redis"]}],
    }


def score(resume: dict, posting: dict, similarity: float = 0.5, lexical: float = 0.5) -> int:
    facts = ranking.resume_facts(resume, today=TODAY)
    return ranking.score_pair(facts, ranking.requirements(posting), similarity, lexical).score


def probability(
    resume: dict, posting: dict, similarity: float = 0.5, lexical: float = 0.5
) -> float:
    facts = ranking.resume_facts(resume, today=TODAY)
    result = ranking.score_pair(facts, ranking.requirements(posting), similarity, lexical)
    return float(result.explanation["probability"])


def test_a_posting_requiring_what_the_resume_has_outranks_one_requiring_what_it_lacks() -> None:
    fits = {
        "title": "Backend Engineer",
        "description": "Requirements:\n- Python\n- PostgreSQL\n- Docker",
    }
    lacks = {"title": "Backend Engineer", "description": "Requirements:\n- Rust\n- Elixir\n- Scala"}
    assert probability(backend_resume(), fits) > probability(backend_resume(), lacks)


def test_rank_puts_the_posting_the_resume_fits_first() -> None:
    resume = backend_resume()
    text = "Senior backend engineer. Python, Django, PostgreSQL, Docker, Kubernetes, AWS."
    postings = [
        {"id": "nurse", "title": "Registered Nurse",
         "description": "Requirements:\nPatient care, triage, ward rounds."},
        {"id": "backend", "title": "Senior Backend Engineer",
         "description": "Must have: Python, Django, PostgreSQL, Docker. 5+ years of experience."},
    ]  # fmt: skip
    ranked = ranking.rank(resume, text, postings, WordsEmbedder())
    assert [r[0] for r in ranked] == ["backend", "nurse"]
    assert ranked[0][1] >= ranked[1][1]
    assert {"title_fit", "seniority_fit", "years", "components"} <= set(ranked[0][2])


def test_listing_many_skills_does_not_lose_to_listing_few() -> None:
    many = [
        "Python",
        "Django",
        "PostgreSQL",
        "Docker",
        "Kubernetes",
        "AWS",
        "Redis",
        "Kafka",
        "Java",
        "Git",
        "Linux",
        "REST",
        "SQL",
        "Terraform",
        "Go",
        "GraphQL",
        "React",
    ]
    three = ["Python", "Flask", "Excel"]
    big = {"title": "Backend Engineer", "skills": many}
    small = {"title": "Backend Engineer", "skills": three}
    resume = backend_resume()
    resume["skills"][0]["keywords"] += ["Git", "Linux", "REST", "SQL"]
    assert probability(resume, big) > probability(resume, small)


def test_a_senior_posting_outranks_a_junior_one_for_a_senior_resume() -> None:
    senior = {"title": "Senior Backend Engineer", "skills": ["Python"]}
    junior = {"title": "Junior Backend Engineer", "skills": ["Python"]}
    assert probability(backend_resume(), senior) > probability(backend_resume(), junior)
    new = backend_resume(title="Junior Backend Engineer", start="2019-06")
    new["work"][0]["startDate"] = "2025-01"
    assert probability(new, junior) > probability(new, senior)


def test_years_asked_beyond_those_shown_lower_the_score() -> None:
    resume = backend_resume(start="2022-06")
    resume["work"][0]["startDate"] = "2023-01"  # about four years in all
    asks_3 = {"title": "Backend Engineer", "description": "3+ years of experience with Python"}
    asks_12 = {"title": "Backend Engineer", "description": "12+ years of experience with Python"}
    assert probability(resume, asks_3) > probability(resume, asks_12)


def test_lacking_a_required_skill_costs_more_than_lacking_a_nice_to_have() -> None:
    resume = backend_resume()
    rust_required = {"title": "Backend Engineer", "description":
                     "Requirements:\n- Python\n- Rust\n\nNice to have:\n- Django"}  # fmt: skip
    rust_bonus = {"title": "Backend Engineer", "description":
                  "Requirements:\n- Python\n- Django\n\nNice to have:\n- Rust"}  # fmt: skip
    assert probability(resume, rust_bonus) > probability(resume, rust_required)


def test_recent_evidence_counts_more_than_old() -> None:
    wants_java = {"title": "Backend Engineer", "skills": ["Java", "Kafka"]}
    wants_python = {"title": "Backend Engineer", "skills": ["Python", "Docker"]}
    # Java and Kafka appear only in the job that ended in 2019.
    assert probability(backend_resume(), wants_python) > probability(backend_resume(), wants_java)


def test_title_and_occupation_fit_counts() -> None:
    same = {"title": "Software Developer", "description": "We build things."}
    other = {"title": "Registered Nurse", "description": "We build things."}
    assert probability(backend_resume(), same) > probability(backend_resume(), other)
    assert occupations.occupation("Sr. Backend Developer") == occupations.occupation(
        "Full Stack Engineer"
    )


def test_a_description_only_posting_gets_requirements() -> None:
    posting = {
        "title": "Senior Data Engineer",
        "description": (
            "About us\nWe move data.\n\nRequirements:\n- 5+ years of experience with Python\n"
            "- Strong SQL and Airflow\n\nNice to have:\n- Kafka\n- Terraform is a plus\n"
        ),
    }
    wanted = ranking.requirements(posting)
    assert {"Python", "SQL", "Airflow"} <= set(wanted["required"])
    assert set(wanted["nice_to_have"]) == {"Kafka", "Terraform"}
    assert wanted["years_min"] == 5
    assert wanted["seniority"] == "senior"
    assert wanted["occupation"] is not None


def test_resume_facts_measure_years_once_for_overlapping_jobs() -> None:
    resume = {"work": [
        {"position": "Engineer", "startDate": "2018-01", "endDate": "2022-01"},
        {"position": "Consultant", "startDate": "2020-01", "endDate": "2024-01"},
    ]}  # fmt: skip
    assert ranking.resume_facts(resume, today=TODAY)["years"] == 6.0


def test_calibration_is_monotone_and_spans_0_to_100_for_every_embedding_model() -> None:
    grid = [i / 200 for i in range(201)]
    for model, fit in ranking.FITS.items():
        scores = [ranking.calibrate(p, model) for p in grid]
        assert scores == sorted(scores), model
        assert scores[0] >= 0
        assert scores[-1] <= 100
        assert all(a[0] <= b[0] for a, b in itertools.pairwise(fit.calibration))
        assert all(a[1] <= b[1] for a, b in itertools.pairwise(fit.calibration))
    assert ranking.fit_for("some/other-model") == ranking.fit_for(None)


def test_the_combined_score_rises_with_every_feature() -> None:
    base = {k: 0.4 for k in ranking.WEIGHTS}
    low, _ = ranking.combine(base)
    for name in ranking.WEIGHTS:
        high, _ = ranking.combine({**base, name: 0.9})
        assert high >= low, name


def test_lexical_scores_are_relative_to_the_best_posting() -> None:
    scores = ranking.lexical_scores("python django postgres", [
        "python django postgres engineer", "python", "nursing and patient care",
    ])  # fmt: skip
    assert scores[0] == 1.0
    assert 0 < scores[1] < 1
    assert scores[2] == 0.0


def test_skills_the_vocabulary_does_not_know_are_read_and_matched_word_for_word() -> None:
    posting = {"title": "Accountant", "description":
               "Requirements:\n- Experience with QuickBooks\n- SAP\n\nBonus:\n- Xero"}  # fmt: skip
    wanted = ranking.requirements(posting)
    assert {"QuickBooks", "SAP"} <= set(wanted["required"])
    assert wanted["nice_to_have"] == ["Xero"]
    resume = {"basics": {"label": "Accountant"},
              "work": [{"position": "Accountant", "startDate": "2020-01",
                        "highlights": ["Closed the books monthly in QuickBooks"]}]}  # fmt: skip
    facts = ranking.resume_facts(resume, today=TODAY)
    why = ranking.score_pair(facts, wanted, 0.5, 0.5).explanation
    assert why["matched_skills"] == ["QuickBooks"]
    assert why["missing_skills"] == ["SAP"]
