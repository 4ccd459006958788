"""`python -m evaluation.training.resume_parser`: rebuild the resume parser's field tagger.

Deterministic: the same data gives the same model files. Writes, into
services/resume/jobtrail/resume/models/:
- `onet_title_words.txt`: words of O*NET job titles, how many titles use each, and
  whether titles end with it (CC BY 4.0, attribution in `ONET-ATTRIBUTION.txt` beside it);
- `fields.crfsuite`: the CRF over entry header tokens (TITLE, EMP, LOC, DATE, INST, DEG, O).

Training data: the dotin training split (4 in 5 of the 310 training CVs; `dotin.py`),
synthetic entry headers and sections written from jsonresume-fake resumes in many layouts
and date styles, and (for the line classifier, with styles) the rendered corpus's PDF and
DOCX of the same resumes. Only resumes among the first 40 by file name that the rendered
corpus keeps out of its test split are used, three in four for training, the fourth for
dev (`fake_resumes`). Held out for choosing and calibrating: the dotin dev split and the
fake dev resumes (as text and rendered). Then prints dev figures for the rules alone and
with each learned part, and how often fields at each confidence were right.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from evaluation.parsing.dotin import gold_fields, read_cv
from evaluation.parsing.rendered import split_of
from evaluation.parsing.scorer import Table, fields_of, match_count, score_documents
from evaluation.training import dotin
from jobtrail.resume.domain import experience, fields, linekinds
from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.entries import line_kinds
from jobtrail.resume.domain.lines import Line, logical_lines
from jobtrail.resume.domain.parsing import parse
from jobtrail.resume.domain.plaintext import tidy
from jobtrail.resume.domain.sections import find_sections, is_listed_heading

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "services" / "resume" / "jobtrail" / "resume" / "models"
ONET = ROOT / "evaluation" / "data" / "onet"
FAKE = ROOT / "evaluation" / "data" / "jsonresume-fake"
ATTRIBUTION = (
    "onet_title_words.txt is derived from the O*NET 27.0 Database (Alternate Titles and\n"
    "Occupation Data) by the U.S. Department of Labor, Employment and Training\n"
    "Administration (USDOL/ETA). Used under the CC BY 4.0 license\n"
    "(https://creativecommons.org/licenses/by/4.0/). O*NET(R) is a trademark of USDOL/ETA.\n"
    "Changed: titles were split into lower-case words and counted; only the counts are kept.\n"
)
TYPES = {
    "Designation": "TITLE",
    "Companies worked at": "EMP",
    "Location": "LOC",
    "Years of Experience": "DATE",
    "Graduation Year": "DATE",
    "College Name": "INST",
    "Degree": "DEG",
}
_WORD = re.compile(r"[a-z][a-z'&+#.-]*[a-z+#]|[a-z]")

Sequence = tuple[list[str], list[str]]  # header lines, label of each token


# O*NET title words -------------------------------------------------------------------


def write_title_words() -> None:
    """Count the words of O*NET titles; keep those used by two titles or more."""
    titles: list[str] = []
    for name, column in (("Alternate Titles.txt", 1), ("Occupation Data.txt", 1)):
        rows = (ONET / name).read_text(encoding="utf-8").splitlines()[1:]
        titles += [row.split("\t")[column] for row in rows]
    counts: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    for title in titles:
        words = _WORD.findall(title.lower().split(",")[0])
        counts.update(set(words))
        if words:
            heads[words[-1]] += 1
    MODELS.mkdir(parents=True, exist_ok=True)
    rows = [
        f"{word}\t{count}\t{int(heads[word] >= 3)}"
        for word, count in sorted(counts.items())
        if count >= 2
    ]
    (MODELS / "onet_title_words.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (MODELS / "ONET-ATTRIBUTION.txt").write_text(ATTRIBUTION, encoding="utf-8")
    fields.title_words.cache_clear()


def training_cities() -> list[str]:
    """City names as written in the dotin training CVs' locations, for synthetic headers."""
    found = set()
    for cv in dotin.cvs("train"):
        for value in cv.values("Location"):
            city = " ".join(value.split(",")[0].split())
            if 1 <= len(city.split()) <= 2 and city[:1].isupper() and city.isascii():
                found.add(city)
    return sorted(found)


