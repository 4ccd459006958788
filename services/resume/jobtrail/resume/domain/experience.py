"""Work, volunteering, education and projects: entries with a role, a place and dates."""

from __future__ import annotations

import re
from typing import Any

from jobtrail.resume.domain import confidence, fields, labelled, lexicon
from jobtrail.resume.domain.contacts import URL, absolute, parse_location
from jobtrail.resume.domain.dates import MONTHS, Dates, find_dates
from jobtrail.resume.domain.entries import ON_REQUEST, Block, Header, blocks, header_of
from jobtrail.resume.domain.lines import Line
from jobtrail.resume.domain.places import country_code
from jobtrail.resume.domain.sections import wording_key

_AT = re.compile(r"^(?P<role>.+?)\s+(?:at|@)\s+(?P<place>\S.*)$")
_COURSE = re.compile(
    r"^(?:relevant\s+|selected\s+)?course(?:s|work)?\s*(?::|-|–)\s*", re.IGNORECASE
)
_BRACKETED_END = re.compile(r"^(?P<rest>.*\S)\s*\((?P<inside>[^()]+)\)$")
_COMMA_OUTSIDE_BRACKETS = re.compile(r",\s+(?![^()]*\))")
_SCORE = re.compile(
    r"\b(?:c?gpa|grade|score|gpa/cgpa)\b\s*[:=-]?\s*(?P<score>[\w.]+(?:\s*/\s*[\d.]+)?)",
    re.IGNORECASE,
)
_KEYWORDS = re.compile(
    r"^(?:technologies|tech stack|stack|tools|keywords|built with|skills)\s*:\s*(?P<list>.+)$",
    re.IGNORECASE,
)


def work(lines: list[Line]) -> list[dict[str, Any]]:
    """Jobs: company as `name`, position, dates, summary and highlights."""
    return _roles(lines, "name")


def volunteer(lines: list[Line]) -> list[dict[str, Any]]:
    """Volunteering: like jobs, with the organisation as `organization`."""
    return _roles(lines, "organization")


def _roles(lines: list[Line], organisation_key: str) -> list[dict[str, Any]]:
    """Entries written as forms ("Designation: …") by their labels, else by header lines."""
    if labelled.is_labelled_section(lines):
        return labelled.labelled_entries(lines, organisation_key)
    return [
        item
        for block in blocks(lines, learned=True)
        if (item := _role_item(block, organisation_key))
    ]


def education(lines: list[Line]) -> list[dict[str, Any]]:
    """Degrees: institution, area, studyType, dates, score and courses."""
    return [item for block in blocks(lines, learned=True) if (item := _education_item(block))]


def projects(lines: list[Line]) -> list[dict[str, Any]]:
    """Projects: name, description, keywords, dates, url and highlights."""
    return [item for block in blocks(lines) if (item := _project_item(block))]


def date_fields(dates: Dates | None, single: str = "startDate") -> dict[str, str]:
    """startDate/endDate of a range; a lone date goes to `single`."""
    if dates is None or dates.start is None:
        return {}
    if dates.single:
        return {single: dates.start}
    return {"startDate": dates.start} | ({"endDate": dates.end} if dates.end else {})


def weigh_by_line(block: Block, item: dict[str, Any], keys: tuple[str, ...], generic: str) -> None:
    """A field is less sure when the line classifier doubts its line is an entry's header."""
    hints = item.get(confidence.HINTS, {})
    for key in keys:
        value = item.get(key)
        if not isinstance(value, str):
            continue
        chance = next(
            (
                chance
                for line, chance in zip(block.header, block.header_chances, strict=True)
                if value in line and chance is not None and find_dates(line) is None
            ),
            None,
        )
        if chance is not None:
            path = generic if key != "position" else "work[].position"
            base = hints.get(key, confidence.prior(path))
            confidence.note(item, key, base * (0.6 + 0.4 * chance))


def note_dates(item: dict[str, Any], dates: Dates | None) -> None:
    """Attach the certainty of the dates' written form to the item's date fields."""
    if dates is not None:
        for key in ("startDate", "endDate"):
            if key in item:
                confidence.note(item, key, dates.confidence)


