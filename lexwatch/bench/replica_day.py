"""A realistic publishing day for the re-crawl benchmark: the replica sites of tests/replicas with a
generated day 3 on which about `articles` new article pages appear across every edition of the three
outlets (the replicas' own day 2 brings only 14 new and 3 updated pages).

The replicas are rebuilt in a scratch directory by their own builder (tests/replicas/build.py and the
outlets' markup), with the generated stories appended to each stories.toml, so the new day has the
same feeds, listings, sitemap indexes and article markup as days 1 and 2. Reproducible from `seed`.
"""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

from lexwatch.crawler.replicas import REPLICA_ROOT
from lexwatch.bench.synthetic import article_length, synthetic_text

DAY = 3
DATE = "2026-11-27"   # the day after the replicas' day 2
# One story per outlet site in turn; a story has one page per edition of its site.
ROTATION = (("report", "report", ("az", "ru", "en"), ("milli-majlis", "domestic-politics", "ict", "finance", "region")),
            ("kazinform", "kazinform", ("ru", "kk", "en"), ("politics", "society", "tech", "economy", "regions")),
            ("kursiv", "kursiv", ("ru", "kk", "en"), ("society", "finance")),
            ("kursiv", "kursiv-uz", ("ru", "en"), ("finance",)))


def _story(rng: random.Random, number: int, outlet: str, site: str, langs: tuple[str, ...],
           sections: tuple[str, ...]) -> str:
    section = rng.choice(sections)
    minute = (8 * 60 + number * 5) % (24 * 60)   # a big day wraps round the clock
    lines = ["", "[[story]]", f'key = "bench-day3-{number}"', f'published = "{DATE} {minute // 60:02d}:{minute % 60:02d}"',
             f'section = "{section}"', f"day = {DAY}"]
    if outlet == "kursiv":
        lines.append(f'category = "{section if section in ("finance", "society") else "finance"}"')
        if site != "kursiv":
            lines.append(f'site = "{site}"')
    for lang in langs:
        title = synthetic_text(rng, lang, rng.randint(6, 11)).split(".")[0]
        lines += [f"[story.{lang}]", f'slug = "bench-day3-story-{number}-{lang}"', f'title = "{title}"',
                  'body = """', synthetic_text(rng, lang, article_length(rng)), '"""']
    return "\n".join(lines) + "\n"


def replica_root(workdir: Path, last_day: int) -> Path:
    """An empty replica root under `workdir` whose build.py and markup files build days 1..last_day
    (the checked-in ones spell out days 1 and 2); the caller adds stories.toml files and builds."""
    root = workdir / "replicas"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    builder = (REPLICA_ROOT / "build.py").read_text(encoding="utf-8")
    builder, n = re.subn(r"^DAYS = \(1, 2\)$", f"DAYS = {tuple(range(1, last_day + 1))}", builder, flags=re.M)
    if n != 1:
        raise RuntimeError("tests/replicas/build.py no longer declares DAYS = (1, 2)")
    (root / "build.py").write_text(builder, encoding="utf-8")
    for markup in REPLICA_ROOT.glob("markup_*.py"):
        text = markup.read_text(encoding="utf-8").replace("in (1, 2)", "in DAYS")
        text = text.replace("{1: (robots, TEXT), 2: (robots, TEXT)}", "{d: (robots, TEXT) for d in DAYS}")
        if "DAYS" in text and not re.search(r"^from build import .*\bDAYS\b", text, flags=re.M):
            text = text.replace("from build import (", "from build import (DAYS, ", 1)
        (root / markup.name).write_text(text, encoding="utf-8")
    return root


def build(workdir: str | Path, articles: int = 100, seed: int = 5) -> Path:
    """Replica root with days 1-3 under `workdir`; day 3 adds about `articles` new article pages."""
    root = replica_root(Path(workdir), last_day=DAY)
    rng = random.Random(seed)
    extra: dict[str, list[str]] = {}
    pages = number = 0
    while pages < articles:
        outlet, site, langs, sections = ROTATION[number % len(ROTATION)]
        extra.setdefault(outlet, []).append(_story(rng, number, outlet, site, langs, sections))
        pages += len(langs)
        number += 1
    for outlet in ("report", "kazinform", "kursiv"):
        (root / outlet).mkdir()
        stories = (REPLICA_ROOT / outlet / "stories.toml").read_text(encoding="utf-8")
        (root / outlet / "stories.toml").write_text(stories + "".join(extra.get(outlet, [])), encoding="utf-8")
    subprocess.run([sys.executable, str(root / "build.py")], cwd=root, check=True, capture_output=True)
    return root


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "/tmp/lexwatch-replica-day"))
