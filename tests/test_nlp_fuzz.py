"""Analysis of arbitrary text and HTML never raises anything but AnalysisError, and is deterministic."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lexwatch.nlp import AnalysisError
from lexwatch.nlp.pipeline import analyze_page, analyze_text

TAGS = st.sampled_from(["p", "div", "article", "script", "style", "time", "h1", "aside", "table", "td", "a", "meta"])
WORDS = st.sampled_from(["дипфейк", "штраф", "до", "3000", "манатов", "cərimə", "manat", "deepfake", "fine",
                         "up to", "three years", "Уголовный кодекс", "статья 147", "МРП", "(", ")", "&amp;",
                         "<!--", "]]>", "\x00", "\ufeff", "ə", "\u202e", "2026-02-30", "Milli Məclis"])


@st.composite
def html_documents(draw):
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(TAGS)
        text = " ".join(draw(st.lists(WORDS | st.text(max_size=20), max_size=8)))
        closed = draw(st.booleans())
        parts.append(f"<{tag}>{text}" + (f"</{tag}>" if closed else ""))
    return "<html><head><title>" + draw(st.text(max_size=30)) + "</title></head><body>" + "".join(parts)


def _outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs).to_json()
    except AnalysisError as exc:
        return f"AnalysisError: {exc}"


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(html_documents())
def test_arbitrary_html_never_raises_and_is_deterministic(doc):
    first = _outcome(analyze_page, doc.encode("utf-8"), "https://report.az/en/x/y", fetched_at="2026-01-01T00:00:00+00:00")
    second = _outcome(analyze_page, doc.encode("utf-8"), "https://report.az/en/x/y", fetched_at="2026-01-01T00:00:00+00:00")
    assert first == second


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data):
    _outcome(analyze_page, data, "https://www.inform.kz/ru/x-1a2b3c")


@FUZZ
@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises_and_is_deterministic(text):
    assert _outcome(analyze_text, text, url="https://kz.kursiv.media/2026-01-01/x/") == \
        _outcome(analyze_text, text, url="https://kz.kursiv.media/2026-01-01/x/")