def write_places() -> None:
    """Place names from the training data: dotin train locations, fake train resumes' cities."""
    names: set[str] = set()
    for cv in dotin.cvs("train"):
        for value in cv.values("Location"):
            for part in value.split(","):
                part = " ".join(part.split())
                if (
                    1 <= len(part.split()) <= 3
                    and part[:1].isupper()
                    and not any(char.isdigit() for char in part)
                ):
                    names.add(part.lower())
    for resume in fake_resumes("train"):
        location = resume.get("basics", {}).get("location", {})
        for key in ("city", "region"):
            if location.get(key):
                names.add(location[key].lower())
    (MODELS / "places.txt").write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")
    fields.known_places.cache_clear()


# Training sequences ------------------------------------------------------------------


def dotin_sequences(cv: dotin.Cv) -> Iterator[Sequence]:
    """Runs of short non-bullet lines (entry headers) holding a title, employer or school."""
    labels = [""] * len(cv.text)
    for span in cv.spans:
        if span.type in TYPES:
            labels[span.start : span.end] = [TYPES[span.type]] * (span.end - span.start)
    run: list[tuple[str, int]] = []
    offset = 0
    for raw in cv.text.split("\n"):
        start, offset = offset, offset + len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        short = len(line.split()) <= 12 and not line.startswith(("•", "-", "*", "●"))
        if short and len(run) < 4:
            run.append((line, start + raw.index(line)))
            continue
        yield from _labelled(run, labels)
        run = [(line, start + raw.index(line))] if short else []
    yield from _labelled(run, labels)


def _labelled(run: list[tuple[str, int]], labels: list[str]) -> Iterator[Sequence]:
    lines = [line for line, _ in run]
    tokens = fields.tokens(lines)
    tags = [labels[run[token.line][1] + token.start] or "O" for token in tokens]
    if any(tag in ("TITLE", "EMP", "INST", "DEG") for tag in tags):
        yield lines, tags


def fake_resumes(role: str) -> list[dict[str, Any]]:
    """jsonresume-fake resumes for "train" or "dev".

    Only the first 40 by sorted file name that the rendered corpus also keeps out of its
    test split (`evaluation.parsing.rendered.split_of`); every fourth of those is dev.
    """
    paths = sorted(FAKE.glob("*.json"))[:40]
    pool = [path for index, path in enumerate(paths) if split_of(index) == "dev"]
    chosen = [path for number, path in enumerate(pool) if (number % 4 == 3) == (role == "dev")]
    return [json.loads(path.read_text(encoding="utf-8")) for path in chosen]


def fake_stems(role: str) -> set[str]:
    """The file stems of `fake_resumes(role)`."""
    paths = sorted(FAKE.glob("*.json"))[:40]
    pool = [path for index, path in enumerate(paths) if split_of(index) == "dev"]
    return {p.stem for n, p in enumerate(pool) if (n % 4 == 3) == (role == "dev")}


DATE_STYLES: list[Callable[[str, str | None], str]] = [
    lambda s, e: f"{_month(s)} {s[:4]} – {(_month(e) + ' ' + e[:4]) if e else 'Present'}",
    lambda s, e: f"{s[5:7]}/{s[:4]} - {(e[5:7] + '/' + e[:4]) if e else 'present'}",
    lambda s, e: f"{s[:4]}/{s[5:7]} – {(e[:4] + '/' + e[5:7]) if e else 'now'}",
    lambda s, e: f"{s[5:7]}.{s[:4]} - {(e[5:7] + '.' + e[:4]) if e else 'till now'}",
    lambda s, e: f"{s[:4]} - {e[:4] if e else 'present'}",
    lambda s, e: f"{s[:4]} {e[:4] if e else 'present'}",
    lambda s, e: (
        f"{_month(s, True)} {s[:4]} to {_month(e, True) + ' ' + e[:4] if e else 'Present'}"
    ),
    lambda s, e: f"{s[:7]} – {e[:7] if e else 'Current'}",
]


