"""PDF resumes are read in the order a person reads them, whatever their layout.

Each test renders its PDF with typst at run time: two columns (a main column and a
sidebar, either side), a name across both, running heads and page numbers, right-aligned
dates, wrapped bullets and a word hyphenated across lines.
"""

from __future__ import annotations

import pytest

from jobtrail.resume.adapters.formats import Extracted, extract_text
from jobtrail.resume.adapters.pdf import pages_without_text, read_pdf
from jobtrail.resume.domain.errors import UnreadableResume
from tests.support.documents import typst_pdf

PREAMBLE = """\
#set page(paper: "a4", margin: (x: 1.6cm, y: 1.5cm))
#set text(font: "Libertinus Serif", size: 10pt)
#let heading(title) = text(size: 13pt, weight: "bold", title)
#let side(title) = text(size: 11pt, weight: "bold", title)
"""

NAME = """\
#align(center, text(size: 22pt, weight: "bold")[Ada Lovelace])
#align(center, text(size: 12pt)[Analytical Engine Programmer])
#v(0.5em)
"""

MAIN = """\
    #heading[Experience]

    *Senior Engineer* #h(1fr) 2019 -- 2023 \\
    Analytical Engines Ltd, London
    - Designed the control unit of the difference engine for the new production line in Leeds
    - Wrote the first published algorithm for Bernoulli numbers

    *Engineer* #h(1fr) 2015 -- 2019 \\
    Babbage and Partners, Cambridge
    - Translated and annotated the Menabrea paper on the engine

    #heading[Education]

    *University of London* #h(1fr) 2011 -- 2015 \\
    Bachelor of Mathematics
"""

SIDEBAR = """\
    #set text(size: 9pt)
    #side[Contact]

    #"ada@example.com" \\
    +44 20 7946 0958 \\
    London, United Kingdom

    #side[Skills]

    Python, Go, SQL \\
    Mathematics \\
    Technical writing

    #side[Languages]

    English, French, Italian
"""

MAIN_LINES = [
    "Experience",
    "Senior Engineer\t2019 – 2023",
    "Analytical Engines Ltd, London",
    "•  Designed the control unit of the difference engine for the new production line in Leeds",
    "•  Wrote the first published algorithm for Bernoulli numbers",
    "Engineer\t2015 – 2019",
    "Babbage and Partners, Cambridge",
    "•  Translated and annotated the Menabrea paper on the engine",
    "Education",
    "University of London\t2011 – 2015",
    "Bachelor of Mathematics",
]
SIDEBAR_LINES = [
    "Contact",
    "ada@example.com",
    "+44 20 7946 0958",
    "London, United Kingdom",
    "Skills",
    "Python, Go, SQL",
    "Mathematics",
    "Technical writing",
    "Languages",
    "English, French, Italian",
]


def two_columns(*, sidebar_left: bool = False, name: str = NAME) -> bytes:
    columns = "(1fr, 2fr)" if sidebar_left else "(2fr, 1fr)"
    cells = (
        f"[\n{SIDEBAR}\n  ], [\n{MAIN}\n  ]"
        if sidebar_left
        else f"[\n{MAIN}\n  ], [\n{SIDEBAR}\n  ]"
    )
    return typst_pdf(
        f"{PREAMBLE}{name}#grid(columns: {columns}, column-gutter: 1.2cm,\n  {cells})\n"
    )


def lines_of(extracted: Extracted) -> list[str]:
    """The styled lines' texts, checked to be the text's non-blank lines."""
    texts = [line.text for line in extracted.lines]
    assert texts == [line for line in extracted.text.splitlines() if line]
    return texts


