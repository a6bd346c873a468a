"""One digest e-mail: the new matches of a subscription, grouped by country then stage.

Plain text and HTML alternatives of the same content (email.message.EmailMessage picks the
transfer encodings, so Azerbaijani and Russian text survive any relay). An article about two
countries is listed under both; the subject counts it once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from lexwatch.alerts.labels import WORDS, count_phrase, country_name, stage_name
from lexwatch.penalties import penalties_short
from lexwatch.alerts.subscriptions import Subscription, describe_filters
from lexwatch.article import STAGES, Article
from lexwatch.urls import redact_url

DEFAULT_BASE_URL = "http://127.0.0.1:8765"


@dataclass
class Item:
    title: str
    meta: str            # outlet · date · stage · penalties
    original: str
    page: str


def article_page(base_url: str, article_id: str) -> str:
    """The lexwatch web page of an article (served by `lexwatch serve`)."""
    return f"{redact_url(base_url).rstrip('/')}/article/{article_id}"   # no user:token@ in an e-mail


def message_id(sub: Subscription, articles: list[Article], domain: str) -> str:
    """Derived from the content, so a digest resent after a crash carries the same Message-ID and
    mail clients that deduplicate by it show it once."""
    digest = hashlib.sha256("\n".join([sub.name] + sorted(a.id for a in articles)).encode()).hexdigest()[:20]
    return f"<lexwatch.{sub.name}.{digest}@{domain}>"


def _grouped(articles: list[Article], lang: str) -> list[tuple[str, list[tuple[str, list[Article]]]]]:
    by_country: dict[str | None, dict[str | None, list[Article]]] = {}
    for a in articles:
        for code in a.deepfake.get("jurisdictions") or [None]:
            by_country.setdefault(code, {}).setdefault(a.deepfake.get("stage"), []).append(a)
    stage_rank = {s: i for i, s in enumerate(STAGES)}
    out = []
    for code in sorted(by_country, key=lambda c: (c is None, c or "")):
        stages = by_country[code]
        ordered = sorted(stages, key=lambda s: (s is None, stage_rank.get(s or "", len(STAGES))))
        out.append((country_name(code, lang),
                    [(stage_name(s, lang), sorted(stages[s], key=lambda a: a.published_at or "", reverse=True))
                     for s in ordered]))
    return out


def _item(a: Article, lang: str, base_url: str) -> Item:
    tags = a.deepfake
    meta = [a.outlet.title(), (a.published_at or "")[:10], stage_name(tags.get("stage"), lang) if tags.get("stage") else ""]
    if tags.get("penalties"):
        meta.append(penalties_short(tags["penalties"], lang))
    return Item(a.title or a.url, " · ".join(m for m in meta if m), a.url, article_page(base_url, a.id))


def build_digest(sub: Subscription, articles: list[Article], *, held_back: int, sender: str,
                 base_url: str = DEFAULT_BASE_URL, today: date | None = None,
                 now: datetime | None = None) -> EmailMessage:
    lang = sub.digest_language
    words = WORDS[lang]
    now = now or datetime.now().astimezone()
    day = (today or now.date()).isoformat()
    count = count_phrase(len(articles), lang)
    groups = [(country, [(stage, [_item(a, lang, base_url) for a in arts]) for stage, arts in stages])
              for country, stages in _grouped(articles, lang)]
    filters = describe_filters(sub.filters)
    context = [(words["query"], sub.query or words["everything"])] + ([(words["filters"], filters)] if filters else [])
    notes = ([words["held_back"].format(n=held_back)] if held_back else []) + \
            ([] if articles else [words["nothing"]])

    msg = EmailMessage()
    msg["Subject"] = words["subject"].format(name=sub.name, count=count, day=day)
    msg["From"] = sender
    msg["To"] = ", ".join(sub.recipients)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(sub, articles, sender.rpartition("@")[2] or "lexwatch.invalid")
    msg["Auto-Submitted"] = "auto-generated"   # RFC 3834: vacation responders should stay quiet
    heading = words["heading"].format(name=sub.name, count=count, day=day)
    msg.set_content(_plain(heading, context, groups, notes, words, sub.name))
    msg.add_alternative(_html(heading, context, groups, notes, words, sub.name, lang), subtype="html")
    return msg


def _plain(heading, context, groups, notes, words, name) -> str:
    lines = [heading, ""] + [f"{k}: {v}" for k, v in context]
    for country, stages in groups:
        lines += ["", f"== {country} =="]
        for stage, items in stages:
            lines += ["", f"-- {stage} --"]
            for it in items:
                lines += [f"* {it.title}", f"  {it.meta}", f"  {words['original']}: {it.original}",
                          f"  {words['in_lexwatch']}: {it.page}"]
    lines += [""] + notes + ["", words["stop"].format(name=name)]
    return "\n".join(lines) + "\n"


def _html(heading, context, groups, notes, words, name, lang) -> str:
    e = escape
    parts = [f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(heading)}</title></head>',
             '<body style="font-family:sans-serif;max-width:48em">', f"<h1 style=\"font-size:1.3em\">{e(heading)}</h1>",
             "<p>" + "<br>".join(f"<b>{e(k)}:</b> {e(v)}" for k, v in context) + "</p>"]
    for country, stages in groups:
        parts.append(f"<h2 style=\"font-size:1.15em\">{e(country)}</h2>")
        for stage, items in stages:
            parts.append(f"<h3 style=\"font-size:1em\">{e(stage)}</h3><ul>")
            for it in items:
                parts.append(f'<li><a href="{e(it.original)}">{e(it.title)}</a><br><small>{e(it.meta)}</small><br>'
                             f'<a href="{e(it.original)}">{e(words["original"])}</a> · '
                             f'<a href="{e(it.page)}">{e(words["in_lexwatch"])}</a></li>')
            parts.append("</ul>")
    parts += [f"<p>{e(n)}</p>" for n in notes]
    parts.append(f"<p><small>{e(words['stop'].format(name=name))}</small></p></body></html>")
    return "\n".join(parts) + "\n"