def _month(date: str | None, full: bool = False) -> str:
    names = "January February March April May June July August September October November December"
    month = int(date[5:7]) if date and len(date) >= 7 else 1
    name = names.split()[month - 1]
    return name if full else name[:3]


# A layout writes an entry's header as lines of (piece, label) pairs; None marks separators.
Piece = tuple[str, str | None]
Layout = Callable[[str, str, str, str], list[list[Piece]]]
WORK_LAYOUTS: list[Layout] = [
    lambda p, c, d, city: [[(p, "TITLE")], [(c, "EMP")], [(d, "DATE")]],
    lambda p, c, d, city: [[(c, "EMP")], [(p, "TITLE")], [(d, "DATE")]],
    lambda p, c, d, city: [
        [(p, "TITLE"), (", ", None), (c, "EMP"), (" (", None), (city, "LOC"), (")", None)],
        [(d, "DATE")],
    ],
    lambda p, c, d, city: [[(p, "TITLE"), (" | ", None), (c, "EMP"), (" | ", None), (d, "DATE")]],
    lambda p, c, d, city: [[(c, "EMP"), (" — ", None), (p, "TITLE")], [(d, "DATE")]],
    lambda p, c, d, city: [[(p, "TITLE"), (" at ", None), (c, "EMP")], [(d, "DATE")]],
    lambda p, c, d, city: [[(c, "EMP"), ("    ", None), (d, "DATE")], [(p, "TITLE")]],
    lambda p, c, d, city: [
        [(p, "TITLE"), ("\t", None), (d, "DATE")],
        [(c, "EMP"), (", ", None), (city, "LOC")],
    ],
    lambda p, c, d, city: [[(d, "DATE")], [(p, "TITLE"), (", ", None), (c, "EMP")]],
    lambda p, c, d, city: [[(c.upper(), "EMP")], [(p, "TITLE"), ("    ", None), (d, "DATE")]],
    lambda p, c, d, city: [
        [(p.upper(), "TITLE")],
        [(c, "EMP"), (" - ", None), (city, "LOC")],
        [(d, "DATE")],
    ],
    lambda p, c, d, city: [
        [(p, "TITLE")],
        [(c, "EMP"), (" | ", None), (city, "LOC"), (" | ", None), (d, "DATE")],
    ],
    lambda p, c, d, city: [[(c, "EMP"), (" | ", None), (p, "TITLE")], [(d, "DATE")]],
    lambda p, c, d, city: [
        [(p, "TITLE"), (" — ", None), (c, "EMP")],
        [(city, "LOC"), (" · ", None), (d, "DATE")],
    ],
]
EDUCATION_LAYOUTS: list[Layout] = [
    lambda i, g, d, city: [[(i, "INST")], [(g, "DEG")], [(d, "DATE")]],
    lambda i, g, d, city: [[(g, "DEG")], [(i, "INST"), (" | ", None), (d, "DATE")]],
    lambda i, g, d, city: [
        [(g, "DEG"), (", ", None), (i, "INST"), (" (", None), (city, "LOC"), (")", None)],
        [(d, "DATE")],
    ],
    lambda i, g, d, city: [[(i, "INST"), ("    ", None), (d, "DATE")], [(g, "DEG")]],
]


