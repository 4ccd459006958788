"""Text files: decoding, tidying, and reading Markdown as plain text."""

from __future__ import annotations

import codecs
import re

from jobtrail.resume.domain import errors

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Symbol and Wingdings glyphs (bullets, arrows, ticks, phone and mail icons) land in the
# private-use area U+F000–U+F0FF when a document is converted: each is read as a bullet.
_SYMBOL_FONT = re.compile(r"[\uf000-\uf0ff]+[ \t]*")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; raises UnreadableResume otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise errors.unsupported_encoding() from error
    if _looks_binary(data):
        raise errors.unsupported_type()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Text in a legacy code page is mostly ASCII; binary data is not.
        high = sum(1 for byte in data[:8192] if byte >= 0x80)
        if high > len(data[:8192]) * 0.3:
            raise errors.unsupported_type() from error
        raise errors.unsupported_encoding() from error


def tidy(text: str) -> str:
    """Uniform newlines and spaces, no control or invisible characters, no ligatures."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text)).translate(_LIGATURES)
    text = _SYMBOL_FONT.sub("• ", text)
    lines = (_SPACES.sub(" ", line).rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


_WIDE_GAP = re.compile(r"[ \t]{2,}")
_INLINE_BULLET = re.compile(r"[ \t]*[•●▪■◦►➢➤❖][ \t]*")
_LOST_DASH = re.compile(
    r"\b((?:19|20)\d\d)[ \t]{2,}((?:19|20)\d\d|present|current|now|date)\b", re.IGNORECASE
)


def unflatten(text: str) -> str:
    """Text that lost its line breaks (whole CVs on one line, parts kept apart by runs of
    spaces, as some converters write them) gets a break at each such run."""
    breaks = text.count("\n")
    gaps = len(_WIDE_GAP.findall(text))
    if len(text) < 400 or breaks * 200 > len(text) or gaps < 10:
        return text
    text = _LOST_DASH.sub(r"\1 \2", text)  # "2006  Present": a range, not two lines
    text = _INLINE_BULLET.sub("\n• ", text)  # each bullet starts a line
    return "\n".join(part.strip() for part in _WIDE_GAP.split(text))


def _looks_binary(data: bytes) -> bool:
    """Text has no NUL bytes and almost no other control bytes."""
    head = data[:8192]
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f")
    return b"\x00" in head or controls > len(head) // 100


# Markdown -----------------------------------------------------------------------------

_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}\s+\S", re.MULTILINE)
_SIGNALS = re.compile(r"\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)|<https?://[^>\s]+>|^```", re.M)

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*([^)\s]+)[^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_HEADING_MARK = re.compile(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?$")
_LIST_MARK = re.compile(r"^(\s*)[-*+]\s+")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$|^\s*=+\s*$|^\s*\|?[\s:|-]*-{3,}[\s:|-]*$")
_QUOTE = re.compile(r"^\s*>\s?")

# Escaped characters hide in the private-use area while the markup around them is read.
_HIDE = 0xE000


def looks_like_markdown(text: str) -> bool:
    """An ATX heading, or at least two other pieces of Markdown markup."""
    return bool(_ATX_HEADING.search(text)) or len(_SIGNALS.findall(text)) >= 2


def markdown_to_text(markdown: str) -> str:
    """Markdown read as a person reads it: no markup, bullets as "• ", links as text (url)."""
    hidden = _ESCAPED.sub(lambda m: chr(_HIDE + ord(m.group(1))), markdown)
    lines = [_markdown_line(line) for line in hidden.split("\n") if not _RULE.match(line)]
    text = "\n".join(lines)
    return re.sub("[\ue000-\ue07f]", lambda m: chr(ord(m.group()) - _HIDE), text)


def _markdown_line(line: str) -> str:
    line = _QUOTE.sub("", line)
    heading = _HEADING_MARK.match(line)
    if heading:
        line = heading.group(1)
    line = _LIST_MARK.sub(r"\1• ", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(_link_text, line)
    line = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), line)
    line = _CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    return _EMPHASIS.sub(r"\2", line).rstrip()


def _link_text(match: re.Match[str]) -> str:
    text, target = match.group(1), match.group(2).removeprefix("mailto:")
    return text if target in text else f"{text} ({target})"
