"""analyze_page / analyze_text: extract -> identify language -> tag, producing an Article.

Heavy objects (trafilatura, the lingua detector, spaCy pipelines) are loaded once per process and
reused; callers may call these functions per page from a crawler pipeline.
"""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from lexwatch.article import Article
from lexwatch.urls import canonical_url
from lexwatch.nlp import AnalysisError
from lexwatch.nlp.decode import decode_page
from lexwatch.nlp.extract import extract_page
from lexwatch.nlp.langid import detect_language
from lexwatch.outlets import edition_language as guess_edition, guess_outlet, outlets
from lexwatch.nlp.page import parse_html
from lexwatch.nlp.tagger import tag

_HTML_HINT = re.compile(r"<\s*(html|head|body|div|p|article|meta|title)\b", re.I)
_TEXTUAL_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
# News pages are well under 1 MB (the crawler stops downloads at 8 MB); a bigger input is not an
# article, and parsing it would cost memory and minutes (`lexwatch analyze`, reprocess from WARC).
MAX_PAGE_BYTES = 16 * 1024 * 1024


def _resolve_outlet(url: str, outlet: str | None) -> str:
    if outlet:
        outlet = outlet.lower()
        return outlet if outlet in outlets() else "other"
    return guess_outlet(url)


def analyze_page(body: bytes | str, url: str, *, outlet: str | None = None, edition: str | None = None,
                 content_type: str | None = None, fetched_at: str | None = None) -> Article:
    """Analyze one fetched HTML page. Raises AnalysisError (a ValueError) when the input is empty,
    not HTML, or undecodable; never anything else."""
    if content_type and not any(t in content_type.lower() for t in _TEXTUAL_TYPES):
        raise AnalysisError(f"not an HTML page: content type {content_type!r}")
    if len(body) > MAX_PAGE_BYTES:
        raise AnalysisError(f"page of {len(body) / 2**20:.0f} MB is larger than the {MAX_PAGE_BYTES // 2**20} MB "
                            "an article page may be")
    try:
        return _analyze_page(body, url, outlet, edition, content_type, fetched_at)
    except AnalysisError:
        raise
    except Exception as exc:  # the contract: arbitrary HTML never raises anything unexpected
        raise AnalysisError(f"could not analyze page {url}: {type(exc).__name__}: {exc}") from exc


def _analyze_page(body, url, outlet, edition, content_type, fetched_at) -> Article:
    text = decode_page(body, content_type)
    if not _HTML_HINT.search(text[:5000]):
        raise AnalysisError("not an HTML page (no HTML markup found)")
    outlet = _resolve_outlet(url, outlet)
    edition = edition or guess_edition(url, outlet)
    tree = parse_html(text)
    page = extract_page(text, tree, url, outlet, edition)
    if not page.body:   # a title alone (a JavaScript shell, an error page) is not an article
        raise AnalysisError("no article text found on the page" + (f" (only the title {page.title[:80]!r})"
                                                                  if page.title else ""))
    language = detect_language(page.body) or detect_language(page.title) or page.html_language or edition
    if _after(page.published_at, fetched_at):   # a date days after the fetch is not when it was published
        page.published_at = None
    if _after(page.modified_at, fetched_at):
        page.modified_at = None
    edition = edition or page.html_language or language
    return Article(
        # The declared canonical link as lexwatch canonicalises every URL, so the id the store computes
        # for the fetched URL (Store.seen) and the id of this record agree.
        url=url, canonical_url=declared_canonical(page.canonical_url, url),
        outlet=outlet, edition=edition,
        language=language, title=page.title, body=page.body, published_at=page.published_at,
        modified_at=page.modified_at, authors=page.authors, section=page.section, tags=page.tags,
        translations=page.translations, fetched_at=fetched_at,
        deepfake=tag(page.title, page.body, language, outlet=outlet),
    )


def _after(moment: str | None, fetched_at: str | None) -> bool:
    """True when `moment` is more than two days after the fetch (time zones and clock skew allowed)."""
    if not moment or not fetched_at:
        return False
    try:
        return datetime.fromisoformat(moment) > datetime.fromisoformat(fetched_at.replace("Z", "+00:00")) + timedelta(days=2)
    except (ValueError, TypeError):
        return False


def analyze_text(text: str, url: str = "", *, outlet: str | None = None, edition: str | None = None,
                 published_at: str | None = None, fetched_at: str | None = None) -> Article:
    """Analyze plain text: the first non-empty line is the title, the rest the body."""
    if isinstance(text, bytes):
        text = decode_page(text)
    if not text or not text.strip():
        raise AnalysisError("empty text")
    lines = [line.strip() for line in text.strip().splitlines()]
    title = lines[0]
    body = "\n".join(line for line in lines[1:] if line) or ""
    outlet = _resolve_outlet(url, outlet)
    edition = edition or guess_edition(url, outlet)
    language = detect_language(body) or detect_language(title) or edition
    return Article(
        url=url or "urn:lexwatch:text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], outlet=outlet, edition=edition or language,
        language=language, title=title, body=body, published_at=published_at,
        fetched_at=fetched_at, deepfake=tag(title, body, language, outlet=outlet),
    )


def declared_canonical(declared: str | None, url: str) -> str:
    """The page's canonical link, canonicalised — but only on the page's own host: a page may not
    claim another site's URL and so overwrite that site's record."""
    if not declared:
        return ""
    declared = canonical_url(declared)
    if _host(declared) != _host(canonical_url(url)):
        return ""
    return declared


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")
