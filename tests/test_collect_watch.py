"""`jikenbo watch` against a fixture site on 127.0.0.1 built from real notices: the first run
ingests exactly the incidents, the second is all 304, a changed notice becomes a new version,
robots.txt is obeyed, and what was brought shows on /sources."""
from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from jikenbo.store import open_store
from tests.collect_site import fixture_site, notice, notice_html, rss, FEED_ITEMS
from tests.conftest import run_cli
from tests.helpers import casebook_server

FAST = ("--delay", "0.01", "--timeout", "10")
INCIDENTS = {  # notice page → the heading the casebook stores for it
    "/company/news/20240723.html": "シークス株式会社 不正アクセスによる個人情報流出のお詫びとお知らせ 2024/7/23",
    "/city/news/shirai.html": "白井市 市営水道の委託事業者による個人情報の流出の可能性について 2024/7/23",
    "/city/docs/usb.pdf": "同志社香里中学校・高等学校 個人情報を記録したUSBメモリの紛失につきまして 2024/7/22",
    "/city/news/mihara.html": "送信方法の誤りによるメールアドレスの流出に関する報告とお詫び",
}


def watch(db: str, *args: str):
    result = run_cli("watch", "--db", db, *args)
    return result, result.stderr.decode("utf-8"), result.stdout.decode("utf-8")


def add_sources(db: str, site) -> None:
    for args in ([site.url("/company/news.rss")],
                 [site.url("/city/news/index.html"), "--organization", "白井市"],
                 [site.url("/city/sitemap.xml"), "--organization", "三原市", "--kind", "sitemap"]):
        assert run_cli("watch", "add", *args, "--db", db).returncode == 0


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """The fixture site and a casebook after one watch run over it."""
    db = str(tmp_path_factory.mktemp("watch") / "casebook.db")
    with fixture_site() as site:
        add_sources(db, site)
        first = watch(db, "--once", "--json", *FAST)
        yield site, db, first


def stored(db: str) -> dict[str, list]:
    with closing(open_store(db)) as store:
        return {row["locator"]: [row["version"], row["heading"], row["organization"]]
                for row in store.execute(
                    "SELECT s.locator, s.version, r.heading, r.organization FROM sources s "
                    "JOIN releases r ON r.source_id = s.id ORDER BY s.id")}


def test_first_run_ingests_exactly_the_incidents(watched) -> None:
    site, db, (result, err, out) = watched
    assert result.returncode == 0, err
    found = stored(db)
    assert {locator.removeprefix(site.base): heading
            for locator, (_, heading, _) in found.items()} == INCIDENTS
    logged = [json.loads(line) for line in out.splitlines()]
    assert sorted(row["url"].removeprefix(site.base) for row in logged) == sorted(INCIDENTS)
    assert all(row["case"] and not row["update"] for row in logged)
    assert "3 sources, 9 fetched, 0 304, 4 new incidents, 5 skipped, 0 failed" in err
    assert err.count(site.base) == 3  # one progress line per source


def test_notice_without_issuer_takes_the_watch_lists_organisation(watched) -> None:
    site, db, _ = watched
    assert stored(db)[site.url("/city/news/mihara.html")][2] == "三原市"
    assert stored(db)[site.url("/city/news/shirai.html")][2] == "白井市"


def test_non_incidents_are_skipped_price_change_without_a_request(watched) -> None:
    site, db, _ = watched
    assert site.gets("/city/news/fee.html") == []            # 料金改定のお知らせ: link text decides
    assert site.gets("/company/news/20240701.html") == []    # 価格改定 in the feed
    assert len(site.gets("/city/news/travel.html")) == 2      # 「お知らせ」 says nothing: read, once per source
    with closing(open_store(db)) as store:
        decisions = {row[0].removeprefix(site.base): (row[1], row[2]) for row in store.execute(
            "SELECT url, decision, reason FROM watch_links")}
    assert decisions["/city/news/fee.html"] == ("skipped", "the link text is not an incident notice")
    assert decisions["/city/news/travel.html"] == ("skipped", "the page is not an incident notice")


def test_robots_txt_disallow_is_respected(watched) -> None:
    site, db, _ = watched
    assert site.gets("/private/incident.html") == []
    with closing(open_store(db)) as store:
        reason = store.execute("SELECT reason FROM watch_links WHERE url LIKE '%/private/%'")
    assert reason[0][0] == "robots.txt disallows it"
    assert all(h["user-agent"].startswith("jikenbo/") for h in site.gets("/company/news.rss"))


def test_second_run_sends_conditional_requests_and_ingests_nothing(watched) -> None:
    site, db, _ = watched
    before = stored(db)
    result, err, out = watch(db, "--once", "--json", *FAST)
    assert result.returncode == 0 and out == ""
    assert "3 sources, 0 fetched, 3 304, 0 new incidents, 0 skipped, 0 failed" in err
    for path in ("/company/news.rss", "/city/news/index.html", "/city/sitemap.xml"):
        last = site.gets(path)[-1]
        assert last["if-none-match"].startswith('"') and "GMT" in last["if-modified-since"]
    assert stored(db) == before


