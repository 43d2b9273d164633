"""Hostile inputs built from real corpus text: damaged and malicious PDFs, HTML that trips
parsers, values that do not fit a database, and the mutations the corpus fuzzer applies."""
from __future__ import annotations

import functools
import random
import zlib

from tests.helpers import SHIRAI, SHIRAI_LINES


def pdf(objects: dict[int, bytes], trailer: bytes = b"") -> bytes:
    """A PDF from numbered object bodies, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    start = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets.get(number, 0)
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, start)
    return bytes(out)


def stream(body: bytes, extra: bytes = b"") -> bytes:
    return b"<</Length %d%s>>\nstream\n" % (len(body), extra) + body + b"\nendstream"


PAGE = {1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"}
TEXT = b"BT /F1 12 Tf 20 100 Td (Hello incident) Tj ET"


def aes256_pdf() -> bytes:
    """AES-256 (R6) encryption, which pypdf cannot open without the cryptography package."""
    enc = (b"<</Filter/Standard/V 5/R 6/Length 256/P -4/O <" + b"00" * 48 + b">/U <" + b"00" * 48 +
           b">/OE <" + b"00" * 32 + b">/UE <" + b"00" * 32 + b">/Perms <" + b"00" * 16 +
           b">/CF<</StdCF<</CFM/AESV3/AuthEvent/DocOpen/Length 32>>>>/StmF/StdCF/StrF/StdCF>>")
    return pdf({**PAGE, 4: stream(TEXT), 6: enc}, b"/Encrypt 6 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]")


def cyclic_pdf() -> bytes:
    """A page tree whose Pages node lists itself among its kids."""
    return pdf({**PAGE, 2: b"<</Type/Pages/Kids[2 0 R 3 0 R]/Count 2>>", 4: stream(TEXT)})


@functools.lru_cache(maxsize=1)
def bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """200 MB of zeros in a 200 KB content stream (past pypdf's 75 MB limit per stream)."""
    packed = zlib.compress(b"0" * size, 9)
    return pdf({**PAGE, 4: stream(packed, b"/Filter/FlateDecode")})


def jbig2_pdf() -> bytes:
    """A content stream in a filter no decoder is installed for."""
    return pdf({**PAGE, 4: stream(b"\x00\x01\x02garbage", b"/Filter/JBIG2Decode")})


def plain_pdf() -> bytes:
    return pdf({**PAGE, 4: stream(TEXT)})


def surrogate_pdf(a: tuple[int, ...] = (0xD800,), b: tuple[int, ...] = (0xDFFF,)) -> bytes:
    """A ToUnicode map that turns A and B into these UTF-16 units: by default lone surrogates,
    which UTF-8 cannot encode."""
    units = lambda values: b"".join(b"%04X" % value for value in values)  # noqa: E731
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange "
            b"2 beginbfchar <41> <" + units(a) + b"> <42> <" + units(b) + b"> endbfchar endcmap "
            b"CMapName currentdict /CMap defineresource pop end end")
    objs = {**PAGE, 4: stream(b"BT /F1 12 Tf 20 100 Td (Hello ABA incident) Tj ET"),
            5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/ToUnicode 6 0 R>>", 6: stream(cmap)}
    return pdf(objs)


def deep_html(depth: int) -> str:
    """The Shirai notice inside `depth` nested <div>s."""
    paragraphs = "".join(f"<p>{line}</p>" for line in SHIRAI_LINES)
    return f"<html><body>{'<div>' * depth}{paragraphs}{'</div>' * depth}</body></html>"


def control_reference_html() -> str:
    """The notice with character references to control characters (`&#1;`), as a CMS wrote."""
    paragraphs = "".join(f"<p>{line}&#1;&#x1F;</p>" for line in SHIRAI_LINES)
    return f"<html><body><main>{paragraphs}</main></body></html>"


def huge_count_text() -> str:
    """A notice whose count is 10^20 (a misread number): SQLite's integers stop at 2^63."""
    return SHIRAI.replace("約8千6百件", "100000000000000000000件")


def control_text() -> str:
    """The notice with control characters strewn in, as a bad export leaves them."""
    return SHIRAI.replace("。", "。\x01", 2).replace("、", "、\x7f", 1)


# -- the corpus fuzzer's mutations: each takes the bytes of a real file and a seeded random ----
_CODECS = ("cp932", "euc_jp", "iso2022_jp", "utf-16-le", "utf-16", "utf-8-sig", "latin-1")
_SPLICES = (b"\x00", b"&#1;", b"<div>" * 300, b"\xff\xfe", b"%PDF-1.7\n", "【".encode() * 500,
            "１".encode() * 2000, b"<script>" * 50, b"\x1b$B", "100000000000000000000件".encode(),
            b"\r" * 100, "\ud800".encode("utf-8", "surrogatepass"))


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, len(data))]


def swap_encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    return text.encode(rng.choice(_CODECS), errors="replace")


def splice(data: bytes, rng: random.Random, other: bytes = b"") -> bytes:
    """Insert a hostile fragment, or half of another file, at a random place."""
    piece = rng.choice(_SPLICES) * rng.randint(1, 3) if not other or rng.random() < 0.6 \
        else other[:len(other) // 2]
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece + data[at:]


MUTATIONS = (flip, truncate, swap_encoding, splice)
