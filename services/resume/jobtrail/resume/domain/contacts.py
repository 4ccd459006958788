"""The `basics` of a resume: name, title, contact details, location and profiles."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.lines import Line
from jobtrail.resume.domain.places import country_code, is_us_state

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"|·•]+"
    r"|\b(?:linkedin\.com|github\.com|gitlab\.com|twitter\.com|x\.com|stackoverflow\.com"
    r"|medium\.com|behance\.net|dribbble\.com|bitbucket\.org)/[^\s<>\"|·•]+",
    re.IGNORECASE,
)
PHONE = re.compile(r"(?<![\w+])(?:\+\s?)?(?:\(\d{1,4}\)\s?)?\d[\d\s().\-/]{5,}\d(?!\w)")
_SEPARATORS = re.compile(r"\t|\s{3,}|\s*[|·•◦▪]\s*|\s+[–—]\s+|\s+-\s+")
_FIELD_LABEL = re.compile(
    r"^(?:e-?mail|mail|phone|tel|telephone|mobile|cell|linkedin|github|website|web|"
    r"portfolio|url|address|location|twitter|homepage)\s*:\s*",
    re.IGNORECASE,
)
_LOCATION = re.compile(
    r"^(?P<city>[^\W\d_][\w .'’-]*?),\s*(?P<second>[^\W\d_][\w .'’-]*?)"
    r"(?:\s+(?P<postal>\d{5}(?:-\d{4})?))?(?:,\s*(?P<third>[^\W\d_][\w .'’-]*?))?$"
)
_BASICS_ORDER = ("name", "label", "email", "phone", "url", "summary", "location", "profiles")
_NOT_A_NAME = {"resume", "résumé", "curriculum vitae", "cv"}
_NETWORKS = {
    "linkedin.com": "LinkedIn",
    "github.com": "GitHub",
    "gitlab.com": "GitLab",
    "twitter.com": "Twitter",
    "x.com": "X",
    "stackoverflow.com": "Stack Overflow",
    "medium.com": "Medium",
    "behance.net": "Behance",
    "dribbble.com": "Dribbble",
    "bitbucket.org": "Bitbucket",
    "soundcloud.com": "SoundCloud",
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "kaggle.com": "Kaggle",
}


def parse_basics(header: list[Line], contact: list[Line], summary: list[Line]) -> dict[str, Any]:
    """Name and title from the top lines, contact details from anywhere near them."""
    basics: dict[str, Any] = {}
    words: list[tuple[int, str]] = []
    prose: list[str] = []
    for number, line in enumerate([*header, *contact]):
        if _is_prose(line.text):
            prose.append(line.text)
            continue
        for segment in segments(line.text):
            if not _take_contact(basics, segment):
                words.append((number, segment))
    _take_name_and_label(basics, words)
    text = " ".join(line.text for line in summary) or " ".join(prose)
    if text:
        basics["summary"] = text
    return {key: basics[key] for key in _BASICS_ORDER if key in basics}


def segments(text: str) -> list[str]:
    """The parts of a contact line, split at "|", "·", "•", dashes and wide gaps."""
    return [part.strip(" ,;") for part in _SEPARATORS.split(text) if part.strip(" ,;")]


# First-level regions of a few large countries, written out in full, and their country:
# "Pune, Maharashtra", "Toronto, Ontario", "Rowville, Victoria", "Leeds, England".
_REGIONS: dict[str, str] = (
    dict.fromkeys(
        [
            "andhra pradesh",
            "arunachal pradesh",
            "assam",
            "bihar",
            "chhattisgarh",
            "goa",
            "gujarat",
            "haryana",
            "himachal pradesh",
            "jharkhand",
            "karnataka",
            "kerala",
            "madhya pradesh",
            "maharashtra",
            "manipur",
            "meghalaya",
            "mizoram",
            "nagaland",
            "odisha",
            "orissa",
            "punjab",
            "rajasthan",
            "sikkim",
            "tamil nadu",
            "telangana",
            "tripura",
            "uttar pradesh",
            "uttarakhand",
            "west bengal",
            "delhi",
            "new delhi",
            "puducherry",
            "chandigarh",
            "jammu and kashmir",
        ],
        "IN",
    )
    | dict.fromkeys(
        [
            "ontario",
            "quebec",
            "british columbia",
            "alberta",
            "manitoba",
            "saskatchewan",
            "nova scotia",
            "new brunswick",
            "newfoundland and labrador",
            "prince edward island",
        ],
        "CA",
    )
    | dict.fromkeys(
        [
            "new south wales",
            "victoria",
            "queensland",
            "western australia",
            "south australia",
            "tasmania",
            "nsw",
            "vic",
            "qld",
        ],
        "AU",
    )
    | dict.fromkeys(["england", "scotland", "wales", "northern ireland"], "GB")
)


def parse_location(text: str) -> dict[str, str] | None:
    """City, region and country code of "Austin, TX" or "San Francisco, California, US"."""
    match = _LOCATION.match(text.strip())
    if not match:
        return None
    city, second, third = match["city"].strip(), match["second"].strip(), match["third"]
    location = {"city": city}
    if match["postal"]:
        location["postalCode"] = match["postal"]
    if third:
        code = country_code(third)
        if not code:
            return None
        return location | {"region": second, "countryCode": code}
    if is_us_state(second):
        return location | {"region": second}
    if region_country := _REGIONS.get(second.lower()):
        return location | {"region": second, "countryCode": region_country}
    code = country_code(second)
    return location | {"countryCode": code} if code else None


def profile(url: str) -> dict[str, str] | None:
    """The network and username behind a profile URL, if it is a known network."""
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # "https://[broken": not a URL anyone could follow
        return None
    network = _NETWORKS.get(host)
    if network is None:
        return None
    found = {"network": network, "url": absolute(url)}
    path = [part for part in parts.path.split("/") if part and part not in ("in", "pub", "u")]
    if path:
        found["username"] = path[0].removeprefix("@")
    return found


def absolute(url: str) -> str:
    """The URL with a scheme, as JSON Resume's uri format wants."""
    return url if "://" in url else f"https://{url}"


