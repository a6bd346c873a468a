"""Bytes of a fetched page -> text, honouring the HTTP and <meta> charsets but not trusting them.

Why not trust them: older Russian-language CMS pages are served as windows-1251 while the header
or meta says UTF-8 (or nothing), and some UTF-8 pages still declare windows-1251. A declared
charset is used only when the bytes decode under it cleanly and plausibly; otherwise
charset-normalizer decides.
"""
from __future__ import annotations

import codecs
import re

from lexwatch.nlp import AnalysisError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
# Magic numbers of the non-text bodies a crawler most often receives by mistake.
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF")
_MOJIBAKE = re.compile("[ÐÑ][\u0080-\u00bf\u2018-\u203a]|Ã[\u0080-\u00bf]|â€")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    found: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and _codec(m.group(1)):
            found.append(_codec(m.group(1)))
    m = _META_CHARSET.search(body[:4096])
    if m and _codec(m.group(1).decode("ascii", "ignore")):
        found.append(_codec(m.group(1).decode("ascii", "ignore")))
    return found


def _looks_wrong(text: str) -> bool:
    """UTF-8 bytes read as a single-byte charset leave tell-tale pairs like 'Ð°' or 'â€'."""
    return len(_MOJIBAKE.findall(text[:20000])) > 3


def decode_page(body: bytes | str, content_type: str | None = None) -> str:
    if isinstance(body, str):
        text = body
    else:
        if not body or not body.strip():
            raise AnalysisError("empty page")
        if body.startswith(_BINARY_MAGIC) or b"\x00" in body[:2048]:
            raise AnalysisError("not an HTML or text page (binary content)")
        text = _decode_bytes(body, content_type)
    if not text.strip():
        raise AnalysisError("empty page")
    return text.lstrip("\ufeff")


def _decode_bytes(body: bytes, content_type: str | None) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    # Valid multi-byte UTF-8 is almost never produced by accident, whatever the page declares.
    try:
        text = body.decode("utf-8")
        return text
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(body)
    if text is not None:
        return text
    for codec in declared_charsets(body, content_type):
        if codec == "utf-8":
            continue  # already failed above: the declaration lies
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _looks_wrong(text) and _plausible(body, codec):
            return text
    return _detect(body)


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a CMS that cut a character in half): the text, with U+FFFD for
    the strays. Many valid multi-byte sequences per invalid byte cannot happen by accident in a
    single-byte charset, so windows-1251 pages are not taken for it."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ch > "\x7f") - bad
    return text if bad and multibyte >= 20 * bad else None


def _plausible(body: bytes, codec: str) -> bool:
    """A declared single-byte charset is kept unless the detector is clearly more confident in
    another one (a page declaring latin-1 that is really windows-1251 reads as accented junk)."""
    if codec in ("cp1251", "koi8-r", "cp1254", "iso8859-9", "iso8859-5"):
        return True
    from charset_normalizer import from_bytes
    best = from_bytes(body[:65536]).best()
    return best is None or _codec(best.encoding) == codec


def _detect(body: bytes) -> str:
    from charset_normalizer import from_bytes
    best = from_bytes(body[:65536], cp_exclusion=["utf_16", "utf_32"]).best()
    if best is None:
        raise AnalysisError("unreadable page: no character encoding fits its bytes")
    return body.decode(best.encoding, errors="replace")
