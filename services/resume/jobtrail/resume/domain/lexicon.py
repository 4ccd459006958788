"""Words that tell a job title from an organisation, and a degree from a school."""

from __future__ import annotations

import re


def words_of(text: str) -> frozenset[str]:
    """The space-separated words of `text`: word lists read better as prose."""
    return frozenset(text.split())


TITLE_WORDS = words_of(
    """
    engineer engineers developer developers programmer manager director analyst designer
    consultant intern internship lead architect officer specialist administrator sysadmin
    scientist researcher assistant associate coordinator founder cofounder co-founder ceo cto
    cfo coo cio cmo vp president head chief senior sr junior jr principal staff technician
    teacher tutor instructor lecturer professor fellow student trainee apprentice owner
    partner advisor adviser accountant nurse editor writer executive representative agent
    operator supervisor contractor freelancer freelance volunteer devops tester qa recruiter
    marketer strategist producer clerk secretary receptionist attorney lawyer paralegal
    pharmacist therapist chef mechanic electrician technologist master coach evangelist
    owner investigator auditor economist statistician librarian counselor counsellor
    support management manager administration eng mgr dev
    ambassador cashier bartender barista waiter waitress server cook driver nutritionist
    trainer leader worker estimator inspector planner buyer merchandiser teller banker
    broker underwriter adjuster dispatcher custodian janitor guard aide caregiver foreman
    superintendent controller treasurer translator interpreter linguist physician surgeon
    dentist paramedic welder machinist carpenter plumber photographer videographer artist
    musician animator illustrator copywriter journalist reporter correspondent promoter
    steward salesperson salesman saleswoman
    """
)

ORGANISATION_WORDS = words_of(
    """
    inc inc. llc ltd ltd. limited corp corp. corporation company co co. gmbh ag sa s.a. plc
    pvt pty group holdings technologies solutions systems labs lab laboratory studio studios
    partners bank university college school institute hospital agency foundation consulting
    services media networks international industries enterprises ventures capital bv b.v.
    srl sdn bhd ab oy kk llp lp nv gmbh. ministry department council
    club center centre store stores market shop restaurant cafe hotel clinic church museum
    library press publishing publications association society authority district firm
    bureau factory motors trust network
    """
)

SCHOOL_WORDS = words_of(
    """
    university universität universidad université università universiteit college school
    institute academy polytechnic polytechnique conservatory seminary hochschule escuela
    école ecole iit mit
    """
)

# A degree named in full ("Bachelor of Science") or abbreviated ("B.Sc.", "MBA").
DEGREE = re.compile(
    r"^(?P<type>"
    r"(?:bachelor|master|doctor|associate)(?:'?s)?"
    r"(?:\s+of\s+(?:science|arts|engineering|fine arts|business administration|laws|commerce"
    r"|technology|applied science|education|music|architecture|philosophy|medicine))?"
    r"(?:\s+degree)?"
    r"|ph\.?\s?d\.?|d\.?phil\.?|mba|m\.?b\.?a\.?|b\.?\s?sc\.?|m\.?\s?sc\.?|b\.?\s?eng\.?"
    r"|m\.?\s?eng\.?|b\.?\s?tech\.?|m\.?\s?tech\.?|b\.?s\.?|m\.?s\.?|b\.?a\.?|m\.?a\.?|b\.?e\.?"
    r"|m\.?e\.?|ll\.?b\.?|ll\.?m\.?|j\.?d\.?|m\.?d\.?|a\.?a\.?s?\.?"
    r"|high school diploma|diploma|certificate|ged|hnd|gcse|a-levels?|baccalaureate"
    r"|licenciatura|licence|laurea(?: magistrale)?|diplom(?:-ingenieur)?|magister|abitur"
    r")(?=$|[\s,.:(])(?:\s*(?:,|:|-|–|\(|\bin\b|\bof\b)?\s*)(?P<area>.*?)\)?$",
    re.IGNORECASE,
)

_WORD = re.compile(r"[\w.&'-]+")


def words(text: str) -> list[str]:
    """Lower-case words, split on spaces, slashes and commas."""
    return [word.lower() for word in _WORD.findall(text.replace("/", " "))]


def title_score(text: str) -> int:
    """How much `text` reads like a job title rather than an organisation."""
    found = words(text)
    return sum(word.rstrip(".") in TITLE_WORDS for word in found) - sum(
        word in ORGANISATION_WORDS or word.rstrip(".") in ORGANISATION_WORDS for word in found
    )


def is_school(text: str) -> bool:
    """Names a university, college, school or institute."""
    return any(word in SCHOOL_WORDS for word in words(text))


def degree(text: str) -> tuple[str, str] | None:
    """(studyType, area) when `text` starts with a degree; area may be empty."""
    match = DEGREE.match(text.strip())
    if not match:
        return None
    return match["type"].strip(), match["area"].strip(" ,-–")