def _take_contact(basics: dict[str, Any], segment: str) -> bool:
    """Store `segment` in basics if it is an email, URL, phone or location."""
    value = _FIELD_LABEL.sub("", segment)
    if email := EMAIL.search(value):
        basics.setdefault("email", email.group())
        return True
    if url := URL.search(value):
        _take_url(basics, url.group().rstrip(".,;)"))
        return True
    if _is_phone(value):
        basics.setdefault("phone", value)
        return True
    if location := parse_location(value):
        basics.setdefault("location", location)
        return True
    return False


def _take_url(basics: dict[str, Any], url: str) -> None:
    """A known network's URL is a profile; the first other one is the website."""
    found = profile(url)
    if found is None and "url" not in basics:
        basics["url"] = absolute(url)
        return
    if found is None:
        try:
            host = urlsplit(absolute(url)).hostname or ""
        except ValueError:
            return
        found = {"network": host.removeprefix("www."), "url": absolute(url)}
    basics.setdefault("profiles", []).append(found)


def _is_phone(text: str) -> bool:
    match = PHONE.fullmatch(text.strip())
    digits = sum(char.isdigit() for char in text)
    return bool(match) and 7 <= digits <= 15 and find_dates(text) is None


def _take_name_and_label(basics: dict[str, Any], words: list[tuple[int, str]]) -> None:
    """Resumes open with the name; a short title may follow on its line or the next."""
    candidates = [(number, text) for number, text in words if text.lower() not in _NOT_A_NAME]
    if not candidates or not _is_short_words(candidates[0][1], 6):
        return
    name_line, basics["name"] = candidates[0]
    for number, text in candidates[1:2]:
        if number <= name_line + 1 and _is_short_words(text, 8):
            basics["label"] = text


def _is_short_words(text: str, most: int) -> bool:
    return len(text.split()) <= most and not any(char.isdigit() for char in text)


def _is_prose(text: str) -> bool:
    return len(text.split()) >= 12 and not EMAIL.search(text) and not URL.search(text)
