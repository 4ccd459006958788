"""Files a resume reader must refuse with a reason: scanned, locked, broken, bomb-shaped,
or simply too long."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfWriter

from tests.support.documents import CONTENT_TYPES, Resume, resume_docx, resume_pdf, typst_pdf


def scanned_pdf() -> bytes:
    """A PDF that only draws shapes, as a scan without OCR does: no text layer at all."""
    bars = "\n".join(
        f"#place(dx: 0pt, dy: {i * 18}pt, rect(width: {60 + (i * 37) % 40}%, height: 8pt,"
        " fill: luma(90)))"
        for i in range(30)
    )
    return typst_pdf(f'#set page(paper: "us-letter")\n{bars}\n')


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of `pages` pages of real text: a whole portfolio, not a resume."""
    page = "#if n > 0 { pagebreak() } Project notes, page #n. Requirements, design, results."
    return typst_pdf(f"#for n in range({pages}) [{page}]")


def encrypted_pdf(resume: Resume) -> bytes:
    """The resume's PDF locked with a user password, as "protect with password" does."""
    writer = PdfWriter(clone_from=io.BytesIO(resume_pdf(resume)))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupt_pdf() -> bytes:
    """A PDF header followed by garbage, like a download cut short and overwritten."""
    garbage = bytes((i * 97 + 13) % 256 for i in range(4096))
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + garbage


def truncated_pdf(resume: Resume) -> bytes:
    """The first tenth of a real PDF: the header survives, the pages do not."""
    pdf = resume_pdf(resume)
    return pdf[: len(pdf) // 10]


def corrupt_docx() -> bytes:
    """A DOCX cut in half: the zip's central directory is gone."""
    whole = resume_docx({"basics": {"name": "Broken File"}})
    return whole[: len(whole) // 2]


def docx_zip_bomb(declared_mib: int = 64) -> bytes:
    """A zip shaped like a DOCX whose document.xml inflates to `declared_mib` MiB of blanks."""
    buffer = io.BytesIO()
    chunk = b" " * (1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document>')
            for _ in range(declared_mib):
                member.write(chunk)
            member.write(b"</w:document>")
    return buffer.getvalue()