def _role_item(block: Block, organisation_key: str) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header)
    rest = [fragment for fragment in rest if not is_prose_fragment(fragment)] or rest
    item: dict[str, Any] = tagged_role(block, rest, organisation_key) if rest else {}
    if not item:
        if len(rest) == 1:
            rest = _split_role(rest[0])
        item = _role_and_organisation(rest, organisation_key) if rest else {}
    if not item:
        return {}
    if header.dates is None and len(set(item) - {confidence.HINTS}) == 1:
        # One lone fragment with no dates is as likely a stray line as an entry.
        for key in set(item) - {confidence.HINTS}:
            confidence.note(item, key, 0.3)
    _split_position(item, organisation_key)
    organisation = item.get(organisation_key)
    if isinstance(organisation, str) and not _could_be_organisation(organisation):
        confidence.note(item, organisation_key, 0.3)
    position = item.get("position")
    if isinstance(position, str) and not _could_be_position(position):
        confidence.note(item, "position", 0.3)
    weigh_by_line(block, item, ("position", organisation_key), f"work[].{organisation_key}")
    if "location" not in extras and (place := _tagged_place(block, item.get(organisation_key))):
        item[organisation_key], extras["location"] = place
        known = place[1].lower() in fields.known_places() or country_code(place[1])
        confidence.note(item, "location", 0.85 if known else 0.6)
    item |= extras | date_fields(header.dates)
    note_dates(item, header.dates)
    if body := [line for line in block.body if not ON_REQUEST.search(line)]:
        item["summary"] = " ".join(body)
    if block.bullets:
        item["highlights"] = list(block.bullets)
    return item


# Small words names and titles are written with in lower case.
_NAME_LINKS = lexicon.words_of(
    "of and for the in at on to de du des la le el von van der da di y & a an with"
)


def is_prose_fragment(fragment: str) -> bool:
    """A piece of a sentence ("Promoted to work with Business Development on"), not a name
    or a title: three or more lower-case words that are neither the small words names use
    nor title words ("Senior software engineer" is a title)."""
    words = [word for word in fragment.split() if word[:1].isalpha()]
    lower = [
        word
        for word in words
        if word[:1].islower()
        and word not in _NAME_LINKS
        and word.strip(",.;:") not in lexicon.TITLE_WORDS
    ]
    return len(lower) >= 3 and len(lower) * 3 >= len(words)


def _set_aside_places(
    header: Header, *, bracketed_places: bool = True
) -> tuple[list[str], dict[str, str]]:
    """Take URLs and locations out of the header fragments, "(City)" at an end too."""
    rest: list[str] = []
    extras: dict[str, str] = {}
    for fragment in header.fragments:
        parts = _COMMA_OUTSIDE_BRACKETS.split(fragment.removesuffix("."))
        if len(parts) >= 3 and parse_location(place := ", ".join(parts[-2:])):
            extras.setdefault("location", place)  # "Acme, Malvern, PA"
            fragment = ", ".join(parts[:-2]).strip()
        bracketed = _BRACKETED_END.match(fragment) if bracketed_places else None
        if URL.fullmatch(fragment):
            extras.setdefault("url", absolute(fragment))
        elif located := _organisation_at(fragment, rest):  # "Remoba Inc., India"
            rest.append(located[0])
            extras.setdefault("location", located[1])
        elif parse_location(fragment) and rest:
            extras.setdefault("location", fragment)
        elif bracketed and _is_place(bracketed["inside"]) and "location" not in extras:
            extras["location"] = bracketed["inside"].strip()
            rest.append(bracketed["rest"])
        else:
            rest.append(fragment)
    return rest, extras


def _split_position(item: dict[str, Any], organisation_key: str) -> None:
    """ "Summer Intern, Initech Inc" as the position: the organisation cut off it, and kept
    where the header named none or named the same one."""
    position = item.get("position")
    if not isinstance(position, str) or ", " not in position:
        return
    parts = _split_role(position)
    if len(parts) != 2 or lexicon.title_score(parts[1]) > 0:
        return
    role, organisation = parts
    named = item.get(organisation_key)
    hints = item.get(confidence.HINTS, {})
    if named is None or normalised(named) == normalised(organisation):
        item["position"] = role
        item[organisation_key] = organisation
        if "position" in hints:
            hints[organisation_key] = hints["position"]


