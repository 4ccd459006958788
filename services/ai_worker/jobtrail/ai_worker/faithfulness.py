"""The faithfulness check every output of every provider must pass before it is offered.

Structured facts (a tailored resume's employers, titles, dates, degrees, certificates and
skills) must each be in the source resume. Free text is scanned for what a model tends to
make up: organisations named after "at / for / with / joined", degrees and certifications,
years and other numbers, and well-known skills; each must be traceable to the resume (or,
for text about a posting, the posting and the job seeker's preferences).
"""

from __future__ import annotations

import re
from typing import Any

from jobtrail.ai_worker.resumes import Facts, entries, norm, skill_names, texts
from jobtrail.ai_worker.tasks import TaskInput, words

_ORG = re.compile(
    r"\b(?:at|for|with|joined|from)[ ]+([A-Z][\w&'\-]*(?:[ ]+(?:of|&|[A-Z][\w&'\-]*))*)"
)
_NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d%?|(?<![\w.])\d%?")
_DEGREES = ("bachelor", "master", "phd", "ph.d", "mba", "msc", "bsc", "doctorate", "certified")
# Skills a model likes to add; an output naming one the sources lack has invented it.
KNOWN_SKILLS = frozenset(
    [
        "python",
        "java",
        "javascript",
        "typescript",
        "go",
        "golang",
        "rust",
        "c++",
        "c#",
        "ruby",
        "php",
        "scala",
        "kotlin",
        "swift",
        "sql",
        "postgresql",
        "mysql",
        "mongodb",
        "redis",
        "kafka",
        "spark",
        "hadoop",
        "airflow",
        "dbt",
        "snowflake",
        "bigquery",
        "aws",
        "azure",
        "gcp",
        "kubernetes",
        "docker",
        "terraform",
        "ansible",
        "linux",
        "react",
        "angular",
        "vue",
        "node.js",
        "django",
        "flask",
        "fastapi",
        "spring",
        "graphql",
        "rest",
        "grpc",
        "tensorflow",
        "pytorch",
        "pandas",
        "numpy",
        "scikit-learn",
        "tableau",
        "excel",
        "jira",
        "figma",
        "salesforce",
        "sap",
        "html",
        "css",
        "mpeg",
        "mp4",
        "gif",
    ]
)


def check(task: TaskInput, output: dict[str, Any]) -> list[str]:
    """What the output claims that the sources do not support (empty: faithful)."""
    facts = Facts.of(task.resume)
    invented: list[str] = []
    if task.kind == "tailor_resume":
        invented += _structured(facts, output)
    source_text = " ".join(texts(task.resume))
    allowed_text = source_text
    if task.posting is not None:
        allowed_text += " " + " ".join([task.posting.company, task.posting.text])
    if task.preferences:
        allowed_text += " " + " ".join(texts(task.preferences))
    body = "\n".join(texts(output))
    invented += _free_text(body, source_text, allowed_text, task)
    return sorted(set(invented), key=invented.index)


def _structured(facts: Facts, output: dict[str, Any]) -> list[str]:
    found = []
    for entry in entries(output, "work"):
        found += _missing("employer", entry.get("name"), facts.employers)
        found += _missing("title", entry.get("position"), facts.titles)
        for key in ("startDate", "endDate"):
            found += _missing("date", entry.get(key), facts.dates)
    for school in entries(output, "education"):
        found += _missing("employer", school.get("institution"), facts.employers)
        for key in ("studyType", "area"):
            found += _missing("degree", school.get(key), facts.degrees)
        for key in ("startDate", "endDate"):
            found += _missing("date", school.get(key), facts.dates)
    for certificate in entries(output, "certificates"):
        found += _missing("certificate", certificate.get("name"), facts.certificates)
    for skill in skill_names(output):
        found += _missing("skill", skill, facts.skills)
    return found


def _missing(label: str, value: Any, known: frozenset[str]) -> list[str]:
    if isinstance(value, str) and value.strip() and norm(value) not in known:
        return [f"{label}: {value.strip()}"]
    return []


def _free_text(body: str, source_text: str, allowed_text: str, task: TaskInput) -> list[str]:
    allowed_words = words(allowed_text)
    source_words = words(source_text)
    found = []
    for match in _ORG.finditer(body):
        name = match.group(1).strip(".,;:'")
        if name and not words(name) <= allowed_words:
            found.append(f"employer: {name}")
    allowed_numbers = set(_NUMBER.findall(allowed_text))
    for number in _NUMBER.findall(body):
        if number not in allowed_numbers:
            found.append(f"number or date: {number}")
    body_words = words(body)
    for degree in _DEGREES:
        if degree in body_words and degree not in source_words:
            found.append(f"degree or certificate: {degree}")
    # A tailored resume may only list the resume's skills; texts may also name the posting's.
    skill_source = source_words if task.kind == "tailor_resume" else allowed_words
    for skill in sorted(KNOWN_SKILLS & body_words - skill_source):
        found.append(f"skill: {skill}")
    return found
