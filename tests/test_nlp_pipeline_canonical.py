"""A page's declared canonical link is canonicalised like every URL, so Store.seen() finds the page."""
from lexwatch.urls import canonical_url
from lexwatch.nlp.pipeline import analyze_page

PAGE = """<html><head><title>Deepfake bill</title>
<link rel="canonical" href="https://Report.az/en/milli-majlis/deepfake-bill/?utm_source=rss">
</head><body><article><h1>Deepfake bill</h1>
<p>The Milli Majlis discussed a draft law on deepfakes and AI-generated images on Tuesday.</p>
<p>Deputies proposed fines for spreading synthetic media without consent.</p></article></body></html>"""


def test_declared_canonical_link_is_canonicalised(sqlite_store):
    article = analyze_page(PAGE.encode(), "https://report.az/en/milli-majlis/deepfake-bill?utm_medium=x")
    assert article.canonical_url == "https://report.az/en/milli-majlis/deepfake-bill"
    assert article.canonical_url == canonical_url(article.canonical_url)
    sqlite_store.upsert([article])
    assert sqlite_store.seen("https://report.az/en/milli-majlis/deepfake-bill/")


def test_a_canonical_link_to_another_site_is_ignored():
    """A page may not claim another outlet's URL and so overwrite that outlet's stored record."""
    spoof = PAGE.replace("https://Report.az/en/milli-majlis/deepfake-bill/?utm_source=rss",
                         "https://kz.kursiv.media/2026-01-01/real-story/")
    article = analyze_page(spoof.encode(), "https://evil.example/en/copy")
    assert article.canonical_url == "https://evil.example/en/copy"
    www = PAGE.replace("https://Report.az/", "https://www.report.az/")
    assert analyze_page(www.encode(), "https://report.az/en/x").canonical_url == \
        "https://www.report.az/en/milli-majlis/deepfake-bill"
