"""The casebook people cite, over real HTTP and the CLI: aliases that redirect, a curator's log
and undo, one affected figure everywhere, and 新着 by when a release was added."""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import httpx

from jikenbo.store import open_store
from tests.conftest import SHARED, run_cli
from tests.helpers import casebook_server

UNNUMBERED = SHARED / "corpus" / "unnumbered"
ATOM = "{http://www.w3.org/2005/Atom}"


def _get(base: str, path: str) -> httpx.Response:
    return httpx.get(base + path, timeout=30)


def test_one_affected_figure_on_the_case_page_the_list_stats_and_the_cli(base: str,
                                                                       casebook: str) -> None:
    number = open_store(casebook).resolve_case("2024-313")
    case = _get(base, f"/cases/{number}").text
    figure = re.search(r'<td class="affected">([\d,]+)', case).group(1)
    listed = _get(base, "/cases").text
    row = listed[listed.index(f'<a href="/cases/{number}">'):]
    assert f'<td class="num">{figure}' in row[:row.index("</tr>")]
    stats = _get(base, "/api/stats").json()
    assert {r["number"]: r["affected"] for r in stats["ranking"]["2024"]}[number] == int(
        figure.replace(",", ""))
    cli = run_cli("stats", "--db", casebook).stdout.decode()
    assert re.search(rf"{figure}\s+{number}", cli)


def test_undated_cases_are_ranked_by_the_year_they_were_added_and_marked(base: str,
                                                                        casebook: str) -> None:
    store = open_store(casebook)
    undated = [n for n in set(store.case_numbers().values())
               if not any(r.record.published for r in store.case_releases(n))
               and any(r.record.affected_count for r in store.case_releases(n))]
    assert undated
    added_year = store.stored_times()[store.case_releases(undated[0])[0].id][:4]
    ranked = _get(base, "/api/stats").json()["ranking"][added_year]
    assert any(row["number"] in undated and row["undated"] for row in ranked)
    assert "公表日不明・登録年" in _get(base, "/stats").text


def test_a_release_added_today_about_last_year_is_new(tmp_path) -> None:
    location = str(tmp_path / "added.db")
    old = next(p for p in sorted(UNNUMBERED.glob("*.txt"))
               if p.read_text(encoding="utf-8").startswith("福岡徳洲会病院"))
    rest = tmp_path / "rest"
    rest.mkdir()
    for path in UNNUMBERED.glob("*.txt"):
        if path != old:
            (rest / path.name).write_bytes(path.read_bytes())
    assert run_cli("ingest", "--db", location, str(rest)).returncode == 0
    time.sleep(1.1)  # times are stored to the second: the old notice is added strictly later
    assert run_cli("ingest", "--db", location, str(old)).returncode == 0
    store = open_store(location)
    latest_id = max(store.stored_times().items(), key=lambda pair: pair[1])[0]
    assert store.release(latest_id).record.published < "2024"  # last year's, added last
    with casebook_server(location) as url:
        home = _get(url, "/").text
        assert re.findall(r'<li data-release="([0-9a-f]+)"', home)[0] == latest_id
        assert "公表 " in home and "登録 " in home
        feed = ET.fromstring(_get(url, "/feeds/releases.atom").content)
        first = feed.find(f"{ATOM}entry")
        assert first.find(f"{ATOM}id").text.endswith(latest_id)
        assert feed.find(f"{ATOM}updated").text == first.find(f"{ATOM}updated").text
        assert first.find(f"{ATOM}published").text.startswith(store.release(latest_id)
                                                              .record.published)
        page = _get(url, f"/releases/{latest_id}").text
        assert 'id="added"' in page and store.stored_times()[latest_id][:10] in page


def test_merge_aliases_redirect_and_the_log_undoes(tmp_path) -> None:
    location = str(tmp_path / "curated.db")
    assert run_cli("ingest", "--db", location, str(UNNUMBERED)).returncode == 0
    store = open_store(location)
    numbers = sorted(set(store.case_numbers().values()))
    target, absorbed = numbers[0], numbers[1]
    merged = run_cli("case", "merge", "--db", location, target, absorbed, "--note", "同一事案")
    assert merged.returncode == 0 and f"merged {absorbed} into {target}" in merged.stdout.decode()
    shown = run_cli("case", "show", "--db", location, absorbed)
    assert shown.returncode == 0 and f"case {target}:" in shown.stdout.decode()
    assert absorbed in shown.stdout.decode()  # listed as an alias
    with casebook_server(location) as url:
        moved = _get(url, f"/cases/{absorbed}")
        assert moved.status_code == 301 and moved.headers["location"] == f"/cases/{target}"
        assert absorbed in _get(url, f"/cases/{target}").text
    member = open_store(location).case_releases(target)[0].id
    split = run_cli("case", "split", "--db", location, target, member[:12])
    new = open_store(location).case_numbers()[member]
    assert split.returncode == 0 and new in split.stdout.decode() and new not in numbers
    log = run_cli("case", "log", "--db", location).stdout.decode().splitlines()
    assert len(log) == 2 and "同一事案" in log[0] and re.search(r"\d{4}-\d\d-\d\dT", log[0])
    assert run_cli("case", "undo", "--db", location).returncode == 0  # the split
    assert run_cli("case", "undo", "--db", location, "1").returncode == 0  # the merge
    after = open_store(location)
    assert after.resolve_case(absorbed) == absorbed  # its own case again
    assert after.resolve_case(new) in (target, absorbed)  # the split-off number still resolves
    again = run_cli("case", "undo", "--db", location, "1")
    assert again.returncode != 0 and again.stderr.startswith(b"error: ")
    assert "undone" in run_cli("case", "log", "--db", location).stdout.decode()


def test_the_case_list_sorted_by_affected_answers_and_then_the_rest(casebook: str) -> None:
    """Sorting by affected figure reads the shared figures while the sorted list is being
    shared: it must neither wait on itself nor leave the next shared read waiting."""
    import threading

    from jikenbo.web import case_lists
    store = open_store(casebook)
    answers: list[dict] = []
    reader = threading.Thread(target=lambda: answers.extend([
        case_lists.page(store, case_lists.Listing(sort="affected", order="desc")),
        case_lists.page(store, case_lists.Listing(sort="date"))]), daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "the case list sorted by affected figure never answered"
    largest = [row["affected"] for row in answers[0]["cases"] if row["affected"] is not None]
    assert largest and largest == sorted(largest, reverse=True)
    assert answers[1]["result"].total == answers[0]["result"].total
