"""Data files lexwatch ships that live under tests/ in the repository: the outlet replicas (the demo,
the crawl tests and benchmarks serve them) and the labelled evaluation set (`lexwatch eval`).

The files stay where their authors edit them; pyproject's package-dir maps each folder into the wheel
as lexwatch.<name> (BUNDLED is that mapping; tests/test_packaging.py keeps the two equal). In a
checkout they are read in place, installed from inside the package.
"""
from __future__ import annotations

from pathlib import Path

BUNDLED = {"replicas": "tests/replicas", "eval_data": "tests/data/eval"}
_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """The folder of bundled data `name` (a key of BUNDLED), installed or in the checkout."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / BUNDLED[name]
