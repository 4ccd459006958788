"""PDFs with typst: the compiler and Latin fonts come in the `typst` wheel, CJK from Noto.

User text only ever enters typst as string literals, so nothing a job seeker writes is
read as markup. Headings are set in unbreakable blocks together with what follows them
(a section heading with its first entry, an entry's title with its first line of text),
so a page break never leaves a heading alone at the foot of a page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path

import typst

from jobtrail.events.exports import TEMPLATES
from jobtrail.exporter.layout import Entry, LetterLayout, ResumeLayout, Section


@cache
def _fonts() -> typst.Fonts:
    """The wheel's fonts plus Noto Sans CJK, scanned once per process."""
    import noto_cjk_sans_otc

    folder = Path(str(noto_cjk_sans_otc.FONT_PATH)).parent
    return typst.Fonts(include_system_fonts=False, font_paths=[str(folder)])


_local = threading.local()


def _compiler() -> typst.Compiler:
    # A compiler keeps caches between runs; one per thread, as renders run in threads.
    compiler: typst.Compiler | None = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(font_paths=_fonts(), ignore_system_fonts=True)
        _local.compiler = compiler
    return compiler


@cache
def template_source(template: str) -> str:
    return files("jobtrail.exporter.templates").joinpath(f"{template}.typ").read_text("utf-8")


def compile_pdf(source: str) -> bytes:
    """Compile a typst document; the same source always gives the same bytes."""
    pdf = _compiler().compile(source.encode(), format="pdf", timestamp=0)
    assert isinstance(pdf, bytes)
    return pdf


def warm_up() -> None:
    """Load the fonts and the compiler now, so the first export is as fast as the rest."""
    for template in TEMPLATES:
        compile_pdf(f'{template_source(template)}\n#resume-header("A", "", ("b",))')


def resume_pdf(layout: ResumeLayout, template: str) -> bytes:
    return compile_pdf(resume_source(layout, template))


def letter_pdf(letter: LetterLayout, template: str) -> bytes:
    return compile_pdf(letter_source(letter, template))


def resume_source(layout: ResumeLayout, template: str) -> str:
    head = _document(layout.name, "Resume")
    header = f"#resume-header({s(layout.name)}, {s(layout.label)}, {_array(layout.contact)})"
    body = "\n".join(line for section in layout.sections for line in _section(section))
    return f"{template_source(template)}\n{head}\n{header}\n{body}\n"


def letter_source(letter: LetterLayout, template: str) -> str:
    out = [template_source(template), _document(letter.name, "Cover letter")]
    out.append("#set par(spacing: 1.2em)")
    out.append(f"#letter-head({s(letter.name)}, {_array(letter.contact)})")
    if letter.date:
        out.append(f"#{s(letter.date)}\n")
    if letter.recipient:
        out.append(" \\\n".join(f"#{s(line)}" for line in letter.recipient) + "\n")
    if letter.greeting:
        out.append(f"#{s(letter.greeting)}\n")
    out += [f"#{s(paragraph)}\n" for paragraph in letter.paragraphs]
    out.append(f"#block(breakable: false)[#{s(letter.closing)} \\\n\\\n #{s(letter.name)}]")
    return "\n".join(out) + "\n"


def _document(name: str, what: str) -> str:
    title = f"{name} — {what}" if name else what
    return f"#set document(title: {s(title)}, author: {s(name)}, date: none)"


def _section(section: Section) -> Iterator[str]:
    """The heading is kept with the section's first block (an entry head and its first
    line, the first row, the first line)."""
    heading = f"#section-heading({s(section.heading)})"
    blocks = [
        *(f"#row({s(name)}, {s(value)})\n" for name, value in section.rows),
        *(f"#{s(line)}\n" for line in section.lines),
    ]
    entries = [list(_entry(entry)) for entry in section.entries]
    if entries:
        first, *rest = entries
        yield _keep(heading, *first[:2])
        yield from first[2:]
        for entry in rest:
            yield _keep(*entry[:2])
            yield from entry[2:]
        return
    yield _keep(heading, *blocks[:1])
    yield from blocks[1:]


def _entry(entry: Entry) -> Iterator[str]:
    yield f"#entry-head({s(entry.title)}, {s(entry.details)}, {s(entry.dates)})"
    for paragraph in entry.paragraphs:
        yield f"#{s(paragraph)}\n"
    for bullet in entry.bullets:
        yield f"- #{s(bullet)}"


def _keep(*parts: str) -> str:
    inner = "\n".join(parts)
    return f"#block(breakable: false, width: 100%)[\n{inner}\n]"


def _array(items: tuple[str, ...]) -> str:
    return "(" + "".join(f"{s(item)}, " for item in items) + ")"


def s(text: str) -> str:
    """A typst string literal holding `text` verbatim."""
    return '"' + "".join(_char(char) for char in text) + '"'


def _char(char: str) -> str:
    if char in '\\"':
        return "\\" + char
    return f"\\u{{{ord(char):x}}}" if ord(char) < 0x20 or ord(char) == 0x7F else char
