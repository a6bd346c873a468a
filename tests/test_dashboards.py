"""Kibana objects: the committed NDJSON is the generated one, its references hold together, the
import command speaks Kibana's import API, and the check proves fields and queries on real ES."""
from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from lexwatch.dashboards import spec
from lexwatch.dashboards.build import NDJSON_PATH, ndjson, penalties_aggs, saved_objects
from lexwatch.dashboards.check import check, check_fields, mapped_fields, read_plan, run_requests
from lexwatch.dashboards.sample import sample_articles
from lexwatch.index.es_documents import mapping_file
from lexwatch.cli import main

MAPPING = mapping_file()["mappings"]


def objects() -> dict[tuple[str, str], dict]:
    return {(o["type"], o["id"]): o for o in saved_objects()}


def test_committed_ndjson_is_the_generated_one():
    assert NDJSON_PATH.read_text(encoding="utf-8") == ndjson(), "run `lexwatch dashboards export` and commit"


def test_export_command_writes_the_file(tmp_path, capsys):
    out = tmp_path / "objects.ndjson"
    assert main(["dashboards", "export", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == ndjson()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [o["type"] for o in lines] == ["index-pattern", "search"] + ["visualization"] * 5 + ["dashboard"]


def test_every_reference_resolves_and_every_ref_name_is_referenced():
    found = objects()
    for obj in found.values():
        names = {r["name"] for r in obj["references"]}
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in found, (obj["id"], ref)
        attrs = obj["attributes"]
        source = json.loads(attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON", "{}"))
        wanted = [source["indexRefName"]] if "indexRefName" in source else []
        wanted += [f["meta"]["indexRefName"] for f in source.get("filter", [])]
        if obj["type"] == "dashboard":
            wanted += [f"{p['panelIndex']}:{p['panelRefName']}" for p in json.loads(attrs["panelsJSON"])]
            wanted += [f"controlGroup_{cid}:optionsListDataView"
                       for cid in json.loads(attrs["controlGroupInput"]["panelsJSON"])]
        assert set(wanted) <= names, obj["id"]


def test_data_view_dashboard_and_search_say_what_analysts_expect():
    found = objects()
    view = found[("index-pattern", spec.DATA_VIEW_ID)]["attributes"]
    assert (view["title"], view["timeFieldName"]) == ("lexwatch", "published_at")
    search = found[("search", "lexwatch-deepfake-regulation")]["attributes"]
    assert search["title"] == "Deepfake regulation" and search["sort"] == [["published_at", "desc"]]
    assert json.loads(search["kibanaSavedObjectMeta"]["searchSourceJSON"])["filter"][0]["query"] == {
        "match_phrase": {"deepfake.relevant": True}}
    board = found[("dashboard", spec.DASHBOARD.id)]["attributes"]
    assert board["title"] == "Deepfake regulation monitor"
    controls = json.loads(board["controlGroupInput"]["panelsJSON"]).values()
    assert sorted((c["type"], c["explicitInput"]["fieldName"]) for c in controls) == [
        ("optionsListControl", "deepfake.jurisdictions"), ("optionsListControl", "deepfake.stage")]
    assert len(json.loads(board["panelsJSON"])) == 6


def test_the_plan_read_back_from_the_file_is_the_spec():
    plan = read_plan(ndjson())
    assert plan.time_field == spec.TIME_FIELD
    assert plan.search.columns == spec.SEARCH.columns and plan.search.filters == spec.SEARCH.filters
    assert plan.dashboard_filters == spec.DASHBOARD.filters and plan.controls == spec.DASHBOARD.controls
    read = {v.id: (v, aggs) for v, aggs in plan.visualizations}
    for vis in spec.VISUALIZATIONS:
        got, aggs = read[vis.id]
        if aggs is None:
            assert got.buckets == vis.buckets and got.kind == vis.kind
        else:   # the Vega spec carries the nested aggregation itself, inside Kibana's context
            assert aggs == penalties_aggs(vis)
            url = json.loads(json.loads(objects()[("visualization", vis.id)]["attributes"]["visState"])
                             ["params"]["spec"])["data"]["url"]
            assert url["%context%"] is True and url["%timefield%"] == "published_at" and url["index"] == "lexwatch"


def test_field_check_accepts_the_mapping_and_catches_wrong_ones():
    plan = read_plan(ndjson())
    fields = mapped_fields(MAPPING["properties"])
    assert all(f.ok for f in check_fields(plan, fields, "mapping")), [f.line() for f in check_fields(plan, fields, "m")]
    broken = dict(fields, **{"deepfake.stage": "text", "deepfake.penalties": "object"})
    del broken["deepfake.bodies"]
    failures = {f.name: f.detail for f in check_fields(plan, broken, "old-index") if not f.ok}
    assert "mapped as text in old-index" in failures["field deepfake.stage"]
    assert "missing from old-index" in failures["field deepfake.bodies"]
    assert "mapped as object" in failures["field deepfake.penalties"]
    # a Kibana aggregation (not Vega) on a field inside the nested penalties cannot work
    tampered = ndjson().replace('"field\\":\\"deepfake.stage\\"', '"field\\":\\"deepfake.penalties.kind\\"')
    assert tampered != ndjson()
    nested = [f for f in check_fields(read_plan(tampered), fields, "mapping") if not f.ok]
    assert [f.detail for f in nested] == ["used by Stage breakdown but nested in mapping"]


def test_request_check_fails_when_elasticsearch_answers_differently():
    from lexwatch.index.es_documents import to_document
    plan = read_plan(ndjson())
    docs = [to_document(a) for a in sample_articles()]

    def empty_answers(**body):
        if "aggs" not in body:
            return {"hits": {"hits": []}}
        (name, agg), = body["aggs"].items()
        return {"aggregations": {name: {"buckets": []}}}

    findings = run_requests(plan, empty_answers, docs)
    assert len(findings) == 1 + len(spec.VISUALIZATIONS) + len(spec.DASHBOARD.controls)
    assert not any(f.ok for f in findings)
    assert "expected" in findings[0].detail and "answered []" in findings[0].detail


@pytest.mark.es
def test_check_proves_the_objects_on_elasticsearch(es_url, capsys):
    findings = check(es_url)
    assert [f.line() for f in findings if not f.ok] == []
    names = [f.name for f in findings]
    assert "visualization 'Penalties by country'" in names and "saved search 'Deepfake regulation'" in names
    penalties = next(f for f in findings if f.name == "visualization 'Penalties by country'")
    assert penalties.detail == "5 buckets as expected"   # AZ fine/prison, KZ prison/fine/arrest (no country: not shown)
    from elasticsearch import Elasticsearch
    with Elasticsearch(es_url) as es:
        assert not es.indices.get(index="*-dashcheck-*", allow_no_indices=True, expand_wildcards="all")
    assert main(["dashboards", "check", "--store", es_url]) == 0
    assert "37 checks passed, 0 failed" in capsys.readouterr().err   # 32 + 5 of dashboards/developments.py


@pytest.mark.es
def test_check_reports_a_refused_aggregation(es_url, tmp_path):
    bad = tmp_path / "bad.ndjson"
    bad.write_text(ndjson().replace('"field\\":\\"deepfake.bodies\\"', '"field\\":\\"body\\"'), encoding="utf-8")
    failed = {f.name: f.detail for f in check(es_url, bad) if not f.ok}
    assert "mapped as text" in failed["field body"]
    assert failed["visualization 'Top legislative bodies'"].startswith("Elasticsearch refused the request")


# -- import: against a small server that checks the request as Kibana's import endpoint does ----------
class FakeKibana(BaseHTTPRequestHandler):
    """Kibana's POST /api/saved_objects/_import: kbn-xsrf required, multipart `file` part with an
    .ndjson filename, authentication, overwrite; answers in Kibana's response shape."""
    stored: set = set()
    api_key = "aWQ6a2V5"
    requests: list = []

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append((url.path, {k.lower(): v for k, v in self.headers.items()}))
        if not url.path.endswith("/api/saved_objects/_import") or not (
                url.path == "/api/saved_objects/_import" or url.path.startswith("/s/")):
            return self.reply(404, {"statusCode": 404, "error": "Not Found", "message": "Not Found"})
        if "kbn-xsrf" not in self.headers:
            return self.reply(400, {"statusCode": 400, "error": "Bad Request",
                                    "message": "Request must contain a kbn-xsrf header."})
        if self.headers.get("Authorization") != f"ApiKey {self.api_key}":
            return self.reply(401, {"statusCode": 401, "error": "Unauthorized", "message": "Unauthorized"})
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
        parts = list(message.iter_parts()) if message.is_multipart() else []
        if len(parts) != 1 or parts[0].get_param("name", header="content-disposition") != "file" \
                or not parts[0].get_filename("").endswith(".ndjson"):
            return self.reply(415, {"statusCode": 415, "error": "Unsupported Media Type",
                                    "message": "expected one multipart part 'file' with an .ndjson file"})
        overwrite = parse_qs(url.query).get("overwrite") == ["true"]
        objects = [json.loads(line) for line in parts[0].get_content().splitlines() if line.strip()]
        ids = {(o["type"], o["id"]) for o in objects} | self.stored
        success, errors = [], []
        for o in objects:
            missing = [r for r in o["references"] if (r["type"], r["id"]) not in ids]
            meta = {"title": o["attributes"].get("title"), "icon": o["type"]}
            if missing:
                errors.append({"id": o["id"], "type": o["type"], "meta": meta, "error": {
                    "type": "missing_references", "references": [{"type": r["type"], "id": r["id"]} for r in missing]}})
            elif (o["type"], o["id"]) in self.stored and not overwrite:
                errors.append({"id": o["id"], "type": o["type"], "meta": meta, "error": {"type": "conflict"}})
            else:
                result = {"type": o["type"], "id": o["id"], "meta": meta}
                if (o["type"], o["id"]) in self.stored:
                    result["overwrite"] = True
                success.append(result)
        self.stored.update((r["type"], r["id"]) for r in success)
        self.reply(200, {"success": not errors, "successCount": len(success), "successResults": success,
                         **({"errors": errors} if errors else {})})


@pytest.fixture
def kibana():
    FakeKibana.stored, FakeKibana.requests = set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_reports_each_object_then_overwrites(kibana, capsys):
    args = ["dashboards", "import", "--kibana", kibana, "--api-key", FakeKibana.api_key]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 8 and all(line.startswith("created") for line in out)
    assert any("dashboard" in line and "Deepfake regulation monitor" in line for line in out)
    assert main(args + ["--space", "policy team"]) == 0
    assert all(line.startswith("overwritten") for line in capsys.readouterr().out.splitlines())
    path, headers = FakeKibana.requests[-1]
    assert path == "/s/policy%20team/api/saved_objects/_import"
    assert headers["kbn-xsrf"] == "lexwatch" and headers["content-type"].startswith("multipart/form-data; boundary=")


def test_import_reports_missing_references_and_fails(kibana, tmp_path, capsys):
    only_dashboard = tmp_path / "dashboard.ndjson"
    only_dashboard.write_text(ndjson().splitlines()[-1] + "\n", encoding="utf-8")
    code = main(["dashboards", "import", "--kibana", kibana, "--api-key", FakeKibana.api_key,
                 "--file", str(only_dashboard)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.startswith("error: missing_references (")
    assert "index-pattern lexwatch-articles" in captured.out and "search lexwatch-deepfake-regulation" in captured.out
    assert captured.out.count("index-pattern lexwatch-articles") == 1
    assert "0 imported, 1 failed" in captured.err


def test_import_errors_are_one_line(kibana, capsys):
    assert main(["dashboards", "import", "--kibana", kibana, "--api-key", "wrong"]) == 1
    assert "answered 401: Unauthorized" in capsys.readouterr().err
    assert main(["dashboards", "import", "--kibana", kibana, "--user", "elastic"]) == 1
    assert "no password (LEXWATCH_KIBANA_PASSWORD)" in capsys.readouterr().err
    assert main(["dashboards", "import", "--kibana", "http://127.0.0.1:9", "--api-key", "k"]) == 1
    assert "is unreachable" in capsys.readouterr().err


def test_basic_authentication_header():
    from lexwatch.dashboards.importer import auth_header
    assert auth_header(None, "elastic:pa:ss") == "Basic " + base64.b64encode(b"elastic:pa:ss").decode()
    assert auth_header("a2V5", "elastic:x") == "ApiKey a2V5"
