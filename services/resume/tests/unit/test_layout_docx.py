"""Word resumes are read in the order a person reads them, whatever holds the text.

Each test builds its document with python-docx, adding raw XML where python-docx has no API
(text boxes). Tables used as page columns are read column by column, data tables row by
row; text boxes once; the page header first.
"""

from __future__ import annotations

import io

import docx
from docx.document import Document
from docx.oxml import parse_xml
from docx.shared import Inches, Pt
from docx.table import Table, _Cell

from jobtrail.resume.adapters.formats import Extracted, extract_text
from jobtrail.resume.adapters.word import read_docx

EXPERIENCE = [
    "Experience",
    "Senior Engineer, Analytical Engines Ltd",
    "2019 – 2023, London",
    "Designed the control unit of the difference engine for the production line",
    "Education",
    "Bachelor of Mathematics, University of London",
]
SIDEBAR = ["Contact", "ada@example.com", "+44 20 7946 0958", "Skills", "Python, Go, SQL"]


def saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def lines_of(extracted: Extracted) -> list[str]:
    """The styled lines' texts, checked to be the text's non-blank lines."""
    texts = [line.text for line in extracted.lines]
    assert texts == [line for line in extracted.text.splitlines() if line]
    return texts


def fill(cell: _Cell, texts: list[str], headings: set[str], *, fresh: bool = True) -> None:
    """Paragraphs of `texts` in the cell, the ones in `headings` bold and larger; in a
    `fresh` cell the first fills the empty paragraph every new cell has."""
    for index, text in enumerate(texts):
        paragraph = cell.paragraphs[0] if fresh and index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        if text in headings:
            run.bold = True
            run.font.size = Pt(13)


def layout_table(document: Document, left: list[list[str]], right: list[list[str]]) -> Table:
    """A borderless table whose rows hold a narrow sidebar cell and a wide main cell."""
    table: Table = document.add_table(rows=len(left), cols=2)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Inches(2), Inches(4.5)
    for row, (side, main) in enumerate(zip(left, right, strict=True)):
        table.cell(row, 0).width, table.cell(row, 1).width = Inches(2), Inches(4.5)
        fill(table.cell(row, 0), side, {"Contact", "Skills", "Languages"})
        fill(table.cell(row, 1), main, {"Experience", "Education"})
    return table


def test_a_table_laid_out_as_two_columns_is_read_column_by_column() -> None:
    document = docx.Document()
    title = document.add_paragraph().add_run("Ada Lovelace")
    title.bold, title.font.size = True, Pt(24)
    layout_table(
        document,
        left=[SIDEBAR[:3], [*SIDEBAR[3:], "Technical writing"]],
        right=[EXPERIENCE[:4], EXPERIENCE[4:]],
    )
    extracted = extract_text(saved(document))
    assert lines_of(extracted) == [
        "Ada Lovelace",
        *SIDEBAR,
        "Technical writing",
        *EXPERIENCE,
    ]
    by_text = {line.text: line for line in extracted.lines}
    assert by_text["ada@example.com"].region == "sidebar"
    assert by_text["ada@example.com"].column == 0
    assert by_text["Experience"].region == "body"
    assert by_text["Experience"].column == 1
    assert by_text["Experience"].x0 == 144.0  # the main column starts two inches in
    assert by_text["Experience"].bold
    assert not by_text["2019 – 2023, London"].bold
    assert by_text["Ada Lovelace"].size == 24.0 > by_text["Experience"].size == 13.0
    # Each column is its own block of text.
    assert "Technical writing\n\nExperience" in extracted.text
    assert "Ada Lovelace\n\nContact" in extracted.text


def test_a_heading_cell_beside_its_content_is_read_row_by_row() -> None:
    document = docx.Document()
    document.add_paragraph("Ada Lovelace")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "EXPERIENCE"
    fill(table.cell(0, 1), EXPERIENCE[1:4], set())
    table.cell(1, 0).text = "EDUCATION"
    fill(table.cell(1, 1), EXPERIENCE[5:], set())
    document.add_paragraph(" ".join(["Wrote notes on the engine and its uses."] * 4))
    lines = lines_of(extract_text(saved(document)))
    assert lines[:7] == ["Ada Lovelace", "EXPERIENCE", *EXPERIENCE[1:4], "EDUCATION", EXPERIENCE[5]]


def test_a_data_table_is_read_row_by_row_with_its_cells_joined() -> None:
    document = docx.Document()
    document.add_paragraph("Ada Lovelace")
    document.add_paragraph("Education").runs[0].bold = True
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate(
        [
            ("Degree", "School", "Year"),
            ("BSc Mathematics", "University of London", "2015"),
            ("MSc Computing", "Imperial College", "2017"),
        ]
    ):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("Wrote notes on the analytical engine and its uses in science.")
    lines = lines_of(extract_text(saved(document)))
    assert lines[:5] == [
        "Ada Lovelace",
        "Education",
        "Degree | School | Year",
        "BSc Mathematics | University of London | 2015",
        "MSc Computing | Imperial College | 2017",
    ]


