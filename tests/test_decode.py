"""Bytes → text: every encoding Japanese disclosures arrive in, detected once, recorded."""
from __future__ import annotations

import codecs

import pytest

from jikenbo.errors import InputError
from jikenbo.sources.decode import decode, declared_charset

TITLE = "個人情報の漏えいについてお詫び"  # 15 characters, from a seed post's headline
NOTICE = "【セキュリティ事件簿#2024-313】白井市 市営水道の委託事業者による個人情報の流出の可能性について 2024/7/23"


@pytest.mark.parametrize("encoding, codec, text", [
    ("utf-8", "utf-8", NOTICE),
    ("cp932", "cp932", NOTICE),
    ("euc_jp", "euc_jp", NOTICE),
    ("euc_jp", "euc_jp", TITLE),
    ("cp932", "cp932", TITLE),
    ("iso2022_jp", "iso-2022-jp", NOTICE),
])
def test_detects_japanese_encodings(encoding: str, codec: str, text: str) -> None:
    decoded = decode(text.encode(encoding), "notice.txt")
    assert decoded.text == text
    assert decoded.encoding == codec


def test_short_euc_jp_title_is_not_read_as_korean() -> None:
    assert len(TITLE) == 15
    assert decode(TITLE.encode("euc_jp"), "t.txt").text == TITLE


@pytest.mark.parametrize("bom_codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_bom_decides(bom_codec: str) -> None:
    data = NOTICE.encode(bom_codec)
    if bom_codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    if bom_codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    decoded = decode(data, "bom.txt")
    assert decoded.text == NOTICE
    assert decoded.how == "bom"


def test_shift_jis_page_with_cp932_characters_decodes_as_cp932() -> None:
    page = '<html><head><meta charset="Shift_JIS"></head><body>①対象者：約8千6百件～</body></html>'
    data = page.encode("cp932")
    with pytest.raises(UnicodeEncodeError):
        page.encode("shift_jis")
    decoded = decode(data, "p.html", declared_charset(data))
    assert "①対象者：約8千6百件～" in decoded.text
    assert decoded.encoding == "cp932"


def test_http_header_charset_is_read() -> None:
    assert declared_charset(b"<p>x</p>", "text/html; charset=EUC-JP") == "euc-jp"


def test_binary_is_refused_with_a_reason() -> None:
    with pytest.raises(InputError, match="binary"):
        decode(bytes(range(256)) * 4, "blob.bin")


def test_invalid_bytes_in_declared_encoding_are_reported() -> None:
    data = "流出の可能性".encode("cp932") + b"\x81\xff\xfe\x80\xa0" + "について".encode("cp932")
    with pytest.raises(InputError, match="invalid bytes for declared shift_jis"):
        decode(data, "bad.html", "shift_jis")


def test_lossy_keeps_what_it_can() -> None:
    data = "流出の可能性".encode("cp932") + b"\x81\xff\xfe\x80\xa0"
    decoded = decode(data, "bad.html", "shift_jis", lossy=True)
    assert decoded.text.startswith("流出の可能性")
    assert decoded.how == "lossy"