def synthetic_sequences(resumes: list[dict[str, Any]], seed: int = 7) -> Iterator[Sequence]:
    """Entry headers written from JSON Resume entries, each in several layouts."""
    rng = random.Random(seed)
    cities = training_cities()
    for resume in resumes:
        for job in resume.get("work", []):
            company, position = job.get("company") or job.get("name"), job.get("position")
            if not company or not position or not job.get("startDate"):
                continue
            for layout in rng.sample(WORK_LAYOUTS, 4):
                dates = rng.choice(DATE_STYLES)(job["startDate"], job.get("endDate"))
                yield _synthetic(layout(position, company, dates, rng.choice(cities)))
        for school in resume.get("education", []):
            institution = school.get("institution")
            degree = " ".join(filter(None, (school.get("studyType"), school.get("area"))))
            if not institution or not degree or not school.get("startDate"):
                continue
            for layout in rng.sample(EDUCATION_LAYOUTS, 2):
                dates = rng.choice(DATE_STYLES)(school["startDate"], school.get("endDate"))
                yield _synthetic(layout(institution, degree, dates, rng.choice(cities)))


def _synthetic(layout: list[list[Piece]]) -> Sequence:
    """The header's lines and the label of each token, from the pieces they were made of."""
    lines: list[str] = []
    owners: list[list[str]] = []
    for pieces in layout:
        text = ""
        owner: list[str] = []
        for piece, label in pieces:
            text += piece
            owner += [label or "O"] * len(piece)
        lines.append(text)
        owners.append(owner)
    tags = [owners[token.line][token.start] for token in fields.tokens(lines)]
    return lines, tags


# Line classifier ---------------------------------------------------------------------

ENTRY_TYPES = frozenset({"TITLE", "EMP", "INST", "DEG"})


def dotin_line_sequences(cv: dotin.Cv) -> Iterator[tuple[list[Line], list[str], list[str]]]:
    """The lines of each work and education section, their rule kinds and true labels."""
    labels = [""] * len(cv.text)
    for span in cv.spans:
        if span.type in TYPES:
            labels[span.start : span.end] = [TYPES[span.type]] * (span.end - span.start)
    text = tidy(cv.text)
    lines = logical_lines(text, stands_alone=is_listed_heading)
    # Where each logical line starts in the CV's text (tidy keeps nearly every offset).
    starts: list[int] = []
    cursor = 0
    for line in lines:
        found = cv.text.find(line.text[:20], cursor)
        starts.append(found if found >= 0 else -1)
        cursor = found + 1 if found >= 0 else cursor
    positions = {id(line): start for line, start in zip(lines, starts, strict=True)}
    _, sections = find_sections(lines)
    for section in sections:
        if section.key not in ("work", "education", "volunteer") or not section.lines:
            continue
        kinds = [str(kind) for kind in line_kinds(section.lines)]
        truth = [_line_label(line, positions.get(id(line), -1), labels) for line in section.lines]
        yield section.lines, kinds, truth


def _line_label(line: Line, start: int, labels: list[str]) -> str:
    if start < 0 or line.bullet:
        return "BODY"
    chars = labels[start : start + len(line.text)]
    entry = sum(label in ENTRY_TYPES for label in chars)
    dated = sum(label == "DATE" for label in chars)
    letters = max(sum(char.isalnum() for char in line.text), 1)
    if entry and (entry / letters >= 0.3 or len(line.text.split()) <= 8):
        return "ENTRY"
    return "ENTRY" if dated / letters >= 0.5 else "BODY"


def synthetic_line_sequences(
    resumes: list[dict[str, Any]], seed: int = 5
) -> Iterator[tuple[list[Line], list[str], list[str]]]:
    """Work sections written from fake resumes, every header line an ENTRY."""
    rng = random.Random(seed)
    for resume in resumes:
        for layout in WORK_LAYOUTS:
            section: list[Line] = []
            truth: list[str] = []
            for job in resume.get("work", []):
                company, position = job.get("company") or job.get("name"), job.get("position")
                if not company or not position or not job.get("startDate"):
                    continue
                dates = rng.choice(DATE_STYLES)(job["startDate"], job.get("endDate"))
                for pieces in layout(position, company, dates, "Austin"):
                    section.append(Line("".join(piece for piece, _ in pieces)))
                    truth.append("ENTRY")
                if job.get("summary", "").strip():
                    section.append(Line(job["summary"]))
                    truth.append("BODY")
                for highlight in [h for h in job.get("highlights", []) if h.strip()][:3]:
                    section.append(Line(highlight, bullet=rng.random() < 0.7))
                    truth.append("BODY")
            if section:
                yield section, [str(kind) for kind in line_kinds(section)], truth


