"""The heading line: casebook number, issuing organisation, headline and release date.

`【セキュリティ事件簿#2024-313】白井市 市営水道の委託事業者による… 2024/7/23` gives case_id
2024-313, organization 白井市, the headline, and published 2024-07-23. Without a space after
the organisation (`東京都の委託事業における…`) the headline is kept whole and the organisation
is read from its start.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from jikenbo import data
from jikenbo.extract.dates import find_dates

_ORG = data.load("organizations")
_PREFIX = re.compile(r"^\s*【\s*セキュリティ事件簿\s*#\s*(?P<y>\d{4})\s*-\s*(?P<n>\d{3,4})\s*】\s*")
# Bounded gaps, searched only in the heading's last few characters (`_DATE_TAIL`), so a heading
# of spaces or digits costs one short scan.
_TRAILING_DATE = re.compile(r"\s{0,3}(?P<y>\d{4})\s{0,2}(?:[/.\-]|年)\s{0,2}(?P<m>\d{1,2})\s{0,2}"
                            r"(?:[/.\-]|月)\s{0,2}(?P<d>\d{1,2})\s{0,2}日?$")
_DATE_TAIL = 30
_SUFFIX = "|".join(map(re.escape, sorted(_ORG["suffixes"], key=len, reverse=True)))
_LEGAL = "|".join(map(re.escape, sorted(_ORG["legal_forms"], key=len, reverse=True)))
_ORG_SHAPED = re.compile(rf"^(?:(?:{_LEGAL}).+|.+(?:{_SUFFIX}))$")
_HEADLINE_WORD = re.compile("|".join(map(re.escape, _ORG["headline_words"])))
_LEADING_ORG = re.compile(rf"^(?P<org>.+?(?:{_SUFFIX}))(?=の|における|への|による|で|が|に|立|"
                          rf"{'|'.join(map(re.escape, _ORG['person_words']))})")
_MUNICIPALITY = re.compile(_ORG["municipality"])
_PRESS = data.load("press_release")
_ADDRESSEE = re.compile("(?:" + "|".join(map(re.escape, _PRESS["addressee_endings"])) + r")\s*$")
_LABELS = {label.lower() for label in _PRESS["release_labels"]}
_REPRESENTATIVE = "|".join(map(re.escape, sorted(_PRESS["representative_titles"], key=len,
                                                 reverse=True)))
# `代表取締役社長 山田 太郎`, `白井市長 笠井喜久雄`: the issuer's head, signing.
_SIGNATORY = re.compile(rf"^(?P<org>\S{{0,30}}?)(?P<title>{_REPRESENTATIVE})(?:\s+\S{{1,8}}){{1,2}}\s*$")
# `株式会社 東玉(とうぎょく)`: a reading after the name is not part of it.
_READING = re.compile(r"\s?[((][ぁ-ゖァ-ヺー・\s]{1,30}[))]$")
# Field labels of a timely-disclosure letterhead (会社名 / 代表者名 / 問合せ先 …).
_FIELD_LABEL = re.compile(r"^(?P<label>(?:上場)?会\s*社\s*名|団\s*体\s*名|法\s*人\s*名|代\s*表\s*者\s*名?|"
                          r"問\s*合\s*せ\s*先|問い合わせ先|お問い合わせ先|お問合せ先|連\s*絡\s*先|"
                          r"担\s*当(?:者|部署)?|電\s*話|tel|fax|e-?mail)\s*[::]?\s*", re.I)
# What a date line may hold besides its date: `(発表日)`, `更新:`, `(木)`.
_DATE_WORDS = re.compile(r"[\s()()::]|最終|発表|公表|公開|更新|掲載|作成|発行|発信|登録|日付|配信|"
                         r"報道|記者|資料|提供|年月|午前|午後|\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?)|"
                         r"[月火水木金土日]曜?")
# `青葉市公式ホームページ`: a site's label is its owner's name and a word for a web site.
_SITE_TAIL = re.compile("(?:" + "|".join(map(re.escape, sorted(_PRESS["site_words"], key=len,
                                                                reverse=True))) + r")$", re.I)
_OPENING_LINES = 10
_BROKEN_PREFIX = re.compile(r"\s{0,5}(?:【\s{0,3}セキュリティ事件簿[^】\n]{0,20}】\s{0,5})?")
# `… - 滋賀県` at a headline's end: a dash between spaces, then one word.
_BYLINE = re.compile(r"\s[-–—|｜]\s{1,3}(?P<org>[^\s\-–—|｜]{2,20})$")
_BYLINE_TAIL = 30
# `県立〇〇学校`, `市営〇〇`, `市内〇〇`, `元〇〇`: who runs it or where, before a generic noun.
_GENERIC_FOUNDER = re.compile(r"^(?:(?:県|都|府|道|市|区|町|村|国|公|私)(?:立|営|内)|元|旧)")
_DATE_IN_NAME = re.compile(r"\d{1,4}(?:年|月|日|/)|^\d")
_PRESS_SELF = tuple(word for words in _PRESS["self_references"].values() for word in words)
_OPENERS = tuple(_PRESS["sentence_openers"])
# A bare suffix is no name (`市`, `社`, `本社`, `同大学`…).
_BARE_SUFFIX = re.compile(rf"(?:本|当|弊|同|各|全|貴)?(?:{_SUFFIX})")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class HeadingParts:
    """Parts of a normalised heading; spans index the normalised heading."""

    case_id: Span | None
    case_number: str | None
    organization: Span | None
    organization_rule: str
    title: Span
    published: str | None
    published_span: Span | None


def shifted(parts: HeadingParts, offset: int) -> HeadingParts:
    """The same parts for a heading that starts `offset` characters into the text."""
    move = lambda span: None if span is None else Span(span.start + offset, span.end + offset)  # noqa: E731
    return replace(parts, case_id=move(parts.case_id), organization=move(parts.organization),
                   title=move(parts.title), published_span=move(parts.published_span))


def headline_line(text: str) -> tuple[int, int]:
    """The span of a press release's headline line in normalised text.

    A release without a casebook heading may open with its date, `各位`, a label such as
    `プレスリリース`, the issuer's name and its representative before the headline; the headline
    is the first opening line that is none of these (the first line when all are).
    """
    offset, first = 0, None
    for count, line in enumerate(text.split("\n")):
        if count >= _OPENING_LINES * 2:
            break
        span = (offset, offset + len(line))
        offset += len(line) + 1
        if not line.strip():
            continue
        first = first or span
        if not is_letterhead(line):
            return span
    return first or (0, len(text.split("\n", 1)[0]))


def is_letterhead(line: str) -> bool:
    """A press release's opening line that is not its headline: a date, an addressee, a label,
    a letterhead field, the issuer's name or its representative's signature."""
    bare = line.strip()
    if bare.lower().strip("【】[]<>()()") in _LABELS or _ADDRESSEE.search(bare):
        return True
    if _FIELD_LABEL.match(bare) or (bare[:1] in "((" and bare[-1:] in "))" and len(bare) <= 40):
        return True
    if is_date_line(bare):
        return True
    if _HEADLINE_WORD.search(bare):
        return False
    return bool(_SIGNATORY.match(bare) or entity_name(bare))


def entity_name(line: str) -> tuple[str, int, int] | None:
    """The organisation a letterhead or signature line names, with its span in the line.

    `株式会社サンプル商事`, `白井市 市民環境部 市民課`, `会社名 株式会社サンプル`, `白井市長 笠井喜久雄`
    name their issuer; a line with a headline's words does not.
    """
    label = _FIELD_LABEL.match(line)
    if label and not _is_name_label(line):
        return None  # a contact or representative line: its name may be a contractor's desk
    start = label.end() if label else 0
    while start < len(line) and line[start].isspace():
        start += 1
    bare = line[start:].rstrip()
    if not bare or len(bare) > 60 or _HEADLINE_WORD.search(bare):
        return None
    bare = _SITE_TAIL.sub("", bare).rstrip() or bare
    words = bare.split()
    if len(words) > 4:
        return None
    name, end = words[0], start + len(words[0])
    if len(words) >= 2 and name in _ORG["legal_forms"]:  # `株式会社 サンプル商事`
        name, end = name + words[1], line.index(words[1], end) + len(words[1])
    signing = _signing_unit(bare)
    if signing:
        name, end = signing, start + len(signing)
    reading = _READING.search(name)
    if reading and reading.start() > 0:
        name, end = name[:reading.start()], end - len(reading.group(0))
    if not 2 <= len(name) <= 30 or not _ORG_SHAPED.match(name) or _BARE_SUFFIX.fullmatch(name):
        return None
    return (name, start, end) if plausible_name(name) else None


def _signing_unit(line: str) -> str | None:
    """The unit a head signs for: `白井市長 笠井喜久雄` → 白井市, `〇〇大学長 氏名` → 〇〇大学 (the
    title shares the unit's last character), `代表取締役社長 山田 太郎` → None."""
    signatory = _SIGNATORY.match(line)
    if not signatory or not signatory["org"]:
        return None
    org = signatory["org"]
    if not _ORG_SHAPED.match(org) and _ORG_SHAPED.match(org + signatory["title"][0]):
        return org + signatory["title"][0]
    return org


def is_issuer_name(name: str) -> bool:
    """A phrase shaped like an organisation's name (`日本栄養士連盟`, `新座市`) and nothing else."""
    return (2 <= len(name) <= 30 and bool(_ORG_SHAPED.match(name))
            and not _BARE_SUFFIX.fullmatch(name) and plausible_name(name))


def is_kind_noun(word: str) -> bool:
    """A noun for an organisation's kind, not a name: `学園`, `本学`, `協会`, `当社`."""
    return bool(_BARE_SUFFIX.fullmatch(word))


def plausible_name(name: str) -> bool:
    """Whether a phrase can be an issuer's name at all.

    Dropped: `この度、町` (a sentence's opening), `弊社`, `当センター` (the issuer's word for
    itself), `2022年10月9日` (a date), `県立高等学校`, `市内小学校` (generic nouns), `市営水道`.
    Kept: `豊郷町`, `県立広島大学`, `株式会社サンプル`, `北海道`.
    """
    if any(mark in name for mark in "、。,:「」『』") or name.startswith(_OPENERS):
        return False
    if name.count("(") != name.count(")") or (name.endswith("道") and name != "北海道"):
        return False  # a cut phrase `記録媒体(USB`; `市営水道` (道 names only 北海道)
    if name.startswith(_PRESS_SELF) or _DATE_IN_NAME.search(name):
        return False
    founder = _GENERIC_FOUNDER.match(name)
    rest = name[founder.end():] if founder else name
    return bool(rest) and not _BARE_SUFFIX.fullmatch(rest)


def _is_name_label(line: str) -> bool:
    label = _FIELD_LABEL.match(line.strip())
    return bool(label) and re.sub(r"\s", "", label["label"]) in ("会社名", "上場会社名", "団体名", "法人名")


def is_date_line(line: str) -> bool:
    """A line that is only a date (`令和6年7月23日`, `2024.06.03 更新`)."""
    rest, position = [], 0
    for found in find_dates(line):
        rest.append(line[position:found.start])
        position = found.end
    if not position:
        return False
    rest.append(line[position:])
    return not _DATE_WORDS.sub("", "".join(rest))


def parse_heading(heading: str, casebook_post: bool, strict: bool = False) -> HeadingParts:
    """Split a normalised heading into its parts (see the module docstring)."""
    prefix = _PREFIX.match(heading)
    case_number = f"{prefix['y']}-{prefix['n'].zfill(3)}" if prefix else None
    # A casebook mark without its number (`【セキュリティ事件簿#2022】`) is no case id, but it
    # is still no part of the issuer's name or the headline.
    body_start = prefix.end() if prefix else _BROKEN_PREFIX.match(heading).end()
    tail_end = len(heading.rstrip())
    date = _TRAILING_DATE.search(heading, max(body_start, tail_end - _DATE_TAIL), tail_end)
    published = None
    body_end = tail_end
    if date and _valid(date):
        published = f"{date['y']}-{int(date['m']):02d}-{int(date['d']):02d}"
        body_end = date.start()
    while body_end > body_start and heading[body_end - 1].isspace():
        body_end -= 1
    case_span = Span(0, prefix.end()) if prefix else None
    date_span = Span(date.start("y"), date.end()) if published and date else None
    if casebook_post and not prefix:
        # An unrelated blog post (travel report, commentary): the whole line is its title.
        return HeadingParts(None, None, None, "none", Span(0, len(heading)), None, None)
    byline = _BYLINE.search(heading, max(body_start, body_end - _BYLINE_TAIL), body_end)
    if byline and _ORG_SHAPED.match(byline["org"]) and plausible_name(byline["org"]):
        # A news-style headline signed at its end: `…メアド流出 - 滋賀県`.
        title = Span(body_start, byline.start())
        return HeadingParts(case_span, case_number, Span(byline.start("org"), byline.end("org")),
                            "heading_byline", title, published, date_span)
    org, rule, title = _split_organization(heading, body_start, body_end, strict)
    return HeadingParts(case_span, case_number, org, rule, title, published, date_span)


def _split_organization(heading: str, start: int, end: int,
                        strict: bool) -> tuple[Span | None, str, Span]:
    """`strict`: the release names its issuer elsewhere, so a first word counts as a name only
    when it is shaped like one (`株式会社…`, `…大学`), not merely free of headline words."""
    body = heading[start:end]
    first, space, rest = body.partition(" ")
    shaped = (bool(_ORG_SHAPED.match(first)) and not _HEADLINE_WORD.search(first)
              and plausible_name(first))
    if space and rest.strip() and (shaped if strict else _is_organization(first)):
        title_start = start + len(first) + 1
        while title_start < end and heading[title_start].isspace():
            title_start += 1
        return Span(start, start + len(first)), "heading_first_word", Span(title_start, end)
    title = Span(start, end)
    leading = _LEADING_ORG.match(body)
    org_text = _strip_person_words(leading["org"]) if leading else ""
    if leading and not _HEADLINE_WORD.search(leading["org"]) and plausible_name(org_text):
        return Span(start, start + len(org_text)), "heading_leading_name", title
    place = _MUNICIPALITY.search(body)
    if place and plausible_name(place.group(0)):
        return Span(start + place.start(), start + place.end()), "heading_municipality", title
    return None, "none", title


def _is_organization(word: str) -> bool:
    """An organisation's name rather than the start of a headline.

    Kept: `白井市`, `株式会社ポケモン`, `富士ソフト`. Dropped: `公立甲賀病院における個人情報を含む`.
    """
    if not plausible_name(word):
        return False
    if _ORG_SHAPED.match(word) and not re.search("における|による|への|について|に関する", word):
        return True
    # An unshaped first word is a name (`富士ソフト`) only when it is no phrase (`〇〇の不具合`).
    return not _HEADLINE_WORD.search(word) and "の" not in word


def _strip_person_words(org: str) -> str:
    for word in sorted(_ORG["person_words"], key=len, reverse=True):
        if org.endswith(word) and len(org) > len(word):
            return org[: -len(word)]
    return org


def _valid(date: re.Match[str]) -> bool:
    return 1 <= int(date["m"]) <= 12 and 1 <= int(date["d"]) <= 31
