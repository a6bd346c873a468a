"""Page metadata read from the HTML tree: JSON-LD, meta tags, title, authors, canonical link,
other-language versions, and the notion of page noise (sidebars, related blocks, comments)."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import lxml.html

from lexwatch.nlp import AnalysisError
from lexwatch.outlets import edition_language as language_of_link

# class/id words that mark blocks belonging to other stories or to the site, not the article.
NOISE_WORDS = ("sidebar", "aside", "related", "latest", "news-feed", "newsfeed", "lenta", "feed",
               "most-read", "popular", "widget", "comment", "footer", "cookie", "consent", "banner",
               "ticker", "recommend", "read-also", "readalso", "more-news", "other-news", "subscribe",
               "advert", "promo", "share", "social", "breadcrumb", "menu", "nav")
_NOISE = re.compile("|".join(re.escape(w) for w in NOISE_WORDS), re.I)
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle",
                  "webpage", "report"}   # schema.org types (registry-grep: not an outlet)
_LANG_CODE = re.compile(r"^([a-z]{2})(?:[-_][A-Za-z]+)?$")
# hreflang values some sites use for Kazakh / Azerbaijani.
_LANG_ALIASES = {"kz": "kk", "qq": "kk", "aze": "az", "rus": "ru", "eng": "en"}


def parse_html(text: str):
    parser = lxml.html.HTMLParser()
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise AnalysisError(f"not an HTML page: {exc}") from None
    if tree is None:
        raise AnalysisError("not an HTML page")
    if any("Excessive depth" in error.message for error in parser.error_log):
        # libxml2 stops descending at 256 levels, so what is below is lost to every reader of the page
        raise AnalysisError("not an article page: markup nested deeper than 256 levels")
    return tree


def outside_article_noise(el, own_only: bool = False) -> bool:
    """True when `el` (or, unless own_only, an ancestor) is a sidebar/related/comment/footer block."""
    node = el
    while node is not None:
        if node.tag in ("aside", "footer", "nav") and not own_only:
            return True
        marker = f"{node.get('class') or ''} {node.get('id') or ''}"
        if marker.strip() and _NOISE.search(marker):
            return True
        if own_only or node.tag in ("article", "body"):
            return False
        node = node.getparent()
    return False


def json_ld(tree) -> dict:
    """The first NewsArticle-like object of the page's JSON-LD (also inside @graph or lists)."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # CMSs often leave raw newlines or a trailing comma inside strings
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        found = _find_article(data)
        if found:
            return found
    return {}


def _find_article(data) -> dict | None:
    if isinstance(data, list):
        for item in data:
            found = _find_article(item)
            if found:
                return found
        return None
    if not isinstance(data, dict):
        return None
    if "@graph" in data:
        return _find_article(data["@graph"])
    kinds = data.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
    if any(str(k).lower() in _ARTICLE_TYPES for k in kinds) and (
            data.get("datePublished") or data.get("headline")):
        return data
    return None


def meta(tree, *names: str) -> str | None:
    for name in names:
        for el in tree.xpath("//meta[@property=$n or @name=$n]", n=name):
            value = (el.get("content") or "").strip()
            if value:
                return value
    return None


def ld_authors(ld: dict) -> list[str]:
    raw = ld.get("author")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names


def page_authors(tree, ld: dict) -> list[str]:
    names = ld_authors(ld)
    if not names:
        value = meta(tree, "author", "article:author")
        if value and not value.startswith("http"):
            names = [n.strip() for n in re.split(r"[,;]", value) if n.strip()]
    if not names:
        for el in tree.xpath("//*[@rel='author' or @itemprop='author' or contains(@class,'author')]"):
            if outside_article_noise(el):
                continue
            text = " ".join(el.text_content().split())
            if 2 < len(text) < 60:
                names = [text]
                break
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def canonical_link(tree, url: str) -> str | None:
    for el in tree.xpath("//link[@rel='canonical'][@href]"):
        href = el.get("href").strip()
        if href:
            return urljoin(url, href)
    return None


def _lang_code(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    value = _LANG_ALIASES.get(value, value)
    m = _LANG_CODE.match(value)
    if not m:
        return None
    return _LANG_ALIASES.get(m.group(1), m.group(1))


def translations(tree, url: str, outlet: str, own_language: str | None) -> dict[str, str]:
    """Other-language versions: <link rel=alternate hreflang>, then <a hreflang|lang>, then links
    in a language switcher/other-languages block that lead to a story (not an edition's home)."""
    found: dict[str, str] = {}

    def add(lang: str | None, href: str | None) -> None:
        if not lang or not href or lang == own_language or lang in found:
            return
        absolute = urljoin(url, href.strip())
        if absolute.rstrip("/") == (url or "").rstrip("/"):
            return
        found[lang] = absolute

    for el in tree.xpath("//link[@rel='alternate'][@hreflang][@href]"):
        add(_lang_code(el.get("hreflang")), el.get("href"))
    for el in tree.xpath("//a[@href][@hreflang or @lang]"):
        if _is_story_link(el.get("href")):
            add(_lang_code(el.get("hreflang") or el.get("lang")), el.get("href"))
    for el in tree.xpath("//*[contains(@class,'lang') or contains(@class,'translation') or "
                         "contains(@id,'lang')]//a[@href]"):
        href = el.get("href")
        if _is_story_link(href):
            add(language_of_link(urljoin(url, href), outlet), href)
    return found


def _is_story_link(href: str | None) -> bool:
    """An edition's home page (/ru/, /en) is a language switch, not a translation of the story."""
    if not href:
        return False
    path = urlsplit(href).path.strip("/")
    return len([s for s in path.split("/") if s]) >= 2 or (len(path) > 3 and "/" not in path and len(path) > 12)


def page_title(tree, ld: dict) -> str:
    for candidate in (ld.get("headline"), meta(tree, "og:title", "twitter:title")):
        if isinstance(candidate, str) and candidate.strip():
            return _strip_site_suffix(candidate)
    for h1 in tree.xpath("//article//h1|//h1"):
        if not outside_article_noise(h1):
            text = " ".join(h1.text_content().split())
            if text:
                return text
    titles = tree.xpath("//title")
    return _strip_site_suffix(titles[0].text_content()) if titles else ""


def _strip_site_suffix(title: str) -> str:
    title = " ".join(title.split())
    # "Headline | Agency.az", "Headline - Some Media": drop a short trailing site name.
    parts = re.split(r"\s+[|–—-]\s+", title)
    if len(parts) > 1 and len(parts[-1]) <= 30:
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    return title


def page_section(tree, ld: dict) -> str | None:
    section = ld.get("articleSection") or meta(tree, "article:section")
    if isinstance(section, list):
        section = section[0] if section else None
    return section.strip() if isinstance(section, str) and section.strip() else None


def page_tags(tree, ld: dict) -> list[str]:
    raw = ld.get("keywords")
    if isinstance(raw, str):
        tags = [t.strip() for t in raw.split(",")]
    elif isinstance(raw, list):
        tags = [str(t).strip() for t in raw]
    else:
        tags = [el.get("content", "").strip() for el in tree.xpath("//meta[@property='article:tag']")]
    return [t for t in tags if t]


def page_language(tree) -> str | None:
    html = tree if tree.tag == "html" else (tree.xpath("//html") or [None])[0]
    return _lang_code(html.get("lang")) if html is not None else None
