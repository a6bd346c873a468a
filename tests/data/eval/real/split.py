"""Split the real-reporting set into dev and test ONCE, before any rule change: write split.json
(seed, method, membership) and move every document from the unsplit real_<lang>.yaml sources
into dev/real_<lang>.yaml or test/real_<lang>.yaml. Refuses to run when split.json exists: the
test split is frozen. Separate folders let the dev split be handed to whoever tunes the rules
without the test split.

Method: group documents by (language, relevant); within each group, sort ids, shuffle with
random.Random(SEED), and put the first round(len * TEST_FRACTION) into test, the rest into dev.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).parent
SEED = 18            # the number: fixed, recorded in split.json
TEST_FRACTION = 0.45
HEADER = ("# {lang} documents of the real-reporting set, {split} split (see ../README.md): written in our own\n"
          "# words from the facts of public reporting (2019-2026).\n")


def _blocks(text: str) -> list[tuple[str, str]]:
    """(id, source block) for each '- id:' item, keeping the author's formatting."""
    out = []
    for chunk in text.split("\n- id: ")[1:]:
        block = "- id: " + chunk.rstrip("\n") + "\n"
        out.append((chunk.split("\n", 1)[0].strip(), block))
    return out


def main() -> int:
    out = HERE / "split.json"
    if out.exists():
        print(f"{out}: the split already exists and is frozen; refusing to redo it", file=sys.stderr)
        return 1
    sources = sorted(HERE.glob("real_*.yaml"))
    groups: dict[tuple, list[str]] = defaultdict(list)
    for corpus in sources:
        for doc in yaml.safe_load(corpus.read_text(encoding="utf-8")):
            groups[(doc["id"][:2], doc["labels"]["relevant"])].append(doc["id"])
    rng = random.Random(SEED)
    split = {}
    for key in sorted(groups):
        ids = sorted(groups[key])
        rng.shuffle(ids)
        n_test = round(len(ids) * TEST_FRACTION)
        for i, doc_id in enumerate(ids):
            split[doc_id] = "test" if i < n_test else "dev"
    for corpus in sources:
        lang = corpus.stem.split("_")[1]
        for name in ("dev", "test"):
            (HERE / name).mkdir(exist_ok=True)
            blocks = [b for i, b in _blocks(corpus.read_text(encoding="utf-8")) if split[i] == name]
            (HERE / name / corpus.name).write_text(HEADER.format(lang=lang, split=name) + "".join(blocks),
                                                   encoding="utf-8")
        corpus.unlink()
    record = {"seed": SEED, "test_fraction": TEST_FRACTION,
              "method": "stratified by (language, relevant): sorted ids shuffled with random.Random(seed) "
                        "per stratum in sorted stratum order; the first round(n*test_fraction) go to test",
              "documents": dict(sorted(split.items()))}
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"test {sum(v == 'test' for v in split.values())}, dev {sum(v == 'dev' for v in split.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
