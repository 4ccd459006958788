"""Job postings of known occupation, written by code from O*NET 27.0 (seeded, deterministic).

`python -m evaluation.matching.postings` rewrites evaluation/data/matching/postings.jsonl;
the suite reads the file (and a unit test checks the file is what this code writes).

Each posting takes its title from the occupation's Alternate Titles, its duties from the
occupation's description, and its skills from the occupation's technologies, ranked by how
specific they are to the occupation (a technology few occupations use ranks first; hot
technologies get a bonus). Variation: length (a short ad to a long description), seniority
(junior / mid / senior / lead, with the years asked), required versus nice-to-have skills,
skills listed or only named in the text or not at all, and different section wordings.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from evaluation.matching import onet

OUT = Path(__file__).resolve().parents[1] / "data" / "matching" / "postings.jsonl"
SEED = 20261128

# Occupations the mapped resumes cover, plus neighbours and distractors; value = postings.
OCCUPATIONS: dict[str, int] = {
    "15-1252.00": 18,
    "15-1251.00": 10,
    "15-1254.00": 9,
    "15-1232.00": 9,
    "15-1253.00": 8,
    "15-1255.00": 7,
    "15-1211.00": 7,
    "15-1212.00": 7,
    "15-1241.00": 7,
    "15-1242.00": 7,
    "15-1244.00": 7,
    "15-1299.09": 7,
    "15-2051.00": 8,
    "15-2051.01": 6,
    "15-2031.00": 6,
    "11-3021.00": 7,
    "11-1011.00": 6,
    "11-2021.00": 7,
    "11-2022.00": 7,
    "11-2011.00": 6,
    "11-3121.00": 6,
    "11-3031.00": 6,
    "11-9032.00": 6,
    "13-1082.00": 8,
    "13-1161.00": 7,
    "13-1161.01": 6,
    "13-1071.00": 7,
    "13-2011.00": 8,
    "13-2051.00": 7,
    "13-1111.00": 7,
    "23-1011.00": 9,
    "23-2011.00": 7,
    "25-2021.00": 8,
    "25-2031.00": 7,
    "25-2051.00": 6,
    "25-3041.00": 6,
    "25-1081.00": 6,
    "21-1012.00": 6,
    "27-3041.00": 6,
    "27-1024.00": 7,
    "27-3031.00": 6,
    "29-1141.00": 8,
    "29-1171.00": 6,
    "41-2031.00": 7,
    "41-9031.00": 7,
    "41-3091.00": 6,
    "41-4012.00": 6,
    "43-4051.00": 7,
    "43-4161.00": 6,
    "43-3031.00": 6,
    "17-2141.00": 7,
    "17-2051.00": 7,
    "17-2112.00": 7,
    "17-2061.00": 6,
}

SENIORITY = {
    "junior": (("Junior ", "Jr. ", "Entry-Level ", "Graduate ", "Associate "), (0, 2)),
    "mid": (("", "", ""), (2, 5)),
    "senior": (("Senior ", "Sr. ", "Senior "), (5, 9)),
    "lead": (("Lead ", "Principal ", "Head ", "Staff "), (8, 12)),
}
VENDORS = (
    "Oracle ",
    "Apache ",
    "Atlassian ",
    "Adobe Systems ",
    "The MathWorks ",
    "IBM ",
    "Amazon Web Services ",
    "Autodesk ",
    "Intuit ",
    "Epic Systems ",
)
COMPANY_A = (
    "North",
    "Blue",
    "Bright",
    "Harbor",
    "Summit",
    "Cedar",
    "Iron",
    "Silver",
    "Oak",
    "River",
    "Granite",
    "Clear",
    "Red",
    "Maple",
    "Lake",
    "Pioneer",
    "Atlas",
    "Nova",
)
COMPANY_B = (
    "field",
    "point",
    "bridge",
    "stone",
    "wave",
    "line",
    "gate",
    "works",
    "path",
    "crest",
    "view",
    "ridge",
)
COMPANY_C = (
    "Labs",
    "Group",
    "Health",
    "Partners",
    "Systems",
    "& Co.",
    "Solutions",
    "Inc.",
    "Analytics",
    "Academy",
    "Legal LLP",
    "Industries",
    "Retail",
    "Bank",
)
ABOUT = (
    "{company} is a {size} {industry} company{where}.",
    "At {company} we build {industry} services used by customers across the region.",
    "{company} ({size}, {industry}) is growing and hiring{where}.",
    "Join {company}, a {industry} employer known for its people-first culture.",
)
ROLE_HEAD = (
    "The role",
    "What you'll do",
    "Responsibilities",
    "Your day to day",
    "Duties",
    "About the job",
)
REQ_HEAD = (
    "Requirements",
    "What we're looking for",
    "Must have",
    "Qualifications",
    "Required skills",
    "You bring",
)
NICE_HEAD = (
    "Nice to have",
    "Bonus points",
    "Preferred qualifications",
    "Pluses",
    "It would be great if you also know",
)
BENEFITS = (
    "Competitive salary and annual bonus",
    "Hybrid work, two office days a week",
    "25 days of paid leave",
    "Learning budget and conference tickets",
    "Health, dental and vision cover",
    "Pension matching up to 5%",
    "Flexible hours",
    "Parental leave beyond the statutory minimum",
)
INDUSTRIES = (
    "software",
    "healthcare",
    "financial services",
    "retail",
    "education",
    "logistics",
    "media",
    "manufacturing",
    "legal services",
    "public sector",
)
PLACES = (
    "",
    " in Austin",
    " in Pune",
    " in Berlin",
    " with offices in London and Dublin",
    " in Bangalore",
    " in Toronto",
    " (remote-first)",
)


def clean_technology(name: str) -> str:
    """A technology as a posting would write it: "Oracle Java" → "Java", "... CSS" → "CSS"."""
    name = re.sub(r"\s+software$", "", name.strip())
    words = name.split()
    if len(words) >= 3 and re.fullmatch(r"[A-Z][A-Z0-9]{1,6}", words[-1]):
        return words[-1]
    for vendor in VENDORS:
        if name.startswith(vendor) and len(name) > len(vendor) + 1:
            return name[len(vendor) :]
    return name


@cache
def _technology_counts(prefix: str) -> Counter[str]:
    """In how many occupations (whose code starts with `prefix`) each technology appears."""
    counts: Counter[str] = Counter()
    for occupation in onet.occupations().values():
        if occupation.code.startswith(prefix):
            counts.update({clean_technology(t) for t in occupation.technologies})
    return counts


@cache
def technology_pool(code: str) -> tuple[list[str], list[str]]:
    """(specific, generic) technologies of an occupation, most specific first."""
    occupations = onet.occupations()
    frequency = _technology_counts("")
    total = len(occupations)
    occupation = occupations[code]
    hot = {clean_technology(t) for t in occupation.hot}
    names = list(dict.fromkeys(clean_technology(t) for t in occupation.technologies))
    group = _technology_counts(code[:2])
    members = [o for o in occupations.values() if o.code[:2] == code[:2]]

    def weight(name: str) -> float:
        # What sets this family of occupations apart (lift of the technology within the
        # major group) and is widely used in it (Java and SQL for software, Westlaw for
        # law) ranks first; hot technologies get a bonus.
        lift = (group[name] / len(members)) / (frequency[name] / total)
        return (3.0 if name in hot else 0.0) + 0.5 * math.log(lift) + math.log(group[name])

    ranked = sorted(names, key=lambda n: (-weight(n), n))
    generic = [n for n in ranked if frequency[n] > total / 4]
    specific = [n for n in ranked if frequency[n] <= total / 4 and len(n) <= 40]
    return specific[:30], generic[:8]


@cache
def _title_rows() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in onet._rows("Alternate Titles.txt"):
        rows.setdefault(row["O*NET-SOC Code"], []).append(row)
    return rows


@cache
def titles_for(code: str) -> list[str]:
    """Plain alternate titles of the occupation, those more sources name first."""
    weight: Counter[str] = Counter()
    for row in _title_rows().get(code, []):
        title = row["Alternate Title"]
        if "(" in title or "," in title or len(title) > 40:
            continue
        if re.match(r"(?i)(senior|sr|junior|jr|lead|chief|head|assistant)\b", title):
            continue
        if not 2 <= len(title.split()) <= 4 or re.search(r"\b[A-Z]{2,}\b", title):
            continue
        weight[title] = len(row["Source(s)"].split(","))
    ranked = sorted(weight, key=lambda t: (-weight[t], t))
    return ranked[:6] or [onet.occupations()[code].title.split(",")[0]]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+", text) if len(s.strip()) > 8]


def _duties(description: str) -> list[str]:
    """The description's sentences as bullet points ("Plan, direct ..." stays imperative)."""
    bullets: list[str] = []
    for sentence in _sentences(description):
        sentence = sentence.rstrip(".;")
        bullets.extend(part.strip() for part in re.split(r";\s*", sentence) if part.strip())
    return bullets


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_A)}{rng.choice(COMPANY_B)} {rng.choice(COMPANY_C)}"


