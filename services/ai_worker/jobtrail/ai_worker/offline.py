"""The offline provider: extractive, deterministic, and unable to invent a fact.

Tailoring reorders the resume's own entries, highlights and skills by relevance to the
posting; letters, summaries, prompts and interview notes are composed from sentences that
quote the resume (and the posting or the job seeker's preferences) and nothing else.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from jobtrail.ai_worker.llm import Completion, LLMRequest
from jobtrail.ai_worker.resumes import entries, skill_names
from jobtrail.ai_worker.tasks import Posting, TaskInput, words

MODEL = "offline-extractive-1"
SENTENCES = {"short": 1, "medium": 3, "long": 5}
CLOSINGS = {
    "professional": "Thank you for your consideration.",
    "warm": "I would love to talk about how I can help your team.",
    "enthusiastic": "I am excited about this role and would be glad to talk soon!",
    "concise": "Thank you.",
}


class OfflineLLM:
    """The embedded default `LLM`: needs no network, costs nothing, never invents."""

    name = "offline"
    model = MODEL

    async def complete(self, request: LLMRequest) -> Completion:
        output = BUILDERS[request.task.kind](request.task)
        return Completion(
            output=output,
            model=MODEL,
            prompt_tokens=_tokens(request.system + request.user),
            completion_tokens=_tokens(json.dumps(output)),
        )


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)  # the usual ~4 characters a token


def _relevance(text: str, wanted: set[str]) -> int:
    return len(words(text) & wanted)


def _wanted(posting: Posting | None) -> set[str]:
    return words(posting.text) if posting else set()


def tailor(task: TaskInput) -> dict[str, Any]:
    wanted = _wanted(task.posting)
    resume = copy.deepcopy(task.resume)
    for entry in entries(resume, "work"):
        highlights = entry.get("highlights")
        if isinstance(highlights, list):
            # sorted() is stable: equally relevant highlights keep the author's order
            entry["highlights"] = sorted(highlights, key=lambda h: -_relevance(str(h), wanted))
    skills = entries(resume, "skills")
    for skill in skills:
        keywords = skill.get("keywords")
        if isinstance(keywords, list):
            skill["keywords"] = sorted(keywords, key=lambda k: -_relevance(str(k), wanted))
    if skills:
        resume["skills"] = sorted(
            skills, key=lambda s: -_relevance(" ".join(map(str, _skill_words(s))), wanted)
        )
    resume.setdefault("basics", {})
    return resume


def _skill_words(skill: dict[str, Any]) -> list[Any]:
    return [skill.get("name", ""), *(skill.get("keywords") or [])]


def _evidence(task: TaskInput) -> list[tuple[int, str]]:
    """(relevance, sentence) for every highlight, quoting who and where from the resume."""
    wanted = _wanted(task.posting)
    found = []
    for order, entry in enumerate(entries(task.resume, "work")):
        employer, position = entry.get("name"), entry.get("position")
        for highlight in entry.get("highlights") or []:
            where = f"As {position} at {employer}" if employer and position else "In my work"
            sentence = f"{where}: {str(highlight).rstrip('.')}."
            found.append((_relevance(str(highlight), wanted) * 100 - order, sentence))
    return sorted(found, key=lambda pair: -pair[0])


def _matched_skills(task: TaskInput) -> list[str]:
    mine = {s.lower(): s for s in _original_skills(task.resume)}
    asked = [s.lower() for s in (task.posting.skills if task.posting else ())]
    wanted = _wanted(task.posting)
    matched = [mine[a] for a in asked if a in mine]
    matched += [s for k, s in mine.items() if k in wanted and s not in matched]
    return matched


def _original_skills(resume: dict[str, Any]) -> list[str]:
    names = []
    for skill in entries(resume, "skills"):
        for name in _skill_words(skill):
            if isinstance(name, str) and name.strip() and name not in names:
                names.append(name.strip())
    return names


def cover_letter(task: TaskInput) -> dict[str, Any]:
    posting = task.posting or Posting()
    name = (task.resume.get("basics") or {}).get("name") or ""
    team = f"{posting.company} team" if posting.company else "hiring team"
    role = f"the {posting.title} role" if posting.title else "this role"
    paragraphs = [f"Dear {team},", f"I am writing to apply for {role}."]
    count = SENTENCES.get(task.length, 3)
    paragraphs.append(" ".join(sentence for _, sentence in _evidence(task)[:count]))
    skills = _matched_skills(task)
    if skills:
        paragraphs.append("The skills you ask for that I bring: " + ", ".join(skills[:8]) + ".")
    paragraphs.append(CLOSINGS.get(task.tone, CLOSINGS["professional"]))
    paragraphs.append(f"Sincerely,\n{name}".rstrip())
    subject = f"Application: {posting.title}" if posting.title else "Application"
    return {"subject": subject, "body": "\n\n".join(p for p in paragraphs if p)}


def summarize(task: TaskInput) -> dict[str, Any]:
    basics = task.resume.get("basics") or {}
    work = entries(task.resume, "work")
    sentences = []
    label = basics.get("label") or (work[0].get("position") if work else None)
    employers = [w["name"] for w in work if w.get("name")][:3]
    if label and employers:
        sentences.append(f"{label} with experience at {', '.join(employers)}.")
    elif label:
        sentences.append(f"{label}.")
    skills = _original_skills(task.resume)[:6]
    if skills:
        sentences.append(f"Skilled in {', '.join(skills)}.")
    for school in entries(task.resume, "education")[:1]:
        degree = " in ".join(x for x in (school.get("studyType"), school.get("area")) if x)
        if degree and school.get("institution"):
            sentences.append(f"{degree} from {school['institution']}.")
    evidence = _evidence(task)
    if evidence:
        sentences.append(evidence[0][1])
    return {"summary": " ".join(sentences)}


def research_prompt(task: TaskInput) -> dict[str, Any]:
    prefs = task.preferences
    work = entries(task.resume, "work")
    roles = list(prefs.get("roles") or [w["position"] for w in work[:2] if w.get("position")])
    locations = list(prefs.get("locations") or [])
    remote = prefs.get("remote", "any")
    must = list(prefs.get("skills") or _original_skills(task.resume)[:5])
    employers = [w["name"] for w in work if w.get("name")][:3]
    sources = ["company career pages", "LinkedIn Jobs", "Indeed", "Wellfound", "Glassdoor"]
    lines = [
        "You are a research agent. Find current job openings that match this candidate.",
        f"Roles: {', '.join(roles) or 'roles matching the experience below'}.",
        f"Locations: {', '.join(locations) or 'any'}; work mode: {remote}.",
        f"Must-haves: {', '.join(must) or 'none stated'}.",
    ]
    salary = prefs.get("salary") or {}
    if salary.get("minimum"):
        lines.append(
            f"Minimum salary: {salary['minimum']} {salary.get('currency', 'USD')} per "
            f"{salary.get('period', 'year')}."
        )
    if employers:
        lines.append(
            "Companies to look at: organisations similar to where the candidate worked "
            f"({', '.join(employers)}), and their competitors."
        )
    lines.append(f"Sources to search: {', '.join(sources)}.")
    lines.append("For each opening give title, company, location, link, and why it matches.")
    return {"prompt": "\n".join(lines), "roles": roles, "locations": locations, "sources": sources}


def interview_prep(task: TaskInput) -> dict[str, Any]:
    questions = []
    highlights = [
        (str(h), w) for w in entries(task.resume, "work") for h in w.get("highlights") or []
    ]
    asked = list(task.posting.skills if task.posting else ())[:5]
    mine = {s.lower() for s in skill_names(task.resume)}
    for skill in asked:
        evidence = [h for h, _ in highlights if skill.lower() in h.lower()][:2]
        if skill.lower() in mine:
            evidence.append(f"Skills section lists {skill}.")
        if not evidence:
            evidence = ["No direct evidence in your resume: say how you would get up to speed."]
        questions.append(
            {"question": f"Tell us about your experience with {skill}.", "evidence": evidence}
        )
    for entry in entries(task.resume, "work")[:2]:
        if entry.get("name") and entry.get("position"):
            questions.append({
                "question": f"Walk us through your role as {entry['position']} at {entry['name']}.",
                "evidence": [str(h) for h in (entry.get("highlights") or [])[:3]],
            })  # fmt: skip
    return {"questions": questions}


BUILDERS = {
    "tailor_resume": tailor,
    "cover_letter": cover_letter,
    "summarize_resume": summarize,
    "research_prompt": research_prompt,
    "interview_prep": interview_prep,
}