def normalised(text: str) -> str:
    """Lower-case letters and digits only, for comparing names as written twice."""
    return re.sub(r"[\W_]+", "", text).lower()


def _could_be_position(text: str) -> bool:
    """Not a number ("2002", "20 hours"), a place ("Spring Lake Park, MN") or a heading."""
    named = re.findall(r"[^\W\d_]{2,}", text)
    if not named or (len(named) <= 2 and any(char.isdigit() for char in text)):
        return False
    heading = wording_key(text) is not None and lexicon.title_score(text) <= 0
    return not parse_location(text.strip(" .")) and not heading


def _could_be_organisation(text: str) -> bool:
    """Not a second job title ("Software Developer"), a place alone ("Los Angeles."), a
    month's residue ("Indiana; January") or a number ("0608")."""
    named = re.findall(r"[^\W\d_]{2,}", text)
    if not named or lexicon.title_score(text) > 0:
        return False
    if lexicon.title_score(text) < 0:
        return True  # "Co", "Acme Ltd": words only organisations are named with
    plain = text.strip(" .;,").lower()
    if plain in fields.known_places() or parse_location(text.strip(" .")):
        return False
    return not any(word.lower() in MONTHS for word in named)


def _organisation_at(fragment: str, before: list[str]) -> tuple[str, str] | None:
    """ "Remoba Inc., India" reads as a city and a country, but its "city" is a company;
    so is "Capgemini, Canada" under a job title, when no known place is named."""
    location = parse_location(fragment)
    if not location:
        return None
    city = location["city"]
    titled = bool(before) and all(lexicon.title_score(part) > 0 for part in before)
    unknown = city.lower() not in fields.known_places() and "region" not in location
    if lexicon.title_score(city) >= 0 and not (titled and unknown):
        return None
    name, _, place = fragment.partition(",")
    return name.strip(), place.strip()


def _is_place(text: str) -> bool:
    """A city or "City, Country" in brackets, not "(contract)" or "(2019)"."""
    if parse_location(text):
        return True
    words = text.split()
    return (
        0 < len(words) <= 3
        and all(word[:1].isupper() for word in words)
        and lexicon.title_score(text) == 0
        and not any(char.isdigit() for char in text)
    )


def _split_role(fragment: str) -> list[str]:
    """Split "Engineer at Acme" or "Engineer, Acme Corp" into role and organisation.

    At the last comma whose left side reads as a title and whose right side does not (no
    title words, none of the words O*NET titles often use): "Sr. Engineer, Platform,
    Acme" → "Sr. Engineer, Platform" and "Acme", but "Engineer, Video Technology" stays.
    """
    if match := _AT.match(fragment):
        return [match["role"], match["place"]]
    parts = _COMMA_OUTSIDE_BRACKETS.split(fragment)
    for cut in range(len(parts) - 1, 0, -1):
        role, place = ", ".join(parts[:cut]), ", ".join(parts[cut:])
        if lexicon.title_score(role) > 0 and (
            lexicon.title_score(place) < 0
            or (lexicon.title_score(place) == 0 and not _title_like(place))
        ):
            return [role, place]
    if len(parts) == 2 and lexicon.title_score(parts[1]) > 0 > lexicon.title_score(parts[0]):
        return parts
    return [fragment]


def _title_like(text: str) -> bool:
    """Uses a word that many O*NET job titles use ("technology", "applications")."""
    counts, _ = fields.title_words()
    return any(counts.get(word, 0) >= TITLE_WORD_TITLES for word in lexicon.words(text))


# A word used by at least this many O*NET titles makes a fragment read like part of a title.
TITLE_WORD_TITLES = 25