def rendered_line_sequences() -> Iterator[tuple[list[Line], list[str], list[str]]]:
    """Work and education sections of the rendered corpus (fake train resumes only), with
    the styles extraction kept: a line naming a gold employer, title, school or degree, or
    a short dated line, is an ENTRY line."""
    from evaluation.parsing.rendered import rendered_corpus
    from jobtrail.resume.adapters.formats import extract_text
    from jobtrail.resume.domain.parsing import styles_of

    stems = fake_stems("train")
    for rendered in rendered_corpus("dev"):
        if rendered.gold["meta"]["id"] not in stems:
            continue
        extracted = extract_text(rendered.data)
        gold = rendered.gold
        wanted = [
            value
            for section, keys in (
                ("work", ("name", "position")),
                ("education", ("institution", "area")),
            )
            for item in gold.get(section, [])
            for key in keys
            if isinstance(value := item.get(key), str) and len(value) >= 3
        ]
        lines = logical_lines(tidy(extracted.text), styles_of(extracted.lines), is_listed_heading)
        for section in find_sections(lines)[1]:
            if section.key not in ("work", "education") or not section.lines:
                continue
            truth = [
                "ENTRY"
                if not line.bullet
                and (
                    any(value in line.text for value in wanted)
                    or (find_dates(line.text) is not None and len(line.text.split()) <= 8)
                )
                else "BODY"
                for line in section.lines
            ]
            yield section.lines, [str(kind) for kind in line_kinds(section.lines)], truth


def train_lines(sequences: list[tuple[list[Line], list[str], list[str]]], path: Path) -> None:
    """Fit the line classifier (fixed settings and order: deterministic)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for lines, kinds, truth in sequences:
        kept = [i for i, line in enumerate(lines) if not line.bullet]
        if kept:
            trainer.append(
                linekinds.features([lines[i] for i in kept], [kinds[i] for i in kept]),
                [truth[i] for i in kept],
            )
    trainer.set_params({"c1": 1.0, "c2": 1.0, "max_iterations": 200, "feature.minfreq": 3})
    trainer.train(str(path))


def line_scores(sequences: list[tuple[list[Line], list[str], list[str]]]) -> dict[str, Any]:
    """How well undated header lines are told from prose: rules vs classifier, P/R of ENTRY."""
    result = {}
    for name in ("rules", "classifier"):
        hits = guessed = gold = 0
        for lines, kinds, truth in sequences:
            if name == "rules":
                guess = ["BODY" if kind == "body" else "ENTRY" for kind in kinds]
            else:
                corrected = line_kinds(lines, learned=True)
                guess = ["BODY" if kind == "body" else "ENTRY" for kind in corrected]
            for want, got, line in zip(truth, guess, lines, strict=True):
                if line.bullet:
                    continue
                guessed += got == "ENTRY"
                gold += want == "ENTRY"
                hits += got == want == "ENTRY"
        result[name] = (round(hits / max(guessed, 1), 3), round(hits / max(gold, 1), 3))
    return result


# Training and measuring --------------------------------------------------------------


def train(sequences: list[Sequence], path: Path) -> None:
    """Fit the CRF (L-BFGS, fixed settings and order, so the same data gives the same file)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for lines, tags in sequences:
        trainer.append(fields.features(lines, fields.tokens(lines)), tags)
    trainer.set_params(
        {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}
    )
    trainer.train(str(path))


