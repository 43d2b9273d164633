"""The collector's pure parts, as tables: intervals, link patterns, the link-text decision on
real notice titles, and discovery from RSS 1.0 / 2.0, Atom, sitemaps and news-list pages."""
from __future__ import annotations

import pytest

from jikenbo.collect import decide, watchlist
from jikenbo.collect.discover import Link, discover, sniff
from jikenbo.errors import InputError, UsageError
from tests.collect_site import FEED_ITEMS, LIST_ITEMS, news_list, rss, sitemap

BASE = "https://www.city.example.lg.jp"


@pytest.mark.parametrize("text, seconds", [
    ("90s", 90), ("15m", 900), ("1h", 3600), ("6H", 21600), ("1d", 86400), ("1h30m", 5400)])
def test_intervals(text: str, seconds: int) -> None:
    assert watchlist.parse_interval(text) == seconds
    assert watchlist.parse_interval(watchlist.format_interval(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "0h", "1x", "h1", "1 h", "soon", "1h-", "9" * 40 + "h"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(UsageError):
        watchlist.parse_interval(text)


@pytest.mark.parametrize("pattern, text, expected", [
    ("/press/*.pdf", "https://x.jp/press/2024/0801.pdf", True),
    ("/press/*.pdf", "https://x.jp/news/0801.pdf", False),
    ("個人情報", "個人情報の漏えいについて", True),
    ("*", "anything", True),
    ("/news/", "https://x.jp/event/", False),
    ("a*b*c", "cba", False),
])
def test_link_patterns(pattern: str, text: str, expected: bool) -> None:
    assert watchlist.matches(pattern, text) is expected


def test_link_pattern_on_adversarial_input_is_linear() -> None:
    # the shape that makes a backtracking glob take exponential time: many stars, no match
    assert not watchlist.matches("a*" * 40 + "b", "a" * 100_000)


def test_include_and_exclude() -> None:
    source = watchlist.entry(BASE + "/news/", include=("/news/*", "*.pdf"),
                             exclude=("イベント",))
    assert watchlist.wanted(source, BASE + "/news/1.html", "個人情報の流出について")
    assert watchlist.wanted(source, BASE + "/docs/1.pdf", "お詫び")
    assert not watchlist.wanted(source, BASE + "/kurashi/1.html", "個人情報の流出について")
    assert not watchlist.wanted(source, BASE + "/news/2.html", "イベントのお知らせ")


@pytest.mark.parametrize("text, verdict", [  # link texts as sources list real notices
    ("市営水道の委託事業者による個人情報の流出の可能性について", decide.INCIDENT),
    ("個人情報を記録したUSBメモリの紛失につきまして（PDF：85KB）", decide.INCIDENT),
    ("不正アクセスによる個人情報流出のお詫びとお知らせ\n当社サーバが第三者による不正アクセスを受けた",
     decide.INCIDENT),
    ("送信方法の誤りによるメールアドレスの流出に関する報告とお詫び", decide.INCIDENT),
    ("ランサムウェア被害の発生について", decide.INCIDENT),
    ("下水道使用料の料金改定のお知らせ", decide.NOT_INCIDENT),
    ("株主優待制度の変更および価格改定に関するお知らせ", decide.NOT_INCIDENT),
    ("年末年始の窓口業務について", decide.NOT_INCIDENT),
    ("安く旅する方法", decide.NOT_INCIDENT),
    ("お知らせ", decide.READ_PAGE),
    ("詳しくはこちら", decide.READ_PAGE),
    ("PDF", decide.READ_PAGE),
    ("", decide.READ_PAGE),
])
def test_link_text_decision(text: str, verdict: str) -> None:
    assert decide.link_verdict(Link(BASE + "/news/1.html", text)) == verdict


def test_file_note_pattern_on_adversarial_input() -> None:
    long = "（PDF" + "：" * 50_000 + "個人情報の漏えい"
    assert decide.link_verdict(Link(BASE + "/x", long)) == decide.INCIDENT


RSS1 = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://www.city.example.lg.jp/rss.rdf"><title>新着情報</title>
<link>https://www.city.example.lg.jp/</link><description>市</description></channel>
<item rdf:about="https://www.city.example.lg.jp/news/1.html"><title>個人情報の流出について</title>
<link>https://www.city.example.lg.jp/news/1.html</link><dc:date>2024-07-23T09:00:00+09:00</dc:date></item>
</rdf:RDF>""".encode()
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>ニュース</title><id>urn:x</id>
<updated>2024-07-23T00:00:00Z</updated>
<entry><title>不正アクセスに関するお知らせ</title><link href="/news/2.html"/><id>urn:2</id>
<updated>2024-07-23T00:00:00Z</updated><summary>サーバーが不正アクセスを受けました</summary></entry>
</feed>""".encode()


@pytest.mark.parametrize("data, kind, first", [
    (RSS1, "feed", Link(BASE + "/news/1.html", "個人情報の流出について", "2024-07-23T09:00:00+09:00")),
    (ATOM, "feed", Link(BASE + "/news/2.html", "不正アクセスに関するお知らせ\nサーバーが不正アクセスを受けました",
                        "2024-07-23T00:00:00Z")),
    (rss(FEED_ITEMS).replace(b"{base}", BASE.encode()), "feed",
     Link(BASE + FEED_ITEMS[0][1], f"{FEED_ITEMS[0][0]}\n{FEED_ITEMS[0][2]}", FEED_ITEMS[0][3])),
    (sitemap([("/news/3.html", "2024-07-24")]).replace(b"{base}", BASE.encode()), "sitemap",
     Link(BASE + "/news/3.html", "", "2024-07-24")),
    (news_list(LIST_ITEMS), "page", Link(BASE + LIST_ITEMS[0][1], LIST_ITEMS[0][2], LIST_ITEMS[0][2])),
])
def test_discovery(data: bytes, kind: str, first: Link) -> None:
    found = discover("auto", BASE + "/news/index.html", data, None)
    assert found.kind == kind == sniff(data, None)
    assert found.links[0] == first


def test_news_list_leaves_out_menus_and_footer() -> None:
    found = discover("page", BASE + "/news/index.html", news_list(LIST_ITEMS), "text/html")
    assert [link.url for link in found.links] == [BASE + path for _, path, _ in LIST_ITEMS]


def test_sitemap_index_lists_its_children_and_refuses_entities() -> None:
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             b'sitemap/0.9"><sitemap><loc>https://x.jp/s1.xml</loc></sitemap></sitemapindex>')
    assert discover("auto", "https://x.jp/sitemap.xml", index, None).sitemaps == (
        "https://x.jp/s1.xml",)
    bomb = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<urlset><url><loc>https://x.jp/&b;</loc></url></urlset>')
    found = discover("sitemap", "https://x.jp/sitemap.xml", bomb, None)
    assert all(len(link.url) < 100 for link in found.links)


@pytest.mark.parametrize("kind, data, reason", [
    ("feed", b"<html><body>no feed here</body></html>", "no links found"),
    ("sitemap", b"<urlset><url><loc>", "not a readable sitemap"),
    ("page", b"<html><body><p>\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b</p></body></html>",
     "no links found"),
])
def test_discovery_refuses_what_holds_no_links(kind: str, data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        discover(kind, "https://x.jp/", data, None)


@pytest.mark.parametrize("toml, message", [
    ("[[source]]\nurl = 3\n", "needs a url"),
    ('source = "x"\n', "[[source]] tables"),
    ('[[source]]\nurl = "https://x.jp/"\nkind = "blog"\n', "kind 'blog'"),
    ('[[source]]\nurl = "https://x.jp/"\ninclude = [1]\n', "include is a list of strings"),
    ("[[source\n", "not valid TOML"),
])
def test_bad_watch_list_files(toml: str, message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("[", r"\[")):
        watchlist.read_toml(toml)


def test_shipped_example_reads_and_round_trips() -> None:
    from importlib import resources
    text = resources.files("jikenbo").joinpath("data", "watch.example.toml").read_text("utf-8")
    entries = watchlist.read_toml(text)
    assert len(entries) == 3 and entries[1].organization == "例示市" and entries[2].kind == "sitemap"
    assert watchlist.read_toml(watchlist.write_toml(entries)) == entries
