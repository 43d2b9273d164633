"""MISP, VERIS and CSV exports checked by their own tools (pymisp, the VERIS JSON schema,
Python's csv reader in Excel's encodings), and the export filters."""
from __future__ import annotations

import csv
import io
import json
import warnings
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from pymisp import MISPEvent

from jikenbo.export.casebook import Options
from jikenbo.export.csv import cell
from jikenbo.export.veris import _government, schema
from jikenbo.store import open_store
from tests.conftest import SAMPLE, run_cli

# A notice whose heading a spreadsheet would run as a formula, and which names no date.
FORMULA = ("=HYPERLINK(\"http://evil.example\",\"開く\") 株式会社テスト 不正アクセスによる個人情報流出の"
           "お知らせ\n\n当社サーバーが第三者による不正アクセスを受け、お客様の氏名約100件が流出した可能性があります。\n")


@pytest.fixture(scope="module")
def casebook(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("formats")
    location = str(folder / "casebook.db")
    (folder / "formula.txt").write_text(FORMULA, encoding="utf-8")
    assert run_cli("ingest", "--db", location, str(SAMPLE), str(folder / "formula.txt")
                   ).returncode == 0
    return location


def _export(casebook: str, *args: str) -> bytes:
    result = run_cli("export", "--db", casebook, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _case_numbers(casebook: str, *args: str) -> set[str]:
    rows = [json.loads(line) for line in _export(casebook, *args).splitlines()]
    return {row["case"] for row in rows if row["case"]}


# -- MISP ---------------------------------------------------------------------------------
def test_misp_events_round_trip_through_pymisp(casebook: str) -> None:
    documents = json.loads(_export(casebook, "--format", "misp"))
    assert len(documents) == len(_case_numbers(casebook, "--incidents-only"))
    events = []
    for document in documents:
        event = MISPEvent()
        event.load(json.dumps(document, ensure_ascii=False))
        events.append(event)
    number = open_store(casebook).resolve_case("2024-313")
    shirai = next(e for e in events if e.info.startswith(f"[{number}]"))
    assert "tlp:clear" in {tag.name for tag in shirai.tags}
    assert 'jikenbo:category="unauthorized_access"' in {tag.name for tag in shirai.tags}
    kinds = [obj.name for obj in shirai.objects]
    assert kinds.count("incident") == 1 and kinds.count("report") == 16
    victims = {a.value for o in shirai.objects if o.name == "victim" for a in o.attributes
               if a.object_relation == "name"}
    assert {"白井市", "熊本市"} <= victims
    again = json.loads(_export(casebook, "--format", "misp"))
    assert again == documents  # stable uuids: a second import updates the same event


# -- VERIS --------------------------------------------------------------------------------
def test_veris_incidents_validate_against_the_shipped_schema(casebook: str) -> None:
    validator = jsonschema.Draft4Validator(schema())
    incidents = json.loads(_export(casebook, "--format", "veris"))
    assert incidents
    for incident in incidents:
        errors = [error.message for error in validator.iter_errors(incident)]
        assert errors == [], (incident["victim"]["victim_id"], errors[:3])
    assert list(validator.iter_errors({**incidents[0], "security_incident": "Maybe"}))


def test_verispy_loads_the_veris_export(casebook: str, tmp_path) -> None:
    """VCDB's loader, one file per incident as VCDB keeps them, with the shipped schema (it
    would otherwise download it)."""
    verispy = pytest.importorskip("verispy")
    incidents = json.loads(_export(casebook, "--format", "veris"))
    for incident in incidents:
        (tmp_path / f"{incident['incident_id']}.json").write_text(
            json.dumps(incident, ensure_ascii=False), encoding="utf-8")
    schema_path = str(resources.files("jikenbo.data").joinpath("veris/verisc-merged.json"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' fragmentation notices from verispy
        frame = verispy.VERIS(json_dir=str(tmp_path), verbose=False).json_to_df(
            verbose=False, schema_path=schema_path)
    assert len(frame) == len(incidents)
    assert int(frame["action.Hacking"].sum()) > 0 and int(frame["action.Error"].sum()) > 0
    disclosed = frame["attribute.confidentiality.data_disclosure.Yes"].sum()
    assert disclosed == sum(i["attribute"]["confidentiality"]["data_disclosure"] == "Yes"
                            for i in incidents)


def test_a_provider_breach_is_one_veris_incident_with_secondary_victims(casebook: str) -> None:
    incidents = json.loads(_export(casebook, "--format", "veris", "--case", "2024-313"))
    [breach] = incidents
    assert breach["victim"]["victim_id"].startswith("東京ガスエンジニアリングソリューションズ")
    secondary = breach["victim"]["secondary"]
    assert "白井市" in secondary["victim_id"] and secondary["amount"] == len(secondary["victim_id"])
    assert breach["attribute"]["confidentiality"]["data_disclosure"] in ("Yes", "Potentially")
    assert breach["timeline"]["incident"]["year"] == 2024
    assert "/" not in breach["reference"]


@pytest.mark.parametrize("name, level", [
    ("白井市", "Local"), ("長岡市水道局", None), ("千葉県", "Regional"), ("北海道", "Regional"),
    ("北海道ガス株式会社", None), ("株式会社市", None), ("シークス株式会社", None)])
def test_government_victims(name: str, level: str | None) -> None:
    assert _government(name) == level


def test_organisation_and_date_filters(casebook: str) -> None:
    incidents = json.loads(_export(casebook, "--format", "veris", "--organization", "白井市",
                                   "--since", "2099"))
    assert incidents == []
    rows = [json.loads(line) for line in _export(casebook, "--organization", "熊本市").splitlines()]
    assert rows and all(row["organization"] == "熊本市" for row in rows)


# -- CSV ----------------------------------------------------------------------------------
def test_csv_opens_in_excel_as_utf8_with_a_bom_and_crlf(casebook: str) -> None:
    raw = _export(casebook, "--format", "csv", "--all-releases")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= 75 and b"\n" not in raw.replace(b"\r\n", b"")[:200]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert "札幌医科大学附属病院" in {row["organization"] for row in rows}
    assert {row["is_incident"] for row in rows} == {"TRUE", "FALSE"}
    assert {row["supply_chain"] for row in rows} <= {"TRUE", "FALSE"}
    unknown = [row for row in rows if row["affected_count"] == ""]
    no_vendors = [row for row in rows if row["vendors"] == "[]"]
    assert unknown and no_vendors  # a null and an empty list are told apart


def test_csv_neutralises_formulas(casebook: str) -> None:
    rows = list(csv.DictReader(io.StringIO(
        _export(casebook, "--format", "csv").decode("utf-8-sig"), newline="")))
    [formula] = [row for row in rows if "HYPERLINK" in row["heading"]]
    assert formula["heading"].startswith("'=HYPERLINK")
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_csv_in_cp932_with_japanese_labels(casebook: str) -> None:
    raw = _export(casebook, "--format", "csv", "--encoding", "cp932", "--labels", "ja")
    text = raw.decode("cp932")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert {"組織", "分類", "影響件数", "事件番号", "出典"} <= set(rows[0])
    assert any("不正アクセス" in row["分類"] for row in rows)
    assert "札幌医科大学附属病院" in {row["組織"] for row in rows}


@pytest.mark.parametrize("value, name, expected", [
    (["氏名", "住所"], "data_types", "氏名;住所"),
    (["a;b", "c\\d"], "vendors", "a\\;b;c\\\\d"),
    ([], "vendors", "[]"),
    (None, "affected_count", ""),
    (0, "affected_count", "0"),
    (True, "supply_chain", "TRUE"),
    ("-1+1", "title", "'-1+1"),
    ("@SUM(A1)", "organization", "'@SUM(A1)"),
    ("2024-07-23", "published", "2024-07-23"),
    (["=cmd"], "vendors", "'=cmd"),
])
def test_csv_cells(value, name: str, expected: str) -> None:
    assert cell(value, name, Options()) == expected


def test_csv_labels_name_categories_in_japanese() -> None:
    assert cell(["ransomware", "misdelivery"], "categories", Options(labels="ja")) == \
        "ランサムウェア;誤送信・誤送付"


# -- filters ------------------------------------------------------------------------------
def test_filters_narrow_every_format(casebook: str) -> None:
    by_case = [json.loads(line) for line in _export(casebook, "--case", "2024-313").splitlines()]
    number = open_store(casebook).resolve_case("2024-313")  # the source's number finds it
    assert len(by_case) == 16 and {row["case"] for row in by_case} == {number}
    ransomware = [json.loads(line) for line in
                  _export(casebook, "--category", "ransomware").splitlines()]
    assert ransomware and all("ransomware" in row["categories"] for row in ransomware)
    vendor = [json.loads(line) for line in _export(
        casebook, "--vendor", "東京ガスエンジニアリングソリューションズ(株)").splitlines()]
    assert vendor and all(row["case"] == number for row in vendor)
    dated = [json.loads(line) for line in
             _export(casebook, "--since", "2024-07", "--until", "2024-07-31").splitlines()]
    assert dated and all("2024-07-01" <= row["published"] <= "2024-07-31" for row in dated)
    found = [json.loads(line) for line in _export(casebook, "-q", "USBメモリ").splitlines()]
    assert found and all(row["is_incident"] for row in found)
    bundle = json.loads(_export(casebook, "--format", "stix", "--case", "2024-313"))
    assert [o["type"] for o in bundle["objects"]].count("incident") == 1


@pytest.mark.parametrize("args, message", [
    (("--category", "bogus"), b"unknown category"),
    (("--since", "July"), b"--since takes"),
    (("--format", "stix", "--encoding", "cp932"), b"--encoding applies"),
])
def test_bad_filters_are_one_line_errors(casebook: str, args: tuple, message: bytes) -> None:
    result = run_cli("export", "--db", casebook, *args)
    assert result.returncode == 2 and message in result.stderr
    assert b"Traceback" not in result.stderr


def test_jsonl_names_sources_without_local_paths(casebook: str) -> None:
    rows = [json.loads(line) for line in _export(casebook, "--all-releases").splitlines()]
    assert len(rows) == 75 and all("/" not in row["source"] for row in rows)
    undated = [row for row in rows if row["published"] is None]
    assert undated


def test_every_export_option_and_format_is_in_the_readme() -> None:
    from jikenbo.cli.export import export_command
    from jikenbo.export import RENDERERS
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = [name for param in export_command.params
             for name in (*param.opts, *param.secondary_opts) if name.startswith("--")]
    missing = [name for name in (*names, *RENDERERS) if name not in readme]
    assert missing == []
