"""The rendered corpus: a fixed split, gold as printed, and documents that read back."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from evaluation.parsing import rendered
from evaluation.parsing.parsers import Failures
from evaluation.parsing.rendered import DATE_STYLES, LAYOUTS, gold_of, rendered_corpus
from evaluation.parsing.suite import Timer, score_rendered
from jobtrail.resume.adapters.formats import extract_text
from jobtrail.resume.domain.parsing import parse


@pytest.fixture(autouse=True)
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(rendered, "CACHE", tmp_path)
    return tmp_path


def test_split_is_forty_for_development_and_twenty_held_out() -> None:
    names = [stem for stem, _ in rendered.sources()]
    test = [n for i, n in enumerate(names) if rendered.split_of(i) == "test"]
    dev = [n for i, n in enumerate(names) if rendered.split_of(i) == "dev"]
    assert (len(dev), len(test)) == (40, 20)
    assert not set(dev) & set(test)


def test_at_least_ten_layouts_and_the_date_styles_of_the_issue() -> None:
    assert len(LAYOUTS) >= 10
    printed = {style.name: style.range("2017-04", None) for style in DATE_STYLES}
    assert printed["2017/04"] == "2017/04 - present"
    assert printed["04.2017"] == "04.2017 – today"
    assert printed["2021 till now"] == "2017 - till now"
    assert DATE_STYLES[-1].range("2019-01", "2021-06") == "2019 2021"


def test_gold_dates_are_cut_to_what_a_year_only_style_prints() -> None:
    resume = {"basics": {"name": "A"}, "work": [{"startDate": "2019-04", "endDate": "2021-06"}]}
    year_only = next(style for style in DATE_STYLES if style.year_only)
    gold = gold_of(resume, year_only, {"id": "a"})
    assert gold["work"][0] == {"startDate": "2019", "endDate": "2021"}
    assert resume["work"][0]["startDate"] == "2019-04"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_one_column_document_reads_back_its_name_email_and_employer(fmt: str) -> None:
    item = next(rendered_corpus("test", layouts=["one-column"], formats=[fmt], limit=1))
    assert item.format == fmt
    extracted = extract_text(item.data)
    assert extracted.kind == fmt
    gold = item.gold
    employer = next(job["name"] for job in gold["work"] if job.get("name"))
    assert gold["basics"]["email"] in extracted.text
    assert employer in " ".join(extracted.text.split())
    assert (
        parse(extracted.text, extracted.lines).document["basics"]["name"] == gold["basics"]["name"]
    )


def test_rendering_is_deterministic_and_cached(cache_in: Path) -> None:
    first = next(rendered_corpus("dev", layouts=["two-columns"], formats=["pdf"], limit=1))
    assert len(list(cache_in.iterdir())) == 1
    again = next(rendered_corpus("dev", layouts=["two-columns"], formats=["pdf"], limit=1))
    assert (again.data, again.gold) == (first.data, first.gold)
    assert first.gold["meta"]["split"] == "dev"


def test_a_parser_returning_the_gold_scores_one_and_a_failing_one_counts_failures() -> None:
    items = list(rendered_corpus("test", layouts=["left-sidebar"], formats=["docx"], limit=2))
    gold_of_data = {item.data: item.gold for item in items}

    def broken(data: bytes) -> dict[str, object]:
        raise ValueError("cannot read")

    failures = Failures()
    tables = score_rendered(
        items, {"perfect": gold_of_data.__getitem__, "broken": broken}, failures, Timer()
    )
    perfect, failed = tables.overall["perfect"], tables.overall["broken"]
    assert perfect.counts["employers"].recall == 1.0
    assert perfect.counts["start dates"].precision == 1.0
    assert (failed.documents, failed.failed) == (2, 2)
    assert failed.counts["employers"].recall == 0.0
    assert "ValueError: cannot read" in failures.markdown()


def test_text_box_layout_puts_the_sidebar_in_a_word_text_box() -> None:
    item = next(rendered_corpus("test", layouts=["text-box-sidebar"], formats=["docx"], limit=1))
    with zipfile.ZipFile(io.BytesIO(item.data)) as archive:
        body = archive.read("word/document.xml").decode()
    boxes = re.findall(r"<w:txbxContent>(.*?)</w:txbxContent>", body, re.S)
    assert len(boxes) == 2  # DrawingML and its VML fallback, as Word writes them
    keywords = escape(", ".join(item.gold["skills"][0]["keywords"]))
    assert all(keywords in box for box in boxes)
    assert body.count(keywords) == 2  # and nowhere else