def test_a_table_nested_in_a_layout_column_is_read_in_place() -> None:
    document = docx.Document()
    document.add_paragraph("Ada Lovelace")
    table = layout_table(document, left=[SIDEBAR[:3]], right=[EXPERIENCE[:4]])
    main = table.cell(0, 1)
    main.add_paragraph().add_run("Skills").bold = True
    nested = main.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Python", "Expert"), ("Go", "Good")]):
        for column, text in enumerate(cells):
            nested.cell(row, column).text = text
    fill(main, EXPERIENCE[4:], {"Education"}, fresh=False)
    lines = lines_of(extract_text(saved(document)))
    assert lines == [
        "Ada Lovelace",
        *SIDEBAR[:3],
        *EXPERIENCE[:4],
        "Skills",
        "Python | Expert",
        "Go | Good",
        *EXPERIENCE[4:],
    ]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_NAMESPACES = (
    f"{_W} "
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def text_box_run(paragraphs: list[str]) -> object:
    """A run holding a floating text box, as Word writes it: a DrawingML shape in
    mc:Choice and the same text again as a VML shape in mc:Fallback."""
    content = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return parse_xml(
        f"<w:r {_NAMESPACES}><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:extent cx="2000000" cy="900000"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        'wordprocessingShape"><wps:wsp><wps:txbx>'
        f"<w:txbxContent>{content}</w:txbxContent>"
        "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox>"
        f"<w:txbxContent>{content}</w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def test_a_text_box_is_read_once_and_the_header_first() -> None:
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "ada@example.com | +44 20 7946 0958"
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "Confidential"
    name = document.add_paragraph()
    name.add_run("Ada Lovelace").font.size = Pt(24)
    name._p.append(text_box_run(["Skills", "Python, Go, SQL"]))
    document.add_paragraph("Experience").runs[0].bold = True
    document.add_paragraph("Senior Engineer, Analytical Engines Ltd, 2019 – 2023")
    document.add_paragraph("Designed the difference engine's control unit", style="List Bullet")
    extracted = extract_text(saved(document))
    assert lines_of(extracted) == [
        "ada@example.com | +44 20 7946 0958",
        "Ada Lovelace",
        "Skills",
        "Python, Go, SQL",
        "Experience",
        "Senior Engineer, Analytical Engines Ltd, 2019 – 2023",
        "• Designed the difference engine's control unit",
    ]
    assert extracted.lines[0].region == "header"
    assert "Confidential" not in extracted.text
    bullet = extracted.lines[-1]
    assert bullet.x0 > extracted.lines[-2].x0


def test_a_footer_with_contact_details_comes_first_and_page_numbers_go() -> None:
    document = docx.Document()
    footer = document.sections[0].footer
    footer.paragraphs[0].text = "ada@example.com"
    footer.add_paragraph("2")
    document.add_paragraph("Ada Lovelace")
    document.add_paragraph(" ".join(["Wrote notes on the engine and its uses."] * 4))
    lines = read_docx(saved(document)).lines
    assert [line.text for line in lines[:2]] == ["ada@example.com", "Ada Lovelace"]
    assert lines[0].region == "footer"
    assert all(line.text != "2" for line in lines)


def test_content_controls_and_formatting_are_read() -> None:
    document = docx.Document()
    heading = document.add_paragraph().add_run("work experience")
    heading.font.all_caps = True
    heading.bold = True
    body = document.add_paragraph()
    body._p.append(
        parse_xml(
            f"<w:sdt {_W}><w:sdtContent><w:r><w:t>Engineer, Analytical Engines</w:t></w:r>"
            "<w:r><w:tab/><w:t>2019 – 2023</w:t></w:r></w:sdtContent></w:sdt>"
        )
    )
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {_W}><w:sdtContent><w:p><w:r><w:t>Built the first programs for it"
            "</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    lines = read_docx(saved(document)).lines
    assert [line.text for line in lines] == [
        "work experience",
        "Engineer, Analytical Engines\t2019 – 2023",
        "Built the first programs for it",
    ]
    assert lines[0].caps
    assert lines[0].bold
    assert not lines[1].caps
    assert not lines[1].bold


def test_paragraph_styles_give_weight_size_and_indent() -> None:
    document = docx.Document()
    document.add_heading("Ada Lovelace", level=0)
    document.add_heading("Experience", level=1)
    document.add_paragraph("Senior Engineer, Analytical Engines Ltd")
    document.add_paragraph("Designed the control unit", style="List Bullet")
    document.add_paragraph("Tested it on Bernoulli numbers", style="List Bullet 2")
    name, heading, job, bullet, nested = read_docx(saved(document)).lines
    assert name.size > heading.size > job.size
    assert heading.bold
    assert not job.bold
    assert not name.caps
    assert job.x0 < bullet.x0 < nested.x0
    assert bullet.text == "• Designed the control unit"