def token_scores(sequences: list[Sequence]) -> dict[str, tuple[float, float]]:
    """Per-label token precision and recall of the current tagger."""
    hits: Counter[str] = Counter()
    guessed: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for lines, tags in sequences:
        for one, tag in zip(fields.tag(lines), tags, strict=True):
            guessed[one.label] += 1
            gold[tag] += 1
            hits[tag] += one.label == tag
    return {
        label: (hits[label] / max(guessed[label], 1), hits[label] / max(gold[label], 1))
        for label in ("TITLE", "EMP", "INST", "DEG", "DATE", "LOC")
    }


GROUPS = ("employers", "titles", "start dates", "end dates", "dates", "institutions", "degrees")


def _summary(table: Any) -> str:
    cells = []
    for group in GROUPS:
        counts = table.counts[group]
        p = "–" if counts.precision is None else f"{counts.precision:.2f}"
        r = "–" if counts.recall is None else f"{counts.recall:.2f}"
        cells.append(f"{group} {p}/{r}")
    return ", ".join(cells)


def dotin_table() -> Any:
    """The dotin dev CVs parsed now, scored against their labels (values counted once)."""
    pairs = []
    with zipfile.ZipFile(dotin.TRAIN_ZIP) as archive:
        for cv in dotin.cvs("dev"):
            name = f"545_cvs_train_v2/{cv.number}.xml"
            labelled = read_cv(name, archive.read(name).decode("utf-8"))
            gold = gold_fields(labelled)
            pairs.append((gold, fields_of(parse(labelled.text).document)))
    table = Table()
    for gold, predicted in pairs:
        table.add(gold, predicted, sets=True)
    return table


def rendered_table(documents: list[tuple[Any, str, Any]]) -> Any:
    """Rendered dev documents (extracted once) parsed now and scored."""
    return score_documents((gold, parse(text, lines).document) for gold, text, lines in documents)


def rendered_documents() -> list[tuple[Any, str, Any]]:
    """The rendered corpus's documents of the fake dev resumes: gold, text, styled lines."""
    from evaluation.parsing.rendered import rendered_corpus
    from jobtrail.resume.adapters.formats import extract_text

    stems = fake_stems("dev")
    found = []
    for rendered in rendered_corpus("dev"):
        if rendered.gold["meta"]["id"] not in stems:
            continue
        extracted = extract_text(rendered.data)
        found.append((rendered.gold, extracted.text, extracted.lines))
    return found


BINS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01))
CALIBRATED = {
    "employers": ("work", "name"),
    "titles": ("work", "position"),
    "institutions": ("education", "institution"),
    "start dates": ("work", "startDate"),
}


def reliability(pairs: list[tuple[Any, Any]]) -> str:
    """Share of predicted values that match the gold, by the confidence the parser gave them."""
    tally: dict[tuple[str, int], list[int]] = {}
    for gold, parsed in pairs:
        gold_fields_ = fields_of(gold)
        for group, (section, key) in CALIBRATED.items():
            wanted = gold_fields_.get(group, [])
            for index, item in enumerate(parsed.document.get(section, [])):
                if key not in item:
                    continue
                sure = parsed.confidence.get(f"{section}[{index}].{key}", 0.0)
                value = item[key]
                hit = int(bool(wanted) and match_count(group, wanted, [value]) > 0)
                b = next(n for n, (low, high) in enumerate(BINS) if low <= sure < high)
                tally.setdefault((group, b), []).append(hit)
    rows = []
    for group in CALIBRATED:
        cells = []
        for b, (low, high) in enumerate(BINS):
            hits = tally.get((group, b), [])
            share = f"{sum(hits) / len(hits):.2f}" if hits else "–"
            cells.append(f"[{low:.2f},{min(high, 1):.2f}) {share} (n={len(hits)})")
        rows.append(f"  {group}: " + "; ".join(cells))
    return "\n".join(rows)


