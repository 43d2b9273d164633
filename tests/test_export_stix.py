"""STIX 2.1 and TAXII 2.1 checked by the ecosystem's own tools: stix2-validator, stix2.parse,
and taxii2-client pulling from the casebook server on loopback."""
from __future__ import annotations

import json

import pytest
import stix2
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import Server, as_pages

from jikenbo.export.casebook import source_reference
from jikenbo.store import open_store
from jikenbo.web.taxii import COLLECTION
from tests.conftest import SAMPLE, run_cli
from tests.helpers import casebook_server


@pytest.fixture(scope="module")
def exported(casebook: str) -> bytes:
    result = run_cli("export", "--db", casebook, "--format", "stix")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def bundle(exported: bytes) -> dict:
    return json.loads(exported)


def _of(bundle: dict, kind: str) -> list[dict]:
    return [item for item in bundle["objects"] if item["type"] == kind]


def _cases(casebook: str) -> dict[str, list[dict]]:
    rows = [json.loads(line) for line in run_cli("export", "--db", casebook).stdout.splitlines()]
    found: dict[str, list[dict]] = {}
    for row in rows:
        if row["case"]:
            found.setdefault(row["case"], []).append(row)
    return found


def test_the_bundle_passes_the_oasis_validator_without_errors(bundle: dict) -> None:
    results = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert [error.message for error in results.errors] == [] and results.is_valid
    # the same check fails on what the old exporter wrote: empty lists and nulls
    broken = json.loads(json.dumps(bundle))
    incident = next(item for item in broken["objects"] if item["type"] == "incident")
    incident.update(labels=[], x_jikenbo_affected_count=None)
    assert len(validate_instance(broken, ValidationOptions(version="2.1")).errors) >= 2


def test_stix2_parses_it_without_allowing_custom_content(exported: bytes) -> None:
    parsed = stix2.parse(exported.decode("utf-8"))  # allow_custom defaults to False
    assert {item.type for item in parsed.objects} >= {
        "incident", "report", "identity", "relationship", "marking-definition",
        "extension-definition"}


def test_one_incident_per_case_and_a_report_per_incident_release(bundle: dict,
                                                                 casebook: str) -> None:
    cases = _cases(casebook)
    incidents = _of(bundle, "incident")
    assert len(incidents) == len(cases)
    numbers = [item["external_references"][0]["external_id"] for item in incidents]
    assert sorted(numbers) == sorted(cases)
    reports = _of(bundle, "report")
    assert len(reports) == sum(len(rows) for rows in cases.values())
    shirai = next(item for item in incidents
                  if item["external_references"][0]["external_id"] == _shirai(casebook))
    own = [r for r in reports if shirai["id"] in r["object_refs"]]
    assert len(own) == len(cases[_shirai(casebook)]) == 16


def _shirai(casebook: str) -> str:
    """jikenbo's number of the case the source numbers 2024-313."""
    return open_store(casebook).resolve_case("2024-313")


def test_incidents_carry_the_incident_core_extension(bundle: dict, casebook: str) -> None:
    core_id = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
    own_id = _of(bundle, "extension-definition")[0]["id"]
    for incident in _of(bundle, "incident"):
        core = incident["extensions"][core_id]
        assert core["determination"] == "confirmed"
        assert core["investigation_status"] in ("open", "closed")
        assert incident["extensions"][own_id]["case_number"]
        assert incident["lang"] == "ja"
    shirai = next(i for i in _of(bundle, "incident") if _shirai(casebook) in i["description"])
    core = shirai["extensions"][core_id]
    assert "supply-chain-vendor" in core["incident_types"]
    assert core["impacted_entity_counts"]["individual"] > 0
    assert core["first_seen"].startswith("2024-")


def test_producer_marking_and_relationships(bundle: dict, casebook: str) -> None:
    [producer] = [i for i in _of(bundle, "identity") if i["identity_class"] == "system"]
    [marking] = _of(bundle, "marking-definition")
    assert marking["name"] == "TLP:CLEAR"
    for item in bundle["objects"]:
        if item["type"] not in ("marking-definition",) and item["id"] != producer["id"]:
            assert item["created_by_ref"] == producer["id"], item["id"]
            assert item["object_marking_refs"] == [marking["id"]], item["id"]
    names = {i["id"]: i["name"] for i in _of(bundle, "identity")}
    shirai = next(i for i in _of(bundle, "incident") if _shirai(casebook) in i["description"])
    targeted = {names[r["target_ref"]] for r in _of(bundle, "relationship")
                if r["source_ref"] == shirai["id"] and r["relationship_type"] == "targets"}
    assert {"白井市", "熊本市"} <= targeted
    assert any("東京ガスエンジニアリングソリューションズ" in name for name in targeted)


def test_dates_are_never_invented_and_two_exports_are_identical(exported: bytes,
                                                                casebook: str) -> None:
    assert b"1970-01-01" not in exported
    again = run_cli("export", "--db", casebook, "--format", "stix").stdout
    assert again == exported


def test_sources_are_file_names_or_urls_never_local_paths(bundle: dict) -> None:
    for report in _of(bundle, "report"):
        [reference] = report["external_references"]
        assert "/" not in reference["source_name"] and reference["source_name"].endswith(".txt")
    assert str(SAMPLE) not in json.dumps(bundle, ensure_ascii=False)