def test_a_sidebar_is_read_after_the_main_column_not_interleaved_with_it() -> None:
    extracted = extract_text(two_columns())
    assert lines_of(extracted) == [
        "Ada Lovelace",
        "Analytical Engine Programmer",
        *MAIN_LINES,
        *SIDEBAR_LINES,
    ]
    # The two columns are two blocks of text.
    assert "Bachelor of Mathematics\n\nContact" in extracted.text
    by_text = {line.text: line for line in extracted.lines}
    assert by_text["Experience"].column == 0
    assert by_text["Experience"].region == "body"
    assert by_text["Skills"].column == 1
    assert by_text["Skills"].region == "sidebar"
    assert by_text["Ada Lovelace"].region == "body"


def test_lines_keep_their_style_and_geometry() -> None:
    lines = {line.text: line for line in read_pdf(two_columns(), 50).lines}
    name, heading, title = lines["Ada Lovelace"], lines["Experience"], lines[MAIN_LINES[1]]
    company, skill = lines["Analytical Engines Ltd, London"], lines["Mathematics"]
    assert name.size == 22.0
    assert name.bold
    assert heading.size == 13.0
    assert heading.bold
    assert title.bold
    assert not company.bold
    assert company.size == 10.0
    assert skill.size == 9.0
    assert name.page == skill.page == 1
    assert name.top < heading.top < title.top < company.top
    assert skill.x0 > title.x0 + 250  # the sidebar sits right of the main column
    assert title.x1 > company.x1  # the dates reach the column's right edge


def test_a_left_sidebar_is_read_first_and_the_name_above_it_before_both() -> None:
    name_in_main = """\
    #text(size: 22pt, weight: "bold")[Ada Lovelace]

"""
    pdf = typst_pdf(
        f"{PREAMBLE}#grid(columns: (1fr, 2fr), column-gutter: 1.2cm,\n"
        f"  [\n    #v(3em)\n{SIDEBAR}\n  ], [\n{name_in_main}{MAIN}\n  ])\n"
    )
    lines = lines_of(extract_text(pdf))
    assert lines == ["Ada Lovelace", *SIDEBAR_LINES, *MAIN_LINES]


def test_a_left_sidebar_below_a_full_width_name() -> None:
    lines = lines_of(extract_text(two_columns(sidebar_left=True)))
    assert lines == [
        "Ada Lovelace",
        "Analytical Engine Programmer",
        *SIDEBAR_LINES,
        *MAIN_LINES,
    ]


def test_two_columns_set_on_one_grid_of_lines_are_still_read_one_after_the_other() -> None:
    # Same font, size and leading in both columns: most of their lines share baselines.
    same = SIDEBAR.replace("#set text(size: 9pt)", "").replace("#side", "#heading")
    pdf = typst_pdf(
        f"{PREAMBLE}{NAME}#grid(columns: (1fr, 1fr), column-gutter: 1cm,\n"
        f"  [\n{MAIN}\n  ], [\n{same}\n  ])\n"
    )
    lines = lines_of(extract_text(pdf))
    assert lines == ["Ada Lovelace", "Analytical Engine Programmer", *MAIN_LINES, *SIDEBAR_LINES]


def test_a_single_column_with_right_aligned_dates_keeps_them_on_the_title_line() -> None:
    # Short lines only: the gap before the dates runs down the page like a gutter would.
    jobs = "\n".join(
        f"*Engineer {n}* #h(1fr) 20{10 + n} -- 20{11 + n} \\\nCompany {n}\n- Shipped it\n"
        for n in range(1, 7)
    )
    pdf = typst_pdf(f"{PREAMBLE}{NAME}#heading[Experience]\n\n{jobs}")
    lines = lines_of(extract_text(pdf))
    assert lines[:6] == [
        "Ada Lovelace",
        "Analytical Engine Programmer",
        "Experience",
        "Engineer 1\t2011 – 2012",
        "Company 1",
        "•  Shipped it",
    ]
    assert "Engineer 6\t2016 – 2017" in lines


