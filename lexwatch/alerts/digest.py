"""One digest e-mail: the new matches of a subscription, grouped by country then stage.

Articles that report a development are one entry per development, its language versions as links,
and a first section lists the stage changes the digest's developments make on their tracks
(lexwatch.alerts.developments); other articles are one entry each.

Plain text and HTML alternatives of the same content (email.message.EmailMessage picks the
transfer encodings, so Azerbaijani and Russian text survive any relay). An article about two
countries is listed under both; the subject counts it once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape

from lexwatch.alerts.developments import DigestDevelopments
from lexwatch.alerts.labels import WORDS, count_phrase, country_name, stage_name
from lexwatch.developments.keys import instrument_label
from lexwatch.developments.model import Development
from lexwatch.developments.penalties import merge_penalties
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
    versions: list[tuple[str, str, str]] = field(default_factory=list)   # (language, original, lexwatch page)


def article_page(base_url: str, article_id: str) -> str:
    """The lexwatch web page of an article (served by `lexwatch serve`)."""
    return f"{redact_url(base_url).rstrip('/')}/article/{article_id}"   # no user:token@ in an e-mail


def message_id(sub: Subscription, articles: list[Article], domain: str) -> str:
    """Derived from the content, so a digest resent after a crash carries the same Message-ID and
    mail clients that deduplicate by it show it once."""
    digest = hashlib.sha256("\n".join([sub.name] + sorted(a.id for a in articles)).encode()).hexdigest()[:20]
    return f"<lexwatch.{sub.name}.{digest}@{domain}>"


def _grouped(articles: list[Article], lang: str, base_url: str, found: DigestDevelopments
             ) -> list[tuple[str, list[tuple[str, list[Item]]]]]:
    """country -> stage -> items, newest first; a development is one item under its own country."""
    by_country: dict[str | None, dict[str | None, list[tuple[str, Item]]]] = {}
    done: set[str] = set()
    for a in articles:
        dev = found.of_article.get(a.id)
        if dev is not None:
            if dev.id in done:
                continue
            done.add(dev.id)
            by_country.setdefault(dev.jurisdiction, {}).setdefault(dev.stage, []).append(
                (dev.last_day, _development_item(dev, lang, base_url)))
            continue
        for code in a.deepfake.get("jurisdictions") or [None]:
            by_country.setdefault(code, {}).setdefault(a.deepfake.get("stage"), []).append(
                (a.published_at or "", _item(a, lang, base_url)))
    stage_rank = {s: i for i, s in enumerate(STAGES)}
    out = []
    for code in sorted(by_country, key=lambda c: (c is None, c or "")):
        stages = by_country[code]
        ordered = sorted(stages, key=lambda s: (s is None, stage_rank.get(s or "", len(STAGES))))
        out.append((country_name(code, lang),
                    [(stage_name(s, lang), [item for _, item in sorted(stages[s], key=lambda x: x[0], reverse=True)])
                     for s in ordered]))
    return out


def _item(a: Article, lang: str, base_url: str) -> Item:
    tags = a.deepfake
    meta = [a.outlet.title(), (a.published_at or "")[:10], stage_name(tags.get("stage"), lang) if tags.get("stage") else ""]
    if tags.get("penalties"):
        meta.append(penalties_short(tags["penalties"], lang))
    return Item(a.title or a.url, " · ".join(m for m in meta if m), a.url, article_page(base_url, a.id))


def _step(dev: Development, lang: str) -> str:
    name = stage_name(dev.stage, lang)
    return f"{name} {dev.reading}" if dev.stage == "reading" and dev.reading else name


def _development_item(dev: Development, lang: str, base_url: str) -> Item:
    """One development: its headline in the digest's language when a version has one."""
    members = dev.members
    head = next((m for m in members if m.language == lang), None) or \
        next((m for m in members if m.language == "en"), None) or members[0]
    outlets = " + ".join(o.title() for o in dev.outlets)
    days = dev.first_day if dev.first_day == dev.last_day else f"{dev.first_day}–{dev.last_day}"
    meta = [outlets, days, _step(dev, lang)]
    if dev.instrument:
        meta.insert(0, instrument_label(dev.instrument, lang))
    if dev.penalties:
        meta.append(penalties_short(merge_penalties(dev.penalties), lang))
    versions = [(m.language or "?", m.url, article_page(base_url, m.id)) for m in members]
    return Item(head.title or head.url, " · ".join(x for x in meta if x), head.url, article_page(base_url, head.id),
                versions if len(versions) > 1 else [])


