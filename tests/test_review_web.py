"""Curation over real HTTP on loopback: the write token guards every write, nothing changes on
a GET, a bad value is refused whole, /review and /stats show the queue and the accuracy."""
from __future__ import annotations


import httpx
import pytest

from jikenbo.store import open_store
from tests.conftest import run_cli, shirai_release
from tests.helpers import casebook_server

TOKEN = "web-curator-token"


@pytest.fixture
def location(casebook_copy: str) -> str:
    return casebook_copy


def test_without_a_token_pages_show_state_but_offer_no_writes(location: str) -> None:
    release = shirai_release(location)
    with casebook_server(location) as base:
        page = httpx.get(f"{base}/releases/{release}").text
        assert 'id="review-state"' in page and "未確認" in page
        assert "edit-form" not in page and "review-form" not in page
        posted = httpx.post(f"{base}/releases/{release}/correct",
                            data={"token": "x", "organization": "y"})
        assert posted.status_code in (404, 405)
        queue = httpx.get(f"{base}/review")
        assert queue.status_code == 200 and "未確認 74 件" in queue.text
    assert open_store(location).actions() == []


def test_writes_need_the_token_from_this_site_and_a_post(location: str) -> None:
    release = shirai_release(location)
    url = f"/releases/{release}/correct"
    with casebook_server(location, token=TOKEN) as base:
        assert "edit-form" in httpx.get(f"{base}/releases/{release}").text
        refused = [
            httpx.post(base + url, data={"organization": "X"}),
            httpx.post(base + url, data={"token": "wrong", "organization": "X"}),
            httpx.post(base + url, data={"token": TOKEN, "organization": "X"},
                       headers={"Origin": "http://elsewhere.example"}),
            httpx.post(base + url, data={"organization": "X"},
                       cookies={"jikenbo_curator": TOKEN}),  # the token itself is no cookie
            httpx.get(base + url, params={"token": TOKEN, "organization": "X"}),
        ]
        assert [r.status_code for r in refused] == [401, 401, 403, 401, 405]
        assert open_store(location).actions() == []

        with httpx.Client(base_url=base) as client:
            done = client.post(url, data={"token": TOKEN, "organization": "白井市水道課",
                                          "note": "web"})
            assert done.status_code == 303 and "jikenbo_curator" in done.cookies
            cookie = done.headers["set-cookie"].lower()
            assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN not in cookie
            assert client.post(f"/releases/{release}/review", data={}).status_code == 303
        record_page = httpx.get(f"{base}/releases/{release}").text
        assert "修正済み" in record_page and "<del>白井市</del>" in record_page
        assert "確認済み" in record_page
    store = open_store(location)
    assert store.release(release).record.organization == "白井市水道課"
    assert release in store.reviews([release])


def test_a_bad_value_in_the_form_is_a_400_and_stores_nothing(location: str) -> None:
    release = shirai_release(location)
    with casebook_server(location, token=TOKEN) as base:
        answer = httpx.post(f"{base}/releases/{release}/correct",
                            data={"token": TOKEN, "organization": "白井市水道課",
                                  "published": "2024-02-30"})
        assert answer.status_code == 400 and "is not a date YYYY-MM-DD" in answer.text
        unchanged = httpx.post(f"{base}/releases/{release}/correct",
                               data={"token": TOKEN, "organization": "白井市"})
        assert unchanged.status_code == 400 and "nothing stored" in unchanged.text
    store = open_store(location)
    assert store.release(release).record.organization == "白井市" and store.actions() == []


def test_stats_show_the_accuracy_on_reviewed_releases(location: str) -> None:
    release = shirai_release(location)
    with casebook_server(location) as base:
        assert "reviewed-accuracy-none" in httpx.get(f"{base}/stats").text
    assert run_cli("release", "correct", "--db", location, release, "affected_count=9000",
                   "--reviewed").returncode == 0
    assert run_cli("review", "--db", location, "--ok",
                   next(r.id for r in open_store(location).releases()
                        if r.record.organization == "熊本市")).returncode == 0
    with casebook_server(location) as base:
        page = httpx.get(f"{base}/stats").text
    assert "キュレーターが確認した 2 件の公表(1 件は修正あり)" in page
    table = page.split('id="reviewed-accuracy-table"')[1].split("</table>")[0]
    assert "<td>affected_count</td><td class=\"num\">0.500</td>" in table
    assert "<td>organization</td><td class=\"num\">1.000</td>" in table
