"""Publication and modification dates of an article page, with a UTC offset.

Order of trust: JSON-LD NewsArticle, then article:published_time / og / itemprop meta, then the
article's own <time> or visible dateline, then the day in the article's URL (the outlet registry's
path_date), then htmldate. Elements in sidebars, related-article
blocks, comments and footers are never read: their dates belong to other stories.
A date without an offset gets the outlet's local zone.
"""
from __future__ import annotations

import re
from datetime import datetime

from lexwatch.nlp.page import outside_article_noise

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?")
_DMY_NUMERIC = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_CLOCK = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")

# Month names as printed in datelines (az, ru in nominative and genitive, kk, en, tr).
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    "yanvar": 1, "fevral": 2, "mart": 3, "aprel": 4, "iyun": 6, "iyul": 7,
    "avqust": 8, "sentyabr": 9, "oktyabr": 10, "noyabr": 11, "dekabr": 12,
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
    "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6, "шілде": 7,
    "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\w*\.?,?\s+(\d{{4}})", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_ALT})\w*\.?\s+(\d{{1,2}}),?\s+(\d{{4}})", re.I)


def parse_iso(value: str | None, offset: str | None) -> str | None:
    """ISO-like string -> 'YYYY-MM-DDTHH:MM:SS±HH:MM'; a missing offset becomes `offset`."""
    if not value:
        return None
    m = _ISO.search(str(value))
    if not m:
        return None
    y, mo, d, h, mi, s, tz = m.groups()
    return _compose(int(y), int(mo), int(d), h, mi, s, tz, offset)


# No online news article was published before 1990; a CMS default (1970-01-01, 0001-01-01) or a
# hostile page's year 9999 is no publication date (and would pin the page to one end of every list).
PLAUSIBLE_YEARS = (1990, 2100)


def _compose(y, mo, d, h, mi, s, tz, offset) -> str | None:
    if not PLAUSIBLE_YEARS[0] <= y <= PLAUSIBLE_YEARS[1]:
        return None
    try:
        datetime(y, mo, d, int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None
    if tz in (None, ""):
        tz = offset or "+00:00"
    elif tz == "Z":
        tz = "+00:00"
    elif ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    return f"{y:04d}-{mo:02d}-{d:02d}T{int(h or 0):02d}:{int(mi or 0):02d}:{int(s or 0):02d}{tz}"


def parse_visible(text: str, offset: str | None) -> str | None:
    """A dateline as printed: '12 March, 2026 14:23', '21 fevral, 2026', '22.11.2025 10:15'."""
    if not text:
        return None
    text = " ".join(text.split())
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        d, month, y = int(m.group(1)), MONTHS.get(m.group(2).lower()), int(m.group(3))
    else:
        m = _MONTH_DAY_YEAR.search(text)
        if m:
            month, d, y = MONTHS.get(m.group(1).lower()), int(m.group(2)), int(m.group(3))
        else:
            m = _DMY_NUMERIC.search(text)
            if not m:
                iso = _ISO.search(text)
                return parse_iso(iso.group(0), offset) if iso else None
            d, month, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not month:
        return None
    # The time is printed apart from the date (before or after it) within the same dateline.
    clock = _CLOCK.search(text[m.end(): m.end() + 40]) or _CLOCK.search(text[max(0, m.start() - 40): m.start()])
    h, mi = (clock.group(1), clock.group(2)) if clock else (None, None)
    return _compose(y, month, d, h, mi, None, None, offset)


def page_dates(tree, ld: dict, offset: str | None,
               url_day: tuple[int, int, int] | None = None) -> tuple[str | None, str | None]:
    """(published_at, modified_at) of the page, by the order of trust in the module docstring;
    `url_day` is the day the outlet's article URL carries (the registry's path_date), trusted
    before htmldate's guesses."""
    published = parse_iso(ld.get("datePublished"), offset)
    modified = parse_iso(ld.get("dateModified"), offset)
    if not published:
        published = _meta_date(tree, ("article:published_time", "og:published_time", "datepublished",
                                      "pubdate", "publishdate", "date", "dc.date", "dc.date.issued"), offset)
    if not modified:
        modified = _meta_date(tree, ("article:modified_time", "og:updated_time", "datemodified",
                                     "lastmod", "dc.date.modified"), offset)
    if not published:
        published = _article_time(tree, offset)
    if not published and url_day:
        published = _compose(*url_day, None, None, None, None, offset)
    if not published:
        published = _htmldate(tree, offset)
    return published, modified


def _meta_date(tree, names: tuple[str, ...], offset) -> str | None:
    for name in names:
        for el in tree.xpath(
                "//meta[translate(@property,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')=$n"
                " or translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')=$n"
                " or translate(@itemprop,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')=$n]",
                n=name):
            value = parse_iso(el.get("content"), offset)
            if value:
                return value
    for el in tree.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
        if not outside_article_noise(el):
            value = parse_iso(el.get("datetime") or el.get("content"), offset) or parse_visible(el.text_content(), offset)
            if value:
                return value
    return None


def _article_time(tree, offset) -> str | None:
    """The first <time> or dateline inside the article (or, lacking <article>, the page) that is
    not inside a sidebar, related block, comment or footer."""
    scopes = tree.xpath("//article") or tree.xpath("//main") or [tree]
    for scope in scopes:
        for el in scope.iter("time"):
            if outside_article_noise(el):
                continue
            value = parse_iso(el.get("datetime"), offset) if el.get("datetime") else None
            value = value or parse_visible(el.text_content(), offset)
            if value:
                return value
        for el in scope.xpath(".//*[contains(translate(@class,'DATE','date'),'date') or "
                              "contains(@class,'time') or contains(@class,'published')]"):
            if outside_article_noise(el):
                continue
            value = parse_visible(el.text_content(), offset)
            if value:
                return value
    return None


def _htmldate(tree, offset) -> str | None:
    from copy import deepcopy

    from htmldate import find_date
    pruned = deepcopy(tree)
    for el in pruned.xpath("//aside|//footer|//nav|//*[@class]"):
        if el.tag in ("aside", "footer", "nav") or outside_article_noise(el, own_only=True):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    try:
        found = find_date(pruned, original_date=True, extensive_search=False,
                          outputformat="%Y-%m-%dT%H:%M:%S")
    except Exception:  # htmldate raises on odd trees; a missing date is the honest answer
        return None
    return parse_iso(found, offset)