def stage_change_lines(found: DigestDevelopments, lang: str) -> list[str]:
    """'Azerbaijan (AZ), Criminal Code: adopted → signed (2026-06-10)' per development on a named instrument."""
    lines = []
    for dev in found.developments:
        if dev.instrument is None:
            continue
        before = found.previous.get(dev.id)
        change = f"{_step(before, lang)} → {_step(dev, lang)}" if before else \
            f"{WORDS[lang]['new_track']}: {_step(dev, lang)}"
        lines.append(f"{country_name(dev.jurisdiction, lang)}, {instrument_label(dev.instrument, lang)}: "
                     f"{change} ({dev.first_day})")
    return lines


def build_digest(sub: Subscription, articles: list[Article], *, held_back: int, sender: str,
                 base_url: str = DEFAULT_BASE_URL, today: date | None = None,
                 now: datetime | None = None, developments: DigestDevelopments | None = None) -> EmailMessage:
    lang = sub.digest_language
    words = WORDS[lang]
    now = now or datetime.now().astimezone()
    day = (today or now.date()).isoformat()
    count = count_phrase(len(articles), lang)
    found = developments or DigestDevelopments()
    groups = _grouped(articles, lang, base_url, found)
    changes = stage_change_lines(found, lang)
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
    msg.set_content(_plain(heading, context, groups, notes, words, sub.name, changes))
    msg.add_alternative(_html(heading, context, groups, notes, words, sub.name, lang, changes), subtype="html")
    return msg


def _plain(heading, context, groups, notes, words, name, changes=()) -> str:
    lines = [heading, ""] + [f"{k}: {v}" for k, v in context]
    if changes:
        lines += ["", f"== {words['stage_changes']} =="] + [f"* {line}" for line in changes]
    for country, stages in groups:
        lines += ["", f"== {country} =="]
        for stage, items in stages:
            lines += ["", f"-- {stage} --"]
            for it in items:
                lines += [f"* {it.title}", f"  {it.meta}"]
                if it.versions:
                    lines += [f"  {language}: {words['original']} {original} · {words['in_lexwatch']} {page}"
                              for language, original, page in it.versions]
                else:
                    lines += [f"  {words['original']}: {it.original}", f"  {words['in_lexwatch']}: {it.page}"]
    lines += [""] + notes + ["", words["stop"].format(name=name)]
    return "\n".join(lines) + "\n"


def _html(heading, context, groups, notes, words, name, lang, changes=()) -> str:
    e = escape
    parts = [f'<!doctype html><html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(heading)}</title></head>',
             '<body style="font-family:sans-serif;max-width:48em">', f"<h1 style=\"font-size:1.3em\">{e(heading)}</h1>",
             "<p>" + "<br>".join(f"<b>{e(k)}:</b> {e(v)}" for k, v in context) + "</p>"]
    if changes:
        parts.append(f"<h2 style=\"font-size:1.15em\">{e(words['stage_changes'])}</h2><ul>"
                     + "".join(f"<li>{e(line)}</li>" for line in changes) + "</ul>")
    for country, stages in groups:
        parts.append(f"<h2 style=\"font-size:1.15em\">{e(country)}</h2>")
        for stage, items in stages:
            parts.append(f"<h3 style=\"font-size:1em\">{e(stage)}</h3><ul>")
            for it in items:
                links = (" | ".join(f'{e(language)}: <a href="{e(original)}">{e(words["original"])}</a> · '
                                    f'<a href="{e(page)}">{e(words["in_lexwatch"])}</a>'
                                    for language, original, page in it.versions) if it.versions else
                         f'<a href="{e(it.original)}">{e(words["original"])}</a> · '
                         f'<a href="{e(it.page)}">{e(words["in_lexwatch"])}</a>')
                parts.append(f'<li><a href="{e(it.original)}">{e(it.title)}</a><br><small>{e(it.meta)}</small><br>'
                             f'{links}</li>')
            parts.append("</ul>")
    parts += [f"<p>{e(n)}</p>" for n in notes]
    parts.append(f"<p><small>{e(words['stop'].format(name=name))}</small></p></body></html>")
    return "\n".join(parts) + "\n"
