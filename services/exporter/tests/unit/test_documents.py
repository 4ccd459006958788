"""What the exported files look like inside: fonts, scripts, page breaks, letters."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from jobtrail.exporter.layout import HEADINGS
from jobtrail.exporter.render import TEMPLATES, UnknownTemplate, render_letter, render_resume
from jobtrail.resume.adapters.formats import extract_text

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
CYRILLIC = "Анна Сергеевна Кузнецова"
CHINESE = "王小明"


def sample(name: str | None = None) -> dict[str, Any]:
    resume: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text("utf-8"))
    if name:
        resume["basics"]["name"] = name
    return resume


def long_resume(jobs: int) -> dict[str, Any]:
    resume = sample()
    resume["work"] = [
        {
            "name": f"Company {n}",
            "position": f"Engineer {n}",
            "startDate": f"{1990 + n % 30}-0{1 + n % 9}",
            "endDate": f"{1991 + n % 30}-0{1 + n % 9}",
            "summary": "Built and ran systems that many people relied on every day. " * 3,
            "highlights": [
                f"Delivered result {k} of job {n} on time and under budget" for k in range(6)
            ],
        }
        for n in range(jobs)
    ]
    return resume


def pdf_text_by_page(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", [CYRILLIC, CHINESE])
def test_non_latin_names_are_kept_in_pdf_and_docx(template: str, name: str) -> None:
    resume = sample(name)
    resume["work"][0]["name"] = "北京字节跳动科技有限公司" if name == CHINESE else "Яндекс"
    pdf = render_resume(resume, "pdf", template, 1)
    text = extract_text(pdf.data).text
    assert name in text
    assert resume["work"][0]["name"] in text
    word = render_resume(resume, "docx", template, 1)
    assert name in extract_text(word.data).text
    assert pdf.filename.startswith(name.replace(" ", "-"))


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_pdf_font_is_embedded(template: str) -> None:
    data = render_resume(sample(CHINESE + " Иванов"), "pdf", template, 1).data
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts.append(
                (
                    font["/BaseFont"],
                    any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                )
            )
    assert fonts
    assert all(embedded for _, embedded in fonts), fonts
    assert any("CJK" in str(name) for name, _ in fonts)


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_twenty_page_resume_renders_without_stranded_headings(template: str) -> None:
    data = render_resume(long_resume(100), "pdf", template, 1).data
    pages = pdf_text_by_page(data)
    assert len(pages) >= 20
    headings = {h.lower() for h in HEADINGS.values()}
    for number, text in enumerate(pages[:-1], start=1):
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert last.lower() not in headings, f"page {number} ends with a heading: {last!r}"
        assert not re.match(r"(Engineer|Company) \d+\b", last), (
            f"page {number} ends with an entry's title: {last!r}"
        )


def test_docx_headings_and_entry_titles_keep_with_next() -> None:
    data = render_resume(long_resume(5), "docx", "classic", 1).data
    document = docx.Document(io.BytesIO(data))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings
    assert all(p.paragraph_format.keep_with_next for p in headings)
    titles = [p for p in document.paragraphs if p.text.startswith("Engineer ")]
    assert len(titles) == 5
    assert all(p.paragraph_format.keep_with_next for p in titles)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_cover_letter_renders_with_the_resume_letterhead(fmt: str) -> None:
    letter = {
        "greeting": "Dear hiring team,",
        "paragraphs": ["I would like to apply for the role.", "我对这个职位很感兴趣。"],
        "company": "Hooli",
    }
    rendered = render_letter(letter, sample(CYRILLIC), fmt, "modern", 2)  # type: ignore[arg-type]
    text = extract_text(rendered.data).text
    for expected in (
        CYRILLIC,
        "Dear hiring team,",
        "I would like to apply",
        "我对这个职位很感兴趣",
        "Hooli",
    ):
        assert expected in text
    assert rendered.filename.endswith(f"cover-letter-v2.{fmt}")


def test_the_same_document_renders_to_the_same_bytes() -> None:
    first = render_resume(sample(), "pdf", "classic", 1).data
    assert render_resume(sample(), "pdf", "classic", 1).data == first


def test_an_unknown_template_is_refused_by_name() -> None:
    with pytest.raises(UnknownTemplate, match="classic, modern"):
        render_resume(sample(), "pdf", "fancy", 1)


def test_typst_markup_in_user_text_is_printed_verbatim() -> None:
    resume = sample('#set page(width: 1cm) "quoted" \\ back')
    text = extract_text(render_resume(resume, "pdf", "classic", 1).data).text
    assert '#set page(width: 1cm) "quoted" \\ back' in text.replace("“", '"').replace("”", '"')
