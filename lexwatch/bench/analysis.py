"""Throughput of analyze_page against bare trafilatura.extract on the same pages, so we know the
nlp stage keeps the crawler network-bound. `lexwatch bench` calls measure()."""
from __future__ import annotations

import time
from pathlib import Path

from lexwatch.nlp.evaluation import DEFAULT_DIR


def sample_pages(directory: Path | str = DEFAULT_DIR / "pages") -> list[tuple[str, bytes]]:
    """(url, bytes) of the evaluation pages, with a local URL each."""
    return [(f"http://127.0.0.1/{p.name}", p.read_bytes()) for p in sorted(Path(directory).glob("*.html"))]


def measure(pages: list[tuple[str, bytes]] | None = None, rounds: int = 3) -> dict:
    """Articles per second through analyze_page and through trafilatura.extract, after warm-up
    (pipelines are built once per process; the first call pays for loading them)."""
    from lexwatch.nlp.extract import bare_extract
    from lexwatch.nlp.pipeline import analyze_page

    pages = pages or sample_pages()
    if not pages:
        raise ValueError("no pages to benchmark")
    # Warm-up pass over every page: each language builds its models and matchers on its first page,
    # which a single-page warm-up would leave inside the timed rounds.
    for url, body in pages:
        analyze_page(body, url)
        bare_extract(body.decode("utf-8", errors="replace"))
    # Page by page, the two take turns going first: on a shared machine, load that comes and goes
    # then falls on both sides alike instead of on whichever block ran during it.
    ours = bare = 0.0
    for round_ in range(rounds):
        for i, (url, body) in enumerate(pages):
            if (round_ + i) % 2:
                bare += _timed(bare_extract, body.decode("utf-8", errors="replace"))
                ours += _timed(analyze_page, body, url)
            else:
                ours += _timed(analyze_page, body, url)
                bare += _timed(bare_extract, body.decode("utf-8", errors="replace"))
    n = rounds * len(pages)
    return {"pages": n, "analyze_page_per_s": round(n / ours, 1), "trafilatura_per_s": round(n / bare, 1),
            "ratio": round(bare / ours, 2)}


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


if __name__ == "__main__":
    print(measure())