def test_a_changed_notice_becomes_a_new_version(watched) -> None:
    site, db, _ = watched
    lines = notice("siix") + ["【追記】2024年8月1日 調査の結果、流出した個人情報は約1,200件と判明しました。"]
    site.change("/company/news/20240723.html", notice_html(lines, "シークス株式会社"))
    items = [(FEED_ITEMS[0][0] + "(第2報)", *FEED_ITEMS[0][1:3], "Thu, 01 Aug 2024 09:00:00 +0900"),
             *FEED_ITEMS[1:]]
    site.change("/company/news.rss", rss(items))
    result, err, out = watch(db, "--once", "--json", *FAST)
    assert result.returncode == 0, err
    [logged] = [json.loads(line) for line in out.splitlines()]
    assert logged["update"] and logged["url"] == site.url("/company/news/20240723.html")
    with closing(open_store(db)) as store:
        sources = store.execute("SELECT version FROM sources WHERE locator = ? ORDER BY version",
                                (logged["url"],))
        releases = store.execute("SELECT DISTINCT o.release_id FROM occurrences o JOIN sources s "
                                 "ON s.id = o.source_id WHERE s.locator = ?", (logged["url"],))
        versions = store.release_versions(logged["release_id"])
        numbers = store.case_numbers()
    assert [row[0] for row in sources] == [1, 2]
    # Issue #12 item 3: the changed page is a new VERSION of the release it held, reported as an
    # update under the release's first id (it was a second release of the same case before).
    assert [row[0] for row in releases] == [logged["release_id"]]
    assert [(v.version, v.source_version) for v in versions] == [(1, 1), (2, 2)]
    assert "約1,200件と判明" in versions[1].text and "約1,200件と判明" not in versions[0].text
    assert numbers[logged["release_id"]] == logged["case"]
    # the page was asked for with the validators of its first version
    assert site.gets("/company/news/20240723.html")[-1].get("if-none-match")
    again, err, out = watch(db, "--once", *FAST)
    assert "0 new incidents" in err


def test_sources_page_shows_each_source_and_what_it_brought(watched) -> None:
    site, db, _ = watched
    with casebook_server(db) as base:
        page = httpx.get(base + "/sources", timeout=30)
        api = httpx.get(base + "/api/sources", timeout=30).json()
    assert page.status_code == 200
    assert page.text.count('<tr data-source="') == 3
    assert "市営水道の委託事業者による個人情報の流出の可能性について" in page.text
    by_url = {row["url"]: row for row in api["sources"]}
    city = by_url[site.url("/city/news/index.html")]
    assert city["collected"] == 2 and city["status"] in ("ok", "not_modified")
    assert city["links"] == {"incident": 2, "skipped": 2}


def test_watch_list_commands_and_toml_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert run_cli("watch", "add", "https://www.city.example.lg.jp/news/", "--every", "6h",
                   "--organization", "例示市", "--include", "/news/*", "--db", db).returncode == 0
    assert run_cli("watch", "add", "https://example.co.jp/rss", "--db", db).returncode == 0
    exported = run_cli("watch", "export", "--db", db).stdout.decode()
    assert '[[source]]\nurl = "https://www.city.example.lg.jp/news/"\nevery = "6h"' in exported
    (tmp_path / "w.toml").write_text(exported, encoding="utf-8")
    other = str(tmp_path / "d.db")
    imported = run_cli("watch", "import", str(tmp_path / "w.toml"), "--db", other)
    assert imported.returncode == 0 and b"2 added" in imported.stderr
    assert run_cli("watch", "export", "--db", other).stdout.decode() == exported
    listed = run_cli("watch", "list", "--db", other).stdout.decode()
    assert "[auto, 6h, 例示市]  never" in listed
    assert run_cli("watch", "remove", "https://example.co.jp/rss", "--db", other).returncode == 0
    gone = run_cli("watch", "remove", "https://example.co.jp/rss", "--db", other)
    assert gone.returncode == 1 and b"not on the watch list" in gone.stderr


@pytest.mark.parametrize("args, message", [
    (("watch", "add", "ftp://example.jp/"), "must be an http:// or https:// URL"),
    (("watch", "add", "https://example.jp/", "--every", "soon"), "write it like 30m, 1h"),
    (("watch", "--once", "--every", "1h"), "give --once, or --every INTERVAL"),
    (("watch", "--once"), "the watch list in"),
])
def test_bad_watch_commands_are_one_line(tmp_path: Path, args, message) -> None:
    result = run_cli(*args, "--db", str(tmp_path / "c.db"))
    assert result.returncode in (1, 2)
    assert message in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_import_refuses_a_bad_file_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "w.toml"
    bad.write_text('[[source]]\nurl = "https://example.jp/"\nevry = "1h"\n', encoding="utf-8")
    result = run_cli("watch", "import", str(bad), "--db", str(tmp_path / "c.db"))
    assert result.returncode == 2 and b"source 1: unknown key(s) evry" in result.stderr


def test_webhook_gets_one_post_per_new_incident(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    with fixture_site() as site:
        assert run_cli("watch", "add", site.url("/city/news/index.html"), "--db", db).returncode == 0
        result, err, _ = watch(db, "--once", "--webhook", site.url("/hook"), *FAST)
        assert result.returncode == 0, err
        posted = [json.loads(body) for body in site.posted]
    assert sorted(row["url"].removeprefix(site.base) for row in posted) == [
        "/city/docs/usb.pdf", "/city/news/shirai.html"]
    assert all(row["release_id"] and row["heading"] for row in posted)


def test_every_watch_command_and_option_is_in_the_readme() -> None:
    from jikenbo.cli.watch import watch as group
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    commands = {"": group, **group.commands}
    for name, command in commands.items():
        assert f"watch {name}".strip() in readme or f"watch list | {name}" in readme, name
        for param in command.params:
            for option in getattr(param, "opts", ()):
                if option.startswith("--") and option not in ("--db", "--help"):
                    assert option in readme, f"watch {name} {option}"