@pytest.mark.parametrize("locator, expected", [
    ("/home/someone/corpus/000_d3fd.txt", (None, "000_d3fd.txt")),
    ("C:\\Users\\a\\notice.pdf", (None, "notice.pdf")),
    ("https://www.city.shiroi.chiba.jp/news/1.html",
     ("https://www.city.shiroi.chiba.jp/news/1.html", "www.city.shiroi.chiba.jp")),
    ("-", (None, "stdin")),
])
def test_source_reference(locator: str, expected: tuple) -> None:
    assert source_reference(locator) == expected


def test_non_incident_posts_are_never_stix_incidents(casebook: str, bundle: dict) -> None:
    rows = [json.loads(line) for line in
            run_cli("export", "--db", casebook, "--all-releases").stdout.splitlines()]
    posts = {row["id"] for row in rows if not row["is_incident"]}
    assert posts
    named = {ref["external_id"] for item in bundle["objects"]
             for ref in item.get("external_references", ())}
    assert not posts & named
    refused = run_cli("export", "--db", casebook, "--format", "stix", "--all-releases")
    assert refused.returncode == 2 and b"incidents only" in refused.stderr


def test_taxii_client_pulls_the_collection_in_pages(casebook: str, bundle: dict) -> None:
    with casebook_server(casebook) as base:
        server = Server(f"{base}/taxii2/")
        [root] = server.api_roots
        [collection] = root.collections
        assert collection.id == COLLECTION and collection.can_read and not collection.can_write
        pulled = []
        for envelope in as_pages(collection.get_objects, per_request=50):
            pulled.extend(envelope.get("objects", []))
        assert sorted(o["id"] for o in pulled) == sorted(o["id"] for o in bundle["objects"])
        manifest = collection.get_manifest()
        assert len(manifest["objects"]) == min(100, len(pulled))
        last = max(item["date_added"] for item in collection.get_manifest(limit=500)["objects"])
        assert "objects" not in collection.get_objects(added_after=last)
        one = collection.get_object(pulled[0]["id"])
        assert one["objects"][0] == pulled[0]
        assert stix2.parse({"type": "bundle", "id": bundle["id"], "objects": pulled})


def test_taxii_refuses_other_media_types_and_unknown_collections(casebook: str) -> None:
    import httpx
    with casebook_server(casebook) as base:
        root = f"{base}/taxii2/casebook/"
        wrong = httpx.get(root, headers={"Accept": "application/xml"})
        assert wrong.status_code == 406
        assert wrong.headers["content-type"].startswith("application/taxii+json")
        missing = httpx.get(root + "collections/nope/objects/",
                            headers={"Accept": "application/taxii+json;version=2.1"})
        assert missing.status_code == 404 and missing.json()["http_status"] == "404"
        bad = httpx.get(root + f"collections/{COLLECTION}/objects/",
                        params={"added_after": "yesterday"})
        assert bad.status_code == 400


def test_the_web_serves_the_same_exports_as_the_cli(casebook: str, exported: bytes) -> None:
    import httpx
    with casebook_server(casebook) as base:
        stix_download = httpx.get(f"{base}/api/export/stix", timeout=60)
        assert stix_download.status_code == 200
        assert stix_download.headers["content-type"].startswith("application/stix+json")
        assert stix_download.content == exported
        csv_download = httpx.get(f"{base}/api/export/csv",
                                 params={"case": "2024-313", "encoding": "cp932", "labels": "ja"})
        cli = run_cli("export", "--db", casebook, "--format", "csv", "--case", "2024-313",
                      "--encoding", "cp932", "--labels", "ja").stdout
        assert csv_download.content == cli and "白井市" in cli.decode("cp932")
        assert httpx.get(f"{base}/api/export/xml").status_code == 404
        assert httpx.get(f"{base}/api/export/csv", params={"since": "July"}).status_code == 400


def _release(release_id: str, organization: str, title: str, published: str,
             supply_chain: bool, vendors: tuple[str, ...]):
    from jikenbo.record import Record
    from jikenbo.store import StoredRelease
    record = Record(case_id=None, organization=organization, title=title, published=published,
                    earlier_releases=(), is_incident=True, categories=("ransomware",),
                    supply_chain=supply_chain, vendors=vendors, affected_count=None,
                    data_types=("name",), leak_status="suspected",
                    heading=f"{organization} {title}", source="/tmp/x.txt")
    return StoredRelease(release_id, record, "", 1, "/srv/notices/x.txt", 0, 0)


def test_a_contractors_own_case_leads_to_its_customers_case() -> None:
    from jikenbo.export.casebook import Options
    from jikenbo.export.stix import dated_objects
    tges = "東京ガスエンジニアリングソリューションズ株式会社"
    releases = [
        _release("a" * 64, tges, "ランサムウェア被害の発生について", "2024-07-09", False, ()),
        _release("b" * 64, "白井市", "個人情報の流出の可能性について", "2024-07-23", True,
                 ("東京ガスエンジニアリングソリューションズ(株)",)),
    ]
    cases = {"a" * 64: "2024-300", "b" * 64: "2024-313"}
    added = {"a" * 64: "2024-07-10T01:00:00+00:00", "b" * 64: "2024-07-24T01:00:00+00:00"}
    objects = {item.id: item for _, item in dated_objects(releases, cases, Options(added=added))}
    incidents = {o.external_references[0].external_id: o.id
                 for o in objects.values() if o.type == "incident"}
    led = [o for o in objects.values() if o.type == "relationship"
           and o.source_ref == incidents["2024-300"] and o.target_ref == incidents["2024-313"]]
    assert len(led) == 1 and "leads to" in led[0].description
    contractor = [o for o in objects.values() if o.type == "identity" and o.name == tges]
    assert len(contractor) == 1  # (株) and 株式会社 are one identity
    assert "/srv" not in json.dumps([o.serialize() for o in objects.values()])
