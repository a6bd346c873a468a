"""`lexwatch sites check` against the replicas: the healthy ones pass every check; a redesigned
Report replica fails exactly the checks its redesign broke, with messages that say what to change."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lexwatch.crawler.replicas import REPLICA_ROOT, start_replicas
from lexwatch.outlets import outlets
from lexwatch.sitecheck import check_sites

ROOT = Path(__file__).resolve().parent.parent


def newest_day(root: Path = REPLICA_ROOT) -> date:
    days = [e["published"][:10] for name in outlets() for e in json.loads((root / name / "manifest.json").read_text())]
    return date.fromisoformat(max(days))


def base_args(replicas) -> list[str]:
    return [a for k, v in replicas.base_urls.items() for a in ("--base-url", f"{k}={v}")]


# The replicas' editions are dated months apart; recency is judged from the day after the newest story.
TODAY = newest_day() + timedelta(days=1)
AGE = (TODAY - date(2025, 1, 1)).days


@pytest.fixture(scope="module")
def healthy():
    with start_replicas() as replicas:
        checks = check_sites(None, replicas.base_urls, today=TODAY, interval=0, max_age_days=AGE)
        yield replicas, checks


def test_healthy_replicas_pass_every_check(healthy):
    replicas, checks = healthy
    bad = [c.line() for c in checks if c.status != "ok"]
    assert not bad, "\n".join(bad)
    kinds = {c.name.split()[0] for c in checks}
    assert {"robots.txt", "feed", "sitemap", "listing", "article"} <= kinds
    for name, outlet in outlets().items():   # every edition had its articles checked
        for site in outlet.sites:
            for edition in site.editions:
                assert any(c.scope == f"{site.key}:{edition.lang}" and c.name.endswith("language") for c in checks), \
                    (name, site.key, edition.lang)


def test_the_check_is_polite(healthy):
    replicas, _ = healthy
    by_outlet = defaultdict(int)
    site_outlet = {s.key: o.name for o in outlets().values() for s in o.sites}
    for hit in replicas.hits():
        by_outlet[site_outlet[hit.site]] += 1
    assert by_outlet and max(by_outlet.values()) <= 30
    assert all(h.path == "/robots.txt" or "/sponsored/" not in h.path for h in replicas.hits())
    assert all("lexwatch/" in h.user_agent for h in replicas.hits())


def test_interval_spaces_the_requests_to_a_site():
    with start_replicas(outlets=["report"]) as replicas:
        check_sites(["report"], replicas.base_urls, today=TODAY, interval=0.3, max_requests=6, max_age_days=AGE)
        times = sorted(h.at for h in replicas.hits("report"))
    assert len(times) == 6
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.25


def redesign_report(root: Path) -> Path:
    """A copy of the Report replica after a redesign: classes renamed, the az feed moved, dates gone
    from the article markup, article URLs now end in .html."""
    shutil.copytree(REPLICA_ROOT / "report", root / "report")
    routes_path = root / "report" / "routes.json"
    routes = json.loads(routes_path.read_text(encoding="utf-8"))
    report = outlets()["report"]
    articles = {p for day in routes["report"].values() for p in day if report.is_article_path(p.partition("?")[0])}
    for day, table in routes["report"].items():
        routes["report"][day] = {(p + ".html" if p in articles else "/feeds/az.xml" if p == "/rss/" else p): r
                                 for p, r in table.items()}
    routes_path.write_text(json.dumps(routes), encoding="utf-8")
    shape = re.compile(r"(https://report\.az(?:%s))(?=[\"<])" % "|".join(re.escape(p) for p in sorted(articles, key=len, reverse=True)))
    for path in (root / "report" / "files").rglob("*"):
        if path.suffix not in (".html", ".xml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        text = shape.sub(r"\1.html", text)
        text = text.replace("news-item", "story-card").replace("news-detail__text", "story-body")
        text = re.sub(r'<script type="application/ld\+json">.*?</script>', "", text, flags=re.S)
        text = re.sub(r'<meta property="article:(published|modified)_time"[^>]*>', "", text)
        text = re.sub(r'<div class="news-date">.*?</div>', "", text, flags=re.S)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_redesigned_replica_fails_exactly_what_broke(tmp_path):
    root = redesign_report(tmp_path)
    with start_replicas(root=root, outlets=["report"]) as replicas:
        checks = check_sites(["report"], replicas.base_urls, today=TODAY, interval=0, max_age_days=AGE)
    drift = {(c.scope, c.name): c.detail for c in checks if c.status == "drift"}
    articles = {(f"report:{lang}", f"article {n} {what}") for lang in ("ru", "en") for n in (1, 2, 3)
                for what in ("url", "date", "body")}
    expected = {("report:az", "feed /rss/"), ("report:ru", "feed /ru/rss/"), ("report:en", "feed /en/rss/"),
                ("report:az", "listing /xeber-lenti/"), ("report:ru", "listing /ru/lenta-novostey/"),
                ("report:en", "listing /en/news-feed/"), ("report:az", "articles")} | articles
    assert set(drift) == expected, sorted(set(drift) ^ expected)
    # what still holds is still ok: robots.txt, the sitemap index, titles, languages, no teasers
    assert {(c.scope, c.name) for c in checks if c.status == "ok"} >= {("report", "robots.txt"), ("report", "sitemap /sitemap.xml"),
                                                                       ("report:ru", "article 1 title"), ("report:en", "article 2 language")}
    assert "HTTP 404" in drift[("report:az", "feed /rss/")] and "update the edition's feeds" in drift[("report:az", "feed /rss/")]
    assert "new URL shape" in drift[("report:ru", "feed /ru/rss/")] and ".html" in drift[("report:ru", "feed /ru/rss/")]
    assert "'.news-feed .news-item'" in drift[("report:en", "listing /en/news-feed/")]
    assert "classes renamed" in drift[("report:en", "listing /en/news-feed/")]
    assert "'.news-detail__text'" in drift[("report:ru", "article 1 body")]
    assert drift[("report:ru", "article 1 date")].startswith("expected a publication date")
    assert "article_paths" in drift[("report:en", "article 3 url")]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_cli_exit_status_json_and_mail_to_the_operator(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    env = {**__import__("os").environ, "LEXWATCH_SMTP_HOST": "127.0.0.1", "LEXWATCH_SMTP_PORT": str(port),
           "LEXWATCH_SMTP_TLS": "none", "LEXWATCH_SMTP_FROM": "lexwatch@example.org"}
    try:
        root = redesign_report(tmp_path)
        with start_replicas(root=root, outlets=["report"]) as replicas:
            common = ["sites", "check", "report", *base_args(replicas), "--interval", "0",
                      "--today", TODAY.isoformat(), "--max-age-days", str(AGE)]
            done = subprocess.run([sys.executable, "-m", "lexwatch.cli", *common, "--mail-to", "ops@example.org"],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            as_json = subprocess.run([sys.executable, "-m", "lexwatch.cli", *common, "--json"],
                                     cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    finally:
        smtp.stop()
    assert done.returncode == 1, done.stderr
    assert re.search(r"report:az\s+feed /rss/\s+DRIFT: expected an RSS/Atom feed", done.stdout)
    assert re.search(r"report\s+robots\.txt\s+ok", done.stdout)
    [mail] = inbox.messages
    assert mail.rcpt_tos == ["ops@example.org"] and b"DRIFT" in mail.content and b"feed /rss/" in mail.content
    assert as_json.returncode == 1
    rows = json.loads(as_json.stdout)
    assert {r["status"] for r in rows} == {"ok", "drift"} and all(r["outlet"] == "report" for r in rows)


def test_unknown_outlet_is_one_line_and_exit_1():
    done = subprocess.run([sys.executable, "-m", "lexwatch.cli", "sites", "check", "nosuch"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "unknown outlet(s) nosuch" in done.stderr and len(done.stderr.strip().splitlines()) == 1