# How the tagger and the word-list rules share the decision (measured on the dev split by
# `python -m evaluation.training.resume_parser`): "rules" alone, "tagger" alone, or
# "ties": the rules decide where their word lists tell title from organisation, the
# tagger where they cannot (unknown words on both sides).
ROLE_DECIDER: list[str] = ["ties"]


def tagged_role(block: Block, rest: list[str], organisation_key: str) -> dict[str, Any]:
    """Position and organisation as the field tagger reads the header; {} without a model."""
    mode = ROLE_DECIDER[0]
    if mode == "rules":
        return {}
    tagged = fields.tag(block.header, [line.style for line in block.header_lines])
    if not tagged:
        return {}
    scored = [(part, _fragment_marginals(block.header, part, tagged)) for part in rest[:2]]
    if not all(marginals for _, marginals in scored):
        return {}
    if len(scored) == 1:
        part, marginals = scored[0]
        if split := _tagged_split(block.header, part, tagged, organisation_key):
            return split if mode == "tagger" or _split_role(part) == [part] else {}
        title, place = marginals["TITLE"], marginals["EMP"]
        if mode == "ties" and (lexicon.title_score(part) != 0 or len(_split_role(part)) > 1):
            return {}  # the word lists tell, as a whole or at a comma
        key = "position" if title >= place else organisation_key
        item: dict[str, Any] = {key: part}
        confidence.note(item, key, max(title, place) / max(title + place, 1e-6))
        return item
    (first, one), (second, two) = scored
    if mode == "ties" and lexicon.title_score(first) != lexicon.title_score(second):
        return {}
    as_written = one["TITLE"] * two["EMP"]
    swapped = one["EMP"] * two["TITLE"]
    # The tagger decides only where the word lists could not: measured on the dev splits,
    # such decisions are right far less often than its own odds say, so they are scaled
    # into [0.45, 0.75] and end up reported as unsure.
    odds = max(as_written, swapped) / max(as_written + swapped, 1e-9)
    sure = 0.45 + 0.3 * (2 * odds - 1)
    if swapped > as_written:
        first, second = second, first
    item = {"position": first, organisation_key: second}
    confidence.note(item, "position", sure)
    confidence.note(item, organisation_key, sure)
    return item


def _tagged_place(block: Block, organisation: Any) -> tuple[str, str] | None:
    """ "Filestack, Berlin": one or two capitalised words after the last comma naming a place."""
    if not isinstance(organisation, str) or ", " not in organisation:
        return None
    name, _, place = organisation.rpartition(", ")
    if not name.strip() or lexicon.title_score(place) != 0 or any(c.isdigit() for c in place):
        return None
    words = place.split()
    if not 1 <= len(words) <= 2 or not all(word[:1].isupper() for word in words):
        return None
    if lexicon.is_school(place) or any(w.lower() in lexicon.ORGANISATION_WORDS for w in words):
        return None
    tagged = fields.tag(block.header, [line.style for line in block.header_lines])
    marginals = _fragment_marginals(block.header, place, tagged) if tagged else {}
    if marginals.get("EMP", 0.0) > PLACE_VETO:
        return None  # the tagger reads it as part of the name
    return name.strip(), place.strip()


# A trailing ", Word" is a place unless the tagger gives EMP more than this.
PLACE_VETO = 0.5


def _fragment_marginals(
    lines: list[str], part: str, tagged: list[fields.Tagged]
) -> dict[str, float]:
    """The mean marginal of each label over the fragment's words."""
    inside = _tokens_of(lines, part, tagged)
    if not inside:
        return {}
    return {
        label: sum(one.marginals.get(label, 0.0) for one in inside) / len(inside)
        for label in fields.LABELS
    }


def _tokens_of(lines: list[str], part: str, tagged: list[fields.Tagged]) -> list[fields.Tagged]:
    for number, line in enumerate(lines):
        start = line.find(part)
        if start >= 0:
            end = start + len(part)
            return [
                one
                for one in tagged
                if one.token.line == number
                and start <= one.token.start < end
                and any(char.isalnum() for char in one.token.text)
            ]
    return []