def _years_line(rng: random.Random, low: int, title: str) -> str:
    if low == 0:
        return rng.choice(
            (
                "No professional experience required; internships count",
                "0-2 years of experience",
                "Recent graduates welcome",
            )
        )
    if low == 1:
        return rng.choice(
            (
                "1+ year of experience, internships included",
                "At least one year of relevant experience",
            )
        )
    return rng.choice(
        (
            f"{low}+ years of experience as {_a(title.lower())} or similar",
            f"At least {low} years of relevant experience",
            f"{low}-{low + 3} years of professional experience",
            f"Minimum {low} years in a comparable role",
        )
    )


def _a(title: str) -> str:
    return f"{'an' if title[:1].lower() in 'aeiou' else 'a'} {title}"


def _bullets(items: list[str], rng: random.Random) -> str:
    mark = rng.choice(("- ", "* ", "• "))
    return "\n".join(f"{mark}{item}" for item in items)


def posting(code: str, number: int, rng: random.Random) -> dict[str, Any]:
    """One posting of occupation `code`."""
    occupation = onet.occupations()[code]
    seniority = rng.choice(("junior", "mid", "mid", "senior", "senior", "lead"))
    prefixes, (low, high) = SENIORITY[seniority]
    years = rng.randint(low, high) if seniority != "junior" else rng.choice((0, 0, 1))
    base = rng.choice(titles_for(code))
    title = f"{rng.choice(prefixes)}{base}".strip()
    company = _company(rng)
    specific, generic = technology_pool(code)
    length = rng.choice(("short", "medium", "medium", "long"))
    layout = rng.choice(("listed", "listed", "listed", "text", "none"))
    many = rng.random() < 0.12 and len(specific) >= 17
    n_required = 17 if many else min(len(specific), rng.randint(3, 7))
    required = rng.sample(specific[: max(n_required, 12)], n_required) if specific else []
    rest = [t for t in specific + generic if t not in required]
    nice = rng.sample(rest, min(len(rest), rng.randint(0, 4))) if not many else []
    if generic and rng.random() < 0.5 and not many:
        extra = rng.choice(generic)
        if extra not in required:
            required.append(extra)
        nice = [t for t in nice if t != extra]
    duties = _duties(occupation.description)
    if length == "short":
        duties = duties[:2]
    rng.shuffle(duties)
    intro = {
        "junior": f"We are looking for {_a(title)} to grow with our team.",
        "mid": f"We are hiring {_a(title)}.",
        "senior": f"We need an experienced {title} to take ownership of key work.",
        "lead": f"We are looking for {_a(title)} to lead a team and set direction.",
    }[seniority]
    parts = [intro]
    if length != "short":
        parts.append(
            rng.choice(ABOUT).format(
                company=company,
                size=rng.choice(("small", "mid-sized", "large", "fast-growing")),
                industry=rng.choice(INDUSTRIES),
                where=rng.choice(PLACES),
            )
        )
    parts.append(f"{rng.choice(ROLE_HEAD)}:\n{_bullets(duties, rng)}")
    if seniority == "lead":
        parts.append("You will mentor others, plan the team's work and report to leadership.")
    requirement_lines = [_years_line(rng, years, base)]
    if layout != "none" and required:
        if layout == "text" or length == "short":
            requirement_lines.append(
                f"Experience with {', '.join(required[:-1])} and {required[-1]}"
                if len(required) > 1
                else f"Experience with {required[0]}"
            )
        else:
            requirement_lines.extend(f"Hands-on experience with {t}" for t in required)
    parts.append(f"{rng.choice(REQ_HEAD)}:\n{_bullets(requirement_lines, rng)}")
    if nice and layout != "none":
        parts.append(f"{rng.choice(NICE_HEAD)}:\n{_bullets(nice, rng)}")
    if length == "long":
        parts.append(f"What we offer:\n{_bullets(rng.sample(BENEFITS, 4), rng)}")
        parts.append(f"{company} is an equal opportunity employer.")
    record: dict[str, Any] = {
        "id": f"p-{code[:7]}{code[8:]}-{number:02d}",
        "title": title,
        "company": company,
        "description": "\n\n".join(parts),
        "onet_code": code,
        "seniority": seniority,
        "years_required": years,
        "required": required if layout != "none" else [],
        "nice_to_have": nice if layout != "none" else [],
    }
    if layout == "listed":
        record["skills"] = required + nice
    return record


def generate() -> list[dict[str, Any]]:
    """Every posting, in a fixed order."""
    rng = random.Random(SEED)
    return [
        posting(code, number, rng) for code, count in OCCUPATIONS.items() for number in range(count)
    ]


def write(path: Path = OUT) -> int:
    records = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(records)


@cache
def load() -> tuple[dict[str, Any], ...]:
    """The stored postings."""
    with OUT.open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def public(posting_record: dict[str, Any]) -> dict[str, Any]:
    """What a ranker may see of a posting: never its occupation, seniority or years labels."""
    keys = ("id", "title", "company", "description", "skills")
    return {k: posting_record[k] for k in keys if k in posting_record}


if __name__ == "__main__":
    print(f"{write()} postings written to {OUT}")
