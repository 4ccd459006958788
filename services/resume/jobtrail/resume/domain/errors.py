"""Why an uploaded file cannot be used as a resume, in words a job seeker can act on."""

from __future__ import annotations

ACCEPTED_TYPES = (
    "PDF, Word (.docx), plain text (.txt), Markdown (.md), JSON Resume (.json) "
    "or a scan (PNG, JPEG or TIFF image)"
)


class UnreadableResume(Exception):
    """The uploaded file cannot be read as a resume; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def empty_file() -> UnreadableResume:
    """The upload has no content at all."""
    return UnreadableResume(
        "empty_file", "The file is empty. Please choose your resume file and upload it again."
    )


def too_large(size: int, limit: int) -> UnreadableResume:
    """The upload exceeds the size limit."""
    return UnreadableResume(
        "too_large",
        f"The file is {_mib(size)}, larger than the {_mib(limit)} limit. "
        "Please upload a smaller file, for example a PDF export without large images.",
    )


def unsupported_type(what: str = "This file") -> UnreadableResume:
    """The content is not one of the accepted formats."""
    return UnreadableResume(
        "unsupported_type",
        f"{what} is not a format we can read. Please upload your resume as {ACCEPTED_TYPES}.",
    )


def unsupported_encoding() -> UnreadableResume:
    """Text that is neither UTF-8 nor UTF-16 with a byte-order mark."""
    return UnreadableResume(
        "unsupported_encoding",
        "This text file is not saved as UTF-8, so its letters cannot be read reliably. "
        "Please save it as UTF-8 (or export a PDF or DOCX) and upload it again.",
    )


def corrupt_pdf() -> UnreadableResume:
    """The PDF structure cannot be read."""
    return UnreadableResume(
        "corrupt_pdf",
        "This PDF is damaged and cannot be opened. Please export or download it again "
        "and upload the new file.",
    )


def encrypted_pdf() -> UnreadableResume:
    """The PDF needs a password to open."""
    return UnreadableResume(
        "encrypted_pdf",
        "This PDF is protected with a password. Please remove the password and upload again.",
    )


def no_text_layer() -> UnreadableResume:
    """The PDF has pages but no selectable text: a scan, a photo or an empty document."""
    return UnreadableResume(
        "no_text_layer",
        "This PDF has no selectable text; it looks like a scanned or photographed page. "
        "Please upload a PDF with selectable text (exported from your editor) or a DOCX file.",
    )


def unreadable_scan(kind: str) -> UnreadableResume:
    """OCR read too little of a scan or photo: too blurred, too small, or not text at all."""
    what = "scanned PDF" if kind == "pdf" else "image"
    return UnreadableResume(
        # A PDF keeps the code it had before OCR, so clients relying on it keep working.
        "no_text_layer" if kind == "pdf" else "unreadable_scan",
        f"We could not read enough text in this {what}: it has no selectable text, and "
        "reading it as a scan found too few words. Please upload a clearer scan (flat, "
        "sharp, well lit, at least 200 dpi) or, better, a PDF with selectable text exported "
        "from your editor, or a DOCX file.",
    )


def scan_too_slow(page: int, seconds: float, whole_file: bool = False) -> UnreadableResume:
    """Reading a scanned page took longer than the time limit per page (or per file)."""
    per = "for a whole file" if whole_file else "per page"
    return UnreadableResume(
        "scan_too_slow",
        f"Reading page {page} of this scan took longer than our limit of {seconds:g} seconds "
        f"{per}, so we stopped. Please upload a clearer scan of only your resume or, "
        "better, a PDF with selectable text exported from your editor, or a DOCX file.",
    )


def too_many_scanned_pages(pages: int, limit: int) -> UnreadableResume:
    """More scanned pages than we read by OCR for one resume."""
    return UnreadableResume(
        "too_many_scanned_pages",
        f"This file has {pages} scanned pages without selectable text; we read at most "
        f"{limit} scanned pages per resume. Please upload only your resume's pages, or a PDF "
        "with selectable text exported from your editor.",
    )


def corrupt_image() -> UnreadableResume:
    """An image whose header or pixels cannot be read."""
    return UnreadableResume(
        "corrupt_image",
        "This image is damaged and cannot be opened. Please scan or export it again, "
        "or upload your resume as PDF or DOCX.",
    )


def image_too_large() -> UnreadableResume:
    """An image with far more pixels than any scanned page."""
    return UnreadableResume(
        "image_too_large",
        "This image has far more pixels than a scanned page (more than 40 megapixels). "
        "Please scan at 200 to 300 dpi, or upload your resume as PDF or DOCX.",
    )


def too_many_pages(pages: int, limit: int) -> UnreadableResume:
    """Far more pages than any resume has."""
    return UnreadableResume(
        "too_many_pages",
        f"This PDF has {pages} pages; a resume may have at most {limit}. "
        "Please upload only your resume.",
    )


def corrupt_docx() -> UnreadableResume:
    """The Word file cannot be opened."""
    return UnreadableResume(
        "corrupt_docx",
        "This Word document is damaged and cannot be opened. Please save it again as .docx "
        "(or export a PDF) and upload the new file.",
    )


def docx_zip_bomb() -> UnreadableResume:
    """The DOCX would inflate to far more data than any resume holds."""
    return UnreadableResume(
        "docx_zip_bomb",
        "This Word document unpacks to an unreasonable amount of data, so we did not open it. "
        "Please save your resume again from your editor, or export it as PDF, and upload that.",
    )


def legacy_office() -> UnreadableResume:
    """An old binary .doc, or an Office file locked with a password."""
    return UnreadableResume(
        "unsupported_type",
        "This looks like an old Word .doc file or a password-protected Office document, "
        f"which we cannot read. Please save it as .docx or PDF without a password. "
        f"Accepted: {ACCEPTED_TYPES}.",
    )


def corrupt_json() -> UnreadableResume:
    """Text that starts like JSON but is not valid JSON."""
    return UnreadableResume(
        "corrupt_json",
        "This file looks like JSON but is not valid JSON. Please fix the syntax "
        "(for example with a JSON validator) or upload your resume as PDF or DOCX.",
    )


def not_a_resume() -> UnreadableResume:
    """Valid JSON that is not a JSON Resume document."""
    return UnreadableResume(
        "not_a_resume",
        "This JSON file is not a JSON Resume document (https://jsonresume.org/schema): "
        'it has none of its sections such as "basics" or "work". '
        "Please upload a JSON Resume file, or your resume as PDF or DOCX.",
    )


def too_little_text(words: int) -> UnreadableResume:
    """So little text that it cannot be a resume."""
    return UnreadableResume(
        "too_little_text",
        f"We found only {words} words in this file, too few for a resume. "
        "Please check that you chose the right file, with your full resume in it.",
    )


def file_gone() -> UnreadableResume:
    """The stored upload cannot be found any more (it was never the file's content)."""
    return UnreadableResume(
        "file_missing",
        "We could not find the file you uploaded in our storage. Please upload it again.",
    )


def internal_error() -> UnreadableResume:
    """Reading failed for a reason on our side: never blamed on the file or the job seeker."""
    return UnreadableResume(
        "processing_failed",
        "Something went wrong on our side while reading this file; it is not a problem with "
        "your file. Our team has been alerted and can retry it, or you can upload it again later.",
    )


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"
