"""Bytes → text, in this one place: BOM, UTF-8, declared charset, Japanese detection, fallback.

General detectors guess Korean or Chinese for short Japanese texts (a 15-character EUC-JP title
reads as CP949), so Japanese codecs are tried first and judged by how Japanese the result reads;
charset-normalizer decides only when no Japanese codec decodes the bytes cleanly.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from jikenbo.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Names a page may declare, mapped to the codec that decodes what such pages really contain:
# pages that say Shift_JIS routinely use CP932's ① and ～.
_DECLARED = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "cp932": "cp932", "ms932": "cp932",
    "euc-jp": "euc_jp", "euc_jp": "euc_jp", "x-euc-jp": "euc_jp", "eucjp": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext", "csiso2022jp": "iso2022_jp_ext",
    "utf-8": "utf-8", "utf8": "utf-8",
}
_JAPANESE_CODECS = ("cp932", "euc_jp")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_KANA = re.compile(r"[\u3040-\u30ff]")
_COMMON_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u4e00-\u9fff\uff01-\uff9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# What no stored text keeps: C0/C1 controls but tab, newline and carriage return (XML, feeds and
# terminals choke on the rest), and lone surrogates, which a PDF's ToUnicode map can produce and
# which cannot be encoded as UTF-8.
_UNWANTED = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})  # form feeds part pages of a PDF
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Any character `clean_text` changes: nearly every text has none, and one search says so.
_DIRTY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # bom, utf-8, declared, detected, lossy


def declared_charset(data: bytes, header: str | None = None) -> str | None:
    """The charset an HTTP header or the document itself declares, if any."""
    if header:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", header, re.I)
        if match:
            return match.group(1).lower()
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, name: str, declared: str | None = None, lossy: bool = False) -> Decoded:
    """Decode `data` (named `name` in messages); raise InputError when nothing fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data, codec, name), codec.replace("-sig", ""), "bom")
    if b"\x00" in data:
        raise InputError(name, "binary file (contains NUL bytes); give a text, HTML or PDF file")
    if b"\x1b$" in data or b"\x1b(" in data:
        text = _try(data, "iso2022_jp_ext")
        if text is not None:
            return Decoded(text, "iso-2022-jp", "detected")
    text = _try(data, "utf-8")
    if text is not None:
        return Decoded(_check_text(text, name), "utf-8", "utf-8")
    codec = _DECLARED.get(declared or "")
    if codec:
        text = _try(data, codec)
        if text is not None:
            return Decoded(_check_text(text, name), codec, "declared")
    best = _best_japanese(data)
    if best is not None:
        return Decoded(_check_text(best[1], name), best[0], "detected")
    guess = None if declared else from_bytes(data).best()
    if guess is not None and guess.encoding not in ("utf_8", "ascii") and _readable(str(guess)):
        return Decoded(_check_text(str(guess), name), guess.encoding, "detected")
    if lossy:
        codec = codec or "utf-8"
        return Decoded(data.decode(codec, errors="replace"), codec, "lossy")
    where = f"declared {declared}" if declared else "UTF-8, Shift_JIS/CP932, EUC-JP or ISO-2022-JP"
    raise InputError(name, f"invalid bytes for {where}; fix the file's encoding, or pass "
                           "--lossy to keep it with replacement characters")


def clean_text(text: str) -> str:
    """Text safe to store and serve: control characters dropped, lone surrogates become U+FFFD.

    `clean_text("a\\x01b\\ud800")` is `"ab\\ufffd"`; `"行1\\r\\n行2\\t"` is kept as it is.
    """
    if _DIRTY.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", _UNWANTED.sub("", text.translate(_BREAKS)))


def _best_japanese(data: bytes) -> tuple[str, str] | None:
    """The Japanese codec whose strict decoding reads most like Japanese text."""
    scored = []
    for codec in _JAPANESE_CODECS:
        text = _try(data, codec)
        if text is not None and _readable(text):
            scored.append((_japanese_score(text), codec, text))
    if not scored:
        return None
    scored.sort(key=lambda row: row[0], reverse=True)
    return scored[0][1], scored[0][2]


def _japanese_score(text: str) -> float:
    """Share of kana (weighted up) and common CJK characters among non-ASCII characters."""
    wide = [char for char in text if ord(char) > 0x7f]
    if not wide:
        return 0.0
    kana = len(_KANA.findall(text))
    common = len(_COMMON_CJK.findall(text))
    return (common + kana) / (2 * len(wide))


def _readable(text: str) -> bool:
    return len(_CONTROL.findall(text)) <= max(2, len(text) // 100)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise InputError(name, f"invalid bytes for {codec} at offset {error.start}") from None


def _check_text(text: str, name: str) -> str:
    if not _readable(text):
        raise InputError(name, "binary file (control characters); give a text, HTML or PDF file")
    return text
