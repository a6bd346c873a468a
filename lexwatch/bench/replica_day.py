"""A realistic publishing day for the re-crawl benchmark: the replica sites of tests/replicas with a
generated day 3 on which about `articles` new article pages appear across every edition of every
registry outlet that has a replica (the replicas' own day 2 brings only a few new and updated pages).

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
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lexwatch.crawler.replicas import REPLICA_ROOT
from lexwatch.bench.synthetic import article_length, synthetic_text
from lexwatch.outlets import outlets

DAY = 3
DATE = "2026-11-27"   # the day after the replicas' day 2


@dataclass(frozen=True)
class Unit:
    """Where one generated story goes: an outlet's replica, the `site` its stories.toml names (None for
    the replica's default site), the story's languages and the sections it may be filed under."""
    outlet: str
    site: str | None
    langs: tuple[str, ...]
    sections: tuple[str, ...]
    categories: tuple[str, ...]   # ru listing categories the replica's stories use (none: no category)
    numbered: bool = False        # its pages are named by a numeric `id` (every version has one), not a slug


def rotation() -> tuple[Unit, ...]:
    """One story per replica site in turn: the registry's outlets that have a replica, each with the
    sites its stories.toml names and the sections it declares in every one of the site's languages."""
    units = []
    for outlet in outlets().values():
        path = REPLICA_ROOT / outlet.name / "stories.toml"
        if not path.is_file():
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        named = list(dict.fromkeys(s["site"] for s in data["story"] if "site" in s))
        categories = tuple(sorted({s["category"] for s in data["story"] if "category" in s}))
        versions = [v for s in data["story"] for v in s.values() if isinstance(v, dict) and "title" in v]
        numbered = all("id" in v for v in versions)
        default = tuple(dict.fromkeys(e.lang for site in outlet.sites if site.key not in named for e in site.editions))
        for site, langs in [(None, default), *((k, tuple(e.lang for e in outlet.site(k).editions)) for k in named)]:
            sections = tuple(name for name, by_lang in data["sections"].items() if set(langs) <= set(by_lang))
            units.append(Unit(outlet.name, site, langs, sections, categories, numbered))
    return tuple(units)


def _story(rng: random.Random, number: int, unit: Unit) -> str:
    section = rng.choice(unit.sections)
    minute = (8 * 60 + number * 5) % (24 * 60)   # a big day wraps round the clock
    lines = ["", "[[story]]", f'key = "bench-day3-{number}"', f'published = "{DATE} {minute // 60:02d}:{minute % 60:02d}"',
             f'section = "{section}"', f"day = {DAY}"]
    if unit.categories:
        lines.append(f'category = "{section if section in unit.categories else unit.categories[0]}"')
    if unit.site:
        lines.append(f'site = "{unit.site}"')
    for index, lang in enumerate(unit.langs):
        title = synthetic_text(rng, lang, rng.randint(6, 11)).split(".")[0]
        name = (f'id = "{9_000_000 + number * 10 + index}"' if unit.numbered
                else f'slug = "bench-day3-story-{number}-{lang}"')
        lines += [f"[story.{lang}]", name, f'title = "{title}"', 'body = """', synthetic_text(rng, lang, article_length(rng)), '"""']
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
    units = rotation()
    while pages < articles:
        unit = units[number % len(units)]
        extra.setdefault(unit.outlet, []).append(_story(rng, number, unit))
        pages += len(unit.langs)
        number += 1
    for outlet in dict.fromkeys(u.outlet for u in units):
        (root / outlet).mkdir()
        stories = (REPLICA_ROOT / outlet / "stories.toml").read_text(encoding="utf-8")
        (root / outlet / "stories.toml").write_text(stories + "".join(extra.get(outlet, [])), encoding="utf-8")
    subprocess.run([sys.executable, str(root / "build.py")], cwd=root, check=True, capture_output=True)
    return root


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else "/tmp/lexwatch-replica-day"))