def _tagged_split(
    lines: list[str], part: str, tagged: list[fields.Tagged], organisation_key: str
) -> dict[str, Any]:
    """ "Engineer, Acme (Berlin)": one fragment holding a title and an employer, cut apart."""
    inside = _tokens_of(lines, part, tagged)
    if not inside:
        return {}
    line = lines[inside[0].token.line]
    runs: dict[str, list[fields.Tagged]] = {}
    for one in inside:
        if one.label in ("TITLE", "EMP"):
            runs.setdefault(one.label, []).append(one)
    if set(runs) != {"TITLE", "EMP"}:
        return {}
    title, place = runs["TITLE"], runs["EMP"]
    if not (
        title[-1].token.end <= place[0].token.start or place[-1].token.end <= title[0].token.start
    ):
        return {}  # interleaved: not two clean pieces
    item: dict[str, Any] = {
        "position": line[title[0].token.start : title[-1].token.end],
        organisation_key: line[place[0].token.start : place[-1].token.end],
    }
    confidence.note(item, "position", sum(t.marginals["TITLE"] for t in title) / len(title))
    confidence.note(item, organisation_key, sum(t.marginals["EMP"] for t in place) / len(place))
    return item


def _role_and_organisation(rest: list[str], organisation_key: str) -> dict[str, Any]:
    """The fragment that reads more like a job title is the position; ties go to the first."""
    if len(rest) == 1:
        key = organisation_key if lexicon.title_score(rest[0]) < 0 else "position"
        return {key: rest[0]}
    first, second = rest[0], rest[1]
    if lexicon.title_score(second) > lexicon.title_score(first):
        first, second = second, first
    return {"position": first, organisation_key: second}


def _education_item(block: Block) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header, bracketed_places=False)
    if len(rest) == 1 and ", " in rest[0]:
        parts = _COMMA_OUTSIDE_BRACKETS.split(rest[0])
        rest = parts if any(lexicon.degree(part) for part in parts) else rest
    item: dict[str, Any] = _school_and_degree(rest)
    if not item:
        return {}
    if header.dates is None and "studyType" not in item:
        confidence.note(
            item, "institution", 0.3 if not lexicon.is_school(item.get("institution", "")) else 0.6
        )
    weigh_by_line(block, item, ("institution",), "education[].institution")
    item |= {key: value for key, value in extras.items() if key == "url"}
    item |= date_fields(header.dates, single="endDate")
    note_dates(item, header.dates)
    if score := _score([*block.body, *header.fragments]):
        item["score"] = score
    courses = [_COURSE.sub("", line) for line in block.body if _COURSE.match(line)]
    if courses := [course for course in courses if course] + list(block.bullets):
        item["courses"] = courses
    return item


def _school_and_degree(rest: list[str]) -> dict[str, str]:
    degree = next((part for part in rest if lexicon.degree(part)), None)
    others = [part for part in rest if part != degree and not _score([part])]
    school = next((part for part in others if lexicon.is_school(part)), None)
    school = school or next(iter(others), None)
    item: dict[str, str] = {"institution": school} if school else {}
    if degree:
        study_type, area = lexicon.degree(degree) or ("", "")
        item |= {"studyType": study_type} | ({"area": area} if area else {})
    elif field := next((part for part in others if part != school), None):
        item["area"] = field
    return item


def _score(texts: list[str]) -> str | None:
    for text in texts:
        if match := _SCORE.search(text):
            return match["score"]
    return None


def _project_item(block: Block) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header)
    if not rest:
        return {}
    item: dict[str, Any] = {"name": rest[0]} | {k: v for k, v in extras.items() if k == "url"}
    item |= date_fields(header.dates)
    note_dates(item, header.dates)
    description = []
    for line in block.body:
        if keywords := _KEYWORDS.match(line):
            item["keywords"] = [
                word.strip() for word in keywords["list"].split(",") if word.strip()
            ]
        elif URL.fullmatch(line) and "url" not in item:
            item["url"] = absolute(line)
        else:
            description.append(line)
    if description:
        item["description"] = " ".join(description)
    if block.bullets:
        item["highlights"] = list(block.bullets)
    return item
