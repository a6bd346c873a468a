"""WARC export: the captured request/response pairs of the selected articles, byte for byte."""
from __future__ import annotations

import json
from io import BytesIO

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lexwatch.cli import main
from tests.corpus import corpus

KZ = [a for a in corpus() if "KZ" in a.deepfake["jurisdictions"]]


def capture(writer: WARCWriter, url: str, body: bytes) -> tuple[str, str]:
    """A request/response pair as the crawler's capture writes it; returns both record ids."""
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    response = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http)
    request = writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=StatusAndHeaders(
        "GET / HTTP/1.1", [("User-Agent", "lexwatch"), ("Host", url.split("/")[2])], is_http_request=True))
    writer.write_request_response_pair(request, response)
    return request.rec_headers.get_header("WARC-Record-ID"), response.rec_headers.get_header("WARC-Record-ID")


def page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode("utf-8")


@pytest.fixture
def captured(sqlite_store, tmp_path):
    """Captures of every corpus article split over a gzipped and a plain WARC, under URL variants the
    crawler really meets (tracking parameters, a trailing slash, AMP), plus pages never stored."""
    sqlite_store.upsert(corpus())
    warc_dir = tmp_path / "warc"
    (warc_dir / "2026-03").mkdir(parents=True)
    expected: dict[str, set[str]] = {}
    variants = ["{u}?utm_source=telegram", "{u}/", "{u}"]
    arts = corpus()
    for name, gz, part in (("2026-03/crawl-00001.warc.gz", True, arts[:6]), ("crawl-00002.warc", False, arts[6:])):
        with open(warc_dir / name, "wb") as fh:
            writer = WARCWriter(fh, gzip=gz)
            writer.write_record(writer.create_warcinfo_record(name, {"software": "lexwatch-crawler"}))
            for n, article in enumerate(part):
                url = variants[n % 3].format(u=article.canonical_url.rstrip("/"))
                expected[article.id] = set(capture(writer, url, page(article.title)))
            capture(writer, "https://report.az/en/sport/", page("Sport"))
    return sqlite_store, warc_dir, expected


def records(path) -> list:
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID"),
                        rec.rec_headers.get_header("WARC-Target-URI"), rec.content_stream().read()))
    return out


def test_warc_export_copies_the_pairs_of_selected_articles(captured, tmp_path):
    store, warc_dir, expected = captured
    out = tmp_path / "kz.warc.gz"
    assert main(["export", "--format", "warc", "--out", str(out), "--store", store.url, "--country", "KZ",
                 "--warc-dir", str(warc_dir)]) == 0
    got = records(out)
    assert got[0][0] == "warcinfo"
    copied = got[1:]
    assert {rid for _, rid, _, _ in copied} == set().union(*(expected[a.id] for a in KZ))
    assert sorted(t for t, *_ in copied) == sorted(["request", "response"] * len(KZ))
    bodies = {body for t, _, _, body in copied if t == "response"}
    assert any(a.title.encode("utf-8") in b for a in KZ for b in bodies)
    assert all(b"Sport" not in b for b in bodies)

    # byte for byte: each copied gzip member is the crawler's own
    original = (warc_dir / "2026-03" / "crawl-00001.warc.gz").read_bytes()
    with open(out, "rb") as fh:
        it = ArchiveIterator(fh)
        members = []
        for rec in it:
            it.read_to_end()
            members.append((it.get_record_offset(), it.get_record_length()))
    data = out.read_bytes()
    copied_from_gz = [data[o:o + n] for o, n in members[1:] if data[o:o + n] in original]
    assert len(copied_from_gz) == 2 * sum(1 for a in KZ if a in corpus()[:6])

    manifest = json.loads((tmp_path / "kz.warc.gz.manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == len(KZ) == manifest["warc"]["articles_captured"]
    assert manifest["warc"]["articles_without_capture"] == 0 and manifest["warc"]["records"] == 2 * len(KZ)


def test_plain_warc_records_are_gzipped_and_missing_captures_counted(captured, tmp_path):
    store, warc_dir, expected = captured
    (warc_dir / "crawl-00002.warc").unlink()            # the last five articles lose their capture
    out = tmp_path / "all.warc.gz"
    assert main(["export", "--format", "warc", "--out", str(out), "--store", store.url, "--warc-dir", str(warc_dir),
                 "--json"]) == 0
    manifest = json.loads((tmp_path / "all.warc.gz.manifest.json").read_text(encoding="utf-8"))
    assert manifest["warc"]["articles_captured"] == 6 and manifest["warc"]["articles_without_capture"] == 5
    assert len(records(out)) == 1 + 12


def test_uncompressed_captures_come_out_as_valid_gzip_members(captured, tmp_path):
    store, warc_dir, expected = captured
    (warc_dir / "2026-03" / "crawl-00001.warc.gz").unlink()
    out = tmp_path / "rest.warc.gz"
    assert main(["export", "--format", "warc", "--out", str(out), "--store", store.url, "--warc-dir", str(warc_dir)]) == 0
    got = records(out)
    assert {rid for _, rid, _, _ in got[1:]} == set().union(*(expected[a.id] for a in corpus()[6:]))
    assert all(body.startswith(b"<html>") for t, _, _, body in got if t == "response")


def test_warc_needs_a_capture_directory_and_a_warc_gz_name(captured, tmp_path, capsys):
    store, warc_dir, _ = captured
    assert main(["export", "--format", "warc", "--out", str(tmp_path / "x.warc"), "--store", store.url,
                 "--warc-dir", str(warc_dir)]) == 1
    assert main(["export", "--format", "warc", "--out", str(tmp_path / "x.warc.gz"), "--store", store.url,
                 "--warc-dir", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "name it *.warc.gz" in err and "no WARC capture directory" in err
