"""Extraction, language identification and deepfake-regulation tagging of article pages.

Entry points live in `nlp.pipeline` (`analyze_page`, `analyze_text`); they are re-exported here
lazily so `import lexwatch.nlp` stays cheap for callers that only need `AnalysisError`.
"""
from __future__ import annotations


class AnalysisError(ValueError):
    """The input cannot be analyzed: empty, not HTML/text, or undecodable."""


def __getattr__(name: str):
    if name in ("analyze_page", "analyze_text"):
        from lexwatch.nlp import pipeline
        return getattr(pipeline, name)
    raise AttributeError(name)


__all__ = ["AnalysisError", "analyze_page", "analyze_text"]
