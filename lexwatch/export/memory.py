"""Peak memory of an export, measured in a fresh process (for the tests and BENCHMARKS.md).

    from lexwatch.export.memory import build_synthetic_store, measure_export
    url = build_synthetic_store("/tmp/bench/lexwatch.db", 100_000)
    measure_export(url, "parquet", "/tmp/bench/out.parquet")
    # {'format': 'parquet', 'articles': 100000, 'rss_before_mb': …, 'rss_peak_mb': …, 'growth_mb': …, …}

Also `python -m lexwatch.export.memory STORE_URL FORMAT OUT` (prints the same as JSON).
Growth is the peak resident set during the export less the resident set just before it, with every
module already imported (Linux VmHWM, reset first; getrusage's ru_maxrss elsewhere), so it is what
streaming the articles costs.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from lexwatch.article import Article
from lexwatch.outlets import outlets

SENTENCES = {
    "az": ["Milli Məclis süni intellektlə yaradılmış saxta görüntülərə görə cinayət məsuliyyətini müzakirə edir.",
           "Layihəyə görə, saxta görüntülərin yayılmasına görə 3000 manatdan 7000 manatadək cərimə nəzərdə tutulur.",
           "Ekspertlər deyir ki, dipfeyk texnologiyası seçkilər üçün ciddi təhlükə yaradır."],
    "ru": ["Мажилис рассматривает поправки об ответственности за создание дипфейков без согласия человека.",
           "За распространение дипфейков предлагается штраф до 100 МРП или лишение свободы до трёх лет.",
           "Эксперты отмечают, что маркировка синтетического контента станет обязательной."],
    "en": ["The Milli Majlis is considering amendments to the Criminal Code on AI-generated images and voices.",
           "Creating deepfakes without consent would be punishable by fines of 3,000 to 7,000 manats.",
           "Officials said labelling duties for synthetic media would follow the EU AI Act."],
}
# (name, URL pattern, zone, country): the registry's first outlet of each country
OUTLETS = tuple((o.name, o.sites[0].base_url + "/{lang}/", o.utc_offset, o.country) for o in
                {o.country: o for o in reversed(list(outlets().values()))}.values())


def synthetic_articles(n: int) -> Iterator[Article]:
    """n tagged articles of news length (about 2.5 KB of body each), spread over outlets, languages and days."""
    for i in range(n):
        lang = ("az", "ru", "en")[i % 3]
        outlet, base, offset, country = OUTLETS[i % len(OUTLETS)]
        body = " ".join(SENTENCES[lang][(i + k) % 3] for k in range(24))
        day = 1 + i % 28
        yield Article(url=f"{base.format(lang=lang)}deepfake-{i}", outlet=outlet, edition=lang, language=lang,
                      title=f"{SENTENCES[lang][i % 3][:60]} ({i})", body=body,
                      published_at=f"2025-{1 + i % 12:02d}-{day:02d}T{i % 24:02d}:{i % 60:02d}:00{offset}",
                      fetched_at="2026-03-10T08:00:00+00:00",
                      deepfake={"relevant": i % 4 != 0, "score": 0.8, "stage": "proposal", "jurisdictions": [country],
                                "penalties": [{"kind": "fine", "min": 3000, "max": 7000, "unit": "AZN"}],
                                "instruments": [{"name": "Criminal Code", "article": "147", "part": None}]})


def build_synthetic_store(path: str | Path, n: int) -> str:
    from lexwatch.index.sqlite_store import SqliteStore
    url = f"sqlite:///{Path(path).resolve()}"
    with SqliteStore(url) as store:
        if store.count() < n:
            store.upsert(synthetic_articles(n))
    return url


def _status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Linux: restart the peak-RSS count (VmHWM), so an earlier peak (opening a big store) cannot mask
    the export's own; getrusage's ru_maxrss cannot be reset and is the fallback."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # kilobytes on Linux


def _measure_here(store_url: str, fmt: str, out: str) -> dict[str, Any]:
    from lexwatch.index import open_store
    from lexwatch.export import export_articles
    from lexwatch.export import parquet, text_formats, warc  # noqa: F401 - imported before the baseline

    with open_store(store_url) as store:
        store.count()
        exact = _reset_peak()
        before = (_status_mb("VmRSS") if exact else None) or _peak_mb()
        started = time.perf_counter()
        manifest = export_articles(store, fmt, out, force=True)
        seconds = time.perf_counter() - started
        peak = (_status_mb("VmHWM") if exact else None) or _peak_mb()
    return {"format": fmt, "articles": manifest["count"], "bytes": manifest["files"][0]["bytes"],
            "rss_before_mb": round(before, 1), "rss_peak_mb": round(peak, 1), "growth_mb": round(peak - before, 1),
            "ru_maxrss_mb": round(_peak_mb(), 1), "seconds": round(seconds, 2)}


def measure_export(store_url: str, fmt: str, out: str | Path) -> dict[str, Any]:
    """Run one export in a new Python process and return its article count, size, time and peak RSS."""
    done = subprocess.run([sys.executable, "-m", "lexwatch.export.memory", store_url, fmt, str(out)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"export measurement failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(json.dumps(_measure_here(*sys.argv[1:4])))