def test_a_label_and_value_list_is_read_row_by_row() -> None:
    rows = "\n".join(
        f"[{label}], [{value}],"
        for label, value in [
            ("Email", '#"ada@example.com"'),
            ("Phone", "+44 20 7946 0958"),
            ("City", "London"),
            ("Born", "10 December 1815"),
        ]
    )
    pdf = typst_pdf(
        f"{PREAMBLE}{NAME}#grid(columns: (3cm, auto), row-gutter: 0.6em,\n{rows})\n\n"
        "#heading[Profile]\n\nMathematician who wrote the first published program, "
        "and notes on the analytical engine.\n"
    )
    lines = lines_of(extract_text(pdf))
    assert lines[2:6] == [
        "Email\tada@example.com",
        "Phone\t+44 20 7946 0958",
        "City\tLondon",
        "Born\t10 December 1815",
    ]


def test_wrapped_bullets_and_hyphenated_words_are_one_line() -> None:
    pdf = typst_pdf(
        f"{PREAMBLE}#set page(width: 300pt, height: 400pt, margin: 20pt)\n{NAME}"
        "#heading[Experience]\n\n"
        "- Designed the control unit of the difference engine for the new production line\n"
        "- Built a multi-\\\nplatform toolkit\n\n"
        "Wrote the notes on the engine and its uses in science.\n"
    )
    lines = lines_of(extract_text(pdf))
    assert lines[3:6] == [
        "•  Designed the control unit of the difference engine for the new production line",
        "•  Built a multi-platform toolkit",
        "Wrote the notes on the engine and its uses in science.",
    ]


RUNNING = """\
#set page(paper: "a4", margin: (x: 2cm, y: 2.5cm),
  header: [#set text(size: 8pt); Ada Lovelace #h(1fr) #"ada@example.com"],
  footer: [#set text(size: 8pt); Confidential #h(1fr) Page #context counter(page).display() of 2])
"""


def test_running_heads_are_kept_once_at_the_top_and_page_numbers_dropped() -> None:
    jobs = "\n".join(
        f"*Engineer {n}* #h(1fr) 20{10 + n} -- 20{11 + n} \\\nCompany {n}, Leeds\n"
        f"- Built the thing number {n} and measured how well it worked for the customers\n"
        for n in range(1, 16)
    )
    pdf = typst_pdf(f"{PREAMBLE}{RUNNING}{NAME}#heading[Experience]\n\n{jobs}")
    extracted = extract_text(pdf)
    lines = lines_of(extracted)
    assert extracted.pages == 2
    assert lines[:4] == [
        "Ada Lovelace\tada@example.com",
        "Ada Lovelace",
        "Analytical Engine Programmer",
        "Experience",
    ]
    assert extracted.lines[0].region == "header"
    assert sum("ada@example.com" in line for line in lines) == 1
    assert not [line for line in lines if "Confidential" in line or "Page" in line]
    assert lines[-3:] == [
        "Engineer 15\t2025 – 2026",
        "Company 15, Leeds",
        "•  Built the thing number 15 and measured how well it worked for the customers",
    ]


def test_pages_drawn_without_text_are_named() -> None:
    bars = "\n".join(
        f"#place(dx: 0pt, dy: {i * 18}pt, rect(width: 70%, height: 8pt, fill: luma(90)))"
        for i in range(20)
    )
    text = " ".join(["Wrote notes on the analytical engine and its uses."] * 20)
    pdf = typst_pdf(f"{PREAMBLE}{text}\n#pagebreak()\n{bars}\n#pagebreak()\n{text}\n")
    assert pages_without_text(pdf, 50) == [2]
    assert read_pdf(pdf, 50).pages == 3


def test_a_pdf_without_any_text_is_still_refused_for_the_ocr_reader_to_take() -> None:
    bars = "\n".join(
        f"#place(dx: 0pt, dy: {i * 18}pt, rect(width: 70%, height: 8pt, fill: luma(90)))"
        for i in range(20)
    )
    pdf = typst_pdf(f"{PREAMBLE}{bars}\n")
    with pytest.raises(UnreadableResume) as caught:
        read_pdf(pdf, 50)
    assert caught.value.code == "no_text_layer"
    assert pages_without_text(pdf, 50) == [1]
