"""Splitting casebook pages into posts exactly as the gold set has them."""
from __future__ import annotations

import re
import unicodedata

from jikenbo.parse import split_posts
from tests.conftest import gold_rows, sample_pages


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_every_gold_post_is_found_and_nothing_else() -> None:
    gold = {_key(row["heading"]) for row in gold_rows()}
    found = [_key(post.heading) for page in sample_pages()
             for post in split_posts(page.read_text(encoding="utf-8"))]
    assert set(found) == gold
    assert len(found) == len(set(found))


def test_unrelated_posts_start_at_their_titles() -> None:
    headings = [post.heading for page in sample_pages()
                for post in split_posts(page.read_text(encoding="utf-8"))]
    assert "安く旅する方法" in headings
    assert any(heading.startswith("【搭乗記】日本航空JL794") for heading in headings)
    assert any(heading.startswith("クラウドストライク、アップデートをしくじり") for heading in headings)


def test_archive_lines_and_release_markers_stay_with_the_post_above() -> None:
    page = sample_pages()[0].read_text(encoding="utf-8")
    posts = split_posts(page)
    shiks = next(post for post in posts if "#2023-169" in post.heading)
    assert "【2023年4月28日リリース分】" in shiks.text
    assert not any(post.heading.startswith("リリース文アーカイブ") for post in posts)


def test_page_furniture_is_dropped() -> None:
    for page in sample_pages():
        for post in split_posts(page.read_text(encoding="utf-8")):
            assert "の投稿を表示しています" not in post.text
            assert not post.text.startswith("雑記系ブログ")


def test_offsets_point_into_the_page() -> None:
    page = sample_pages()[1].read_text(encoding="utf-8")
    for post in split_posts(page):
        assert page[post.start:post.end] == post.text


def test_document_without_header_is_one_release() -> None:
    text = "\n\n個人情報流出の可能性について\n\n当社サーバーが不正アクセスを受けました。\n\n株式会社テスト\n"
    posts = split_posts(text)
    assert len(posts) == 1
    assert posts[0].heading == "個人情報流出の可能性について"
    assert not posts[0].casebook