def dotin_parsed() -> list[tuple[Any, Any]]:
    """(gold, Parsed) for the dotin dev CVs."""
    pairs = []
    with zipfile.ZipFile(dotin.TRAIN_ZIP) as archive:
        for cv in dotin.cvs("dev"):
            name = f"545_cvs_train_v2/{cv.number}.xml"
            labelled = read_cv(name, archive.read(name).decode("utf-8"))
            pairs.append((gold_fields_as_resume(gold_fields(labelled)), parse(labelled.text)))
    return pairs


def gold_fields_as_resume(gold: dict[str, list[str]]) -> dict[str, Any]:
    """dotin gold groups in a JSON Resume shape, so one scorer reads both corpora."""
    return {
        "work": [{"name": v} for v in gold.get("employers", [])]
        + [{"position": v} for v in gold.get("titles", [])]
        + [{"startDate": v} for v in gold.get("dates", [])],
        "education": [{"institution": v} for v in gold.get("institutions", [])],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.training.resume_parser")
    parser.add_argument("--no-train", action="store_true", help="measure the shipped model")
    parser.add_argument(
        "--no-rendered",
        dest="rendered",
        action="store_false",
        help="leave the rendered PDF/DOCX corpus out (faster; not the shipped model)",
    )
    args = parser.parse_args(argv)
    model = MODELS / "fields.crfsuite"
    lines_model = MODELS / "lines.crfsuite"
    if not args.no_train:
        write_title_words()
        write_places()
        sequences = [s for cv in dotin.cvs("train") for s in dotin_sequences(cv)]
        sequences += list(synthetic_sequences(fake_resumes("train")))
        print(f"training on {len(sequences)} header sequences", file=sys.stderr)
        train(sequences, model)
        line_sequences = [s for cv in dotin.cvs("train") for s in dotin_line_sequences(cv)]
        line_sequences += list(synthetic_line_sequences(fake_resumes("train")))
        if args.rendered:
            line_sequences += list(rendered_line_sequences())
        print(f"training on {len(line_sequences)} sections", file=sys.stderr)
        linekinds.use_model(None)
        train_lines(line_sequences, lines_model)
    linekinds.use_model(lines_model)
    line_dev = [s for cv in dotin.cvs("dev") for s in dotin_line_sequences(cv)]
    print("entry lines P/R on dotin dev:", line_scores(line_dev))
    print(
        "entry lines P/R on synthetic dev:",
        line_scores(list(synthetic_line_sequences(fake_resumes("dev")))),
    )
    fields.use_model(model)
    dev = [s for cv in dotin.cvs("dev") for s in dotin_sequences(cv)]
    print("token P/R on dotin dev:", token_scores(dev))
    synthetic_dev = list(synthetic_sequences(fake_resumes("dev"), seed=3))
    print("token P/R on synthetic dev:", token_scores(synthetic_dev))
    fake_resumes("dev")
    variants = (
        ("rules", None, None, "ties"),
        ("rules + line classifier", None, lines_model, "ties"),
        ("field CRF alone + line classifier", model, lines_model, "tagger"),
        ("rules, field CRF on ties + line classifier", model, lines_model, "ties"),
    )
    rendered = rendered_documents() if args.rendered else []
    for name, path, lines_path, decider in variants:
        fields.use_model(path)
        linekinds.use_model(lines_path)
        experience.ROLE_DECIDER[0] = decider
        began = time.perf_counter()
        print(f"{name}\n  dotin dev: {_summary(dotin_table())}")
        if rendered:
            print(f"  rendered dev ({len(rendered)} docs): {_summary(rendered_table(rendered))}")
        print(f"  ({time.perf_counter() - began:.1f} s)", file=sys.stderr)
    fields.use_model(model)
    linekinds.use_model(lines_model)
    experience.ROLE_DECIDER[0] = "ties"
    print("reliability, dotin dev (share correct by confidence):")
    print(reliability(dotin_parsed()))
    if rendered:
        print("reliability, rendered dev:")
        print(reliability([(gold, parse(text, lines)) for gold, text, lines in rendered]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
