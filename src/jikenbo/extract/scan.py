"""Scanning text for a long alternation in a fraction of the time `re` takes, with the same matches.

Python's `re` jumps straight to the places a match can begin only when a pattern opens with one
literal or one character class. A cue table joined into one alternation (`不正アクセス|…|(サーバ|
ネットワーク)[^。]{0,10}侵入`) opens with neither, so `finditer` tries every branch at every
character: such scans took about half of extraction's time. A `Scanner` reads the pattern once
to learn which characters a match can begin with, finds those characters with one class search
(which `re` runs at full speed) and tries the whole pattern only there.

That is exact, not a heuristic: a match can only start on one of those characters, and
`pattern.match` at a position gives the very match `finditer` finds there (lookbehinds still see
the text before it). So `Scanner(p).finditer(text)` yields what `p.finditer(text)` yields, in the
same order, and a pattern the reading does not cover (one that can match the empty string, or
opens with `.` or a negated class, where nearly every character is a start) is scanned as before.

Most cue patterns match nowhere in a given post, yet each scan reads the whole text, and a post
is read by some two hundred of them. The reading also learns a few strings one of which every
match must contain — `(漏えい|漏洩|流出)し、` needs `漏えいし、`, `漏洩し、` or `流出し、` — and
`str.find` tells whether the text holds one far faster than `re` reads it for the pattern. A text
holding none of them has no match: the scan is skipped, which is exact as well.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre  # the parse tree of the standard library's own parser
from re import _parser

_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)  # consume nothing: the next item starts
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_DENSE = 64  # failed tries within twice as many characters: the start class is no filter here
_CLASSES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}
_SPELLINGS = 32  # a part of a pattern spelt more ways than this is not listed
_CHECKS = 6  # at most this many strings are looked for before a scan
_HEADS = 400  # ways a match may open: more are not paired with their second characters


class _Unbounded(Exception):
    """The pattern can start on (nearly) any character, or on one we do not read."""


class Scanner:
    """`finditer` of one compiled pattern (same `pos` and `endpos`), trying the pattern only
    where a match can start; a pattern `re` already skips ahead in is left to `re`.

    >>> [m.group() for m in Scanner(re.compile("(サーバ|システム)[^。]{0,10}侵入|ハッキング"))
    ...  .finditer("サーバへのハッキング。システムに侵入された")]
    ['ハッキング', 'システムに侵入']
    """

    def __init__(self, pattern: re.Pattern[str] | str) -> None:
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        starts = None if _skips_ahead(self.pattern) else first_characters(self.pattern)
        if starts and _first_of_run_only(self.pattern, starts):
            starts += "+"  # one try per run of start characters: `2024` is tried at `2` only
        elif starts:
            starts += second_characters(self.pattern) or ""
        self.starts = re.compile(starts, self.pattern.flags) if starts else None
        self.needs = required_strings(self.pattern)

    def finditer(self, text: str, pos: int = 0,
                 endpos: int | None = None) -> Iterator[re.Match[str]]:
        # Not a generator itself: most calls end at the check of needed strings, and a scan
        # `re` runs alone is handed over as it is (a post meets some hundred scans).
        end = len(text) if endpos is None else endpos
        if self.needs and not self.may_match(text, pos, end):
            return iter(())
        if self.starts is None:
            return self.pattern.finditer(text, pos, end)
        return self._tried(text, pos, end)

    def _tried(self, text: str, pos: int, end: int) -> Iterator[re.Match[str]]:
        match_at = self.pattern.match
        misses, since = 0, pos  # failed tries, and where the current run of them began
        for start in self.starts.finditer(text, pos, end):
            at = start.start()
            if at < pos:  # inside the match found last
                continue
            found = match_at(text, at, end)
            if found is not None:
                yield found
                pos = found.end()
                misses, since = 0, pos
                continue
            misses += 1
            if misses == _DENSE and at - since < 2 * _DENSE:
                # Nearly every character is a start here (a run of digits): `re` scans such
                # text faster than a try per character, and from `at + 1` on finds the same.
                yield from self.pattern.finditer(text, at + 1, end)
                return
            if misses == _DENSE:
                misses, since = 0, at


    def may_match(self, text: str, pos: int, end: int) -> bool:
        """Whether [pos, end) of `text`, where a match would lie, holds a string it needs."""
        if pos == 0 and end == len(text):  # the usual call: `in` on the whole text is cheapest
            return any(map(text.__contains__, self.needs))
        return any(text.find(need, pos, end) >= 0 for need in self.needs)


def first_characters(pattern: re.Pattern[str]) -> str | None:
    """A character class holding every character a match of `pattern` can begin with, or None
    when there is no such short list or the pattern can match the empty string.

    >>> first_characters(re.compile(r"(?<!\\d)(令和|平成)\\d+年|[RH]\\d"))
    '[令平RH]'
    """
    if pattern.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        chars, can_be_empty = _first(_parser.parse(pattern.pattern, pattern.flags).data)
    except _Unbounded:
        return None
    if can_be_empty or not chars:
        return None
    return "[" + "".join(dict.fromkeys(chars)) + "]"


def second_characters(pattern: re.Pattern[str]) -> str | None:
    """Lookarounds that keep, of the places `first_characters` finds, those whose next
    character can follow that first one, or None when no such check is known.

    Most tries at a start character fail at once on the next character (`不` of 不具合 where
    only 不正 can begin a match): `re` checks the pair itself, so the pattern is tried only
    where a match's first two characters stand. The check is exact like the first one: a
    match's first character is a literal or a class, and its second one is among what the rest
    of its branch can begin with (any character, when the rest can be empty).

    >>> second_characters(re.compile("不正アクセス|不具合|情報"))
    '(?:(?<=[不])(?=[正具])|(?<=[情])(?=[報]))'
    """
    if pattern.flags & (re.IGNORECASE | re.LOCALE):
        return None
    try:
        heads = _heads(list(_parser.parse(pattern.pattern, pattern.flags).data))
    except _Unbounded:
        return None
    if len(heads) > _HEADS:
        return None
    following: dict[str, list[str] | None] = {}  # first character → what may follow it
    for firsts, seconds in heads:
        for first in firsts:
            known = following.setdefault(first, [])
            following[first] = None if seconds is None or known is None else known + seconds
    if all(seconds is None for seconds in following.values()):
        return None
    grouped: dict[str | None, list[str]] = {}  # chars of the second → first characters
    for first, seconds in following.items():
        key = None if seconds is None else "".join(dict.fromkeys(seconds))
        grouped.setdefault(key, []).append(first)
    return "(?:" + "|".join(f"(?<=[{''.join(firsts)}])" + (f"(?=[{seconds}])" if seconds else "")
                            for seconds, firsts in grouped.items()) + ")"


def _heads(items: list) -> list[tuple[list[str], list[str] | None]]:
    """(first character as class items, class items of the second or None) for each way a
    match of the sequence `items` opens."""
    while items and items[0][0] in _ZERO_WIDTH:
        items = items[1:]
    if not items:
        raise _Unbounded
    op, value = items[0]
    if op is sre.SUBPATTERN and not (value[1] or value[2]):
        return _heads(list(value[3].data) + items[1:])
    if op is sre.BRANCH:
        heads = [head for branch in value[1] for head in _heads(list(branch.data) + items[1:])]
        if len(heads) > _HEADS:
            raise _Unbounded
        return heads
    if op not in (sre.LITERAL, sre.IN):  # a repeat, a group with flags: the first check only
        return [(_first(items)[0], None)]
    firsts = _first(items[:1])[0]
    try:
        seconds, can_be_empty = _first(items[1:])
    except _Unbounded:
        return [(firsts, None)]
    return [(firsts, None if can_be_empty or not seconds else seconds)]


def required_strings(pattern: re.Pattern[str]) -> tuple[str, ...]:
    """A few strings one of which every match of `pattern` contains, or () when the pattern
    has no such short list (or ignores case, where each would need every spelling).

    >>> required_strings(re.compile(r"(?<!\\d)(漏えい|流出)(が|を)?確認|漏洩を確認"))
    ('確認',)
    """
    if pattern.flags & (re.IGNORECASE | re.LOCALE):
        return ()
    best = _best(_needed(_parser.parse(pattern.pattern, pattern.flags).data), _CHECKS)
    return tuple(sorted(best)) if best else ()


def _best(options: list[frozenset[str]], most: int) -> frozenset[str] | None:
    """The most telling option of at most `most` strings: the longest shortest string, then
    the fewest strings (`流出し、` tells more than `し、`)."""
    usable = [option for option in options if len(option) <= most]
    return max(usable, key=lambda option: (min(map(len, option)), -len(option)), default=None)


def _needed(items: list) -> list[frozenset[str]]:
    """Options of strings, one of which a match of the sequence `items` contains in each
    option: its runs of parts spelt a few ways (`流出(し|さ)れ`), its runs of parts spelt one
    way (`確認`), and what the parts it must go through need."""
    options: list[frozenset[str]] = []
    run, fixed = [""], ""
    for item in items:
        options += _needed_in(item)
        spellings = _spellings([item])
        if spellings is None:
            run, fixed = _closed(options, run, fixed)
            continue
        if len(spellings) > 1 or "" in spellings:
            fixed = _closed(options, [], fixed)[1]
        elif spellings:
            fixed += next(iter(spellings))
        joined = [a + b for a in run for b in spellings]
        if len(joined) > _SPELLINGS:
            run = _closed(options, run, "")[0]
            joined = list(spellings)
        run = joined
    _closed(options, run, fixed)
    return options


def _closed(options: list[frozenset[str]], run: list[str], fixed: str) -> tuple[list[str], str]:
    """Adds a finished run and a finished fixed string to `options`; returns fresh ones."""
    if run and "" not in run:
        options.append(frozenset(run))
    if fixed:
        options.append(frozenset({fixed}))
    return [""], ""


def _needed_in(item: tuple) -> list[frozenset[str]]:
    """What one part a match must go through (a group, an alternation, a repeat) needs."""
    op, value = item
    if op is sre.SUBPATTERN and not value[1] & (re.IGNORECASE | re.LOCALE):
        return _needed(value[3].data)
    if op is sre.ATOMIC_GROUP:
        return _needed(value.data)
    if op in _REPEATS and value[0] >= 1:
        return _needed(value[2].data)
    if op is sre.BRANCH:
        joined: set[str] = set()
        for branch in value[1]:  # the fewest strings from each branch keep the union short
            own = min(_needed(branch.data), key=lambda option: (len(option), -min(map(len, option))),
                      default=None)
            if not own:
                return []
            joined |= own
        # A text holding `漏洩を確認` holds `確認`: the longer string adds nothing.
        return [frozenset(one for one in joined
                          if not any(other != one and other in one for other in joined))]
    return []


def _spellings(items: list) -> frozenset[str] | None:
    """Every text the sequence `items` can consume, when that is a short list; lookarounds and
    anchors consume nothing, so the text on either side of them is one piece of the match."""
    out = frozenset({""})
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            part = frozenset({chr(value)})
        elif op is sre.IN:
            part = _listed(value)
        elif op is sre.SUBPATTERN:
            part = None if value[1] & (re.IGNORECASE | re.LOCALE) else _spellings(value[3].data)
        elif op is sre.BRANCH:
            parts = [_spellings(branch.data) for branch in value[1]]
            part = None if None in parts else frozenset().union(*parts)
        elif op in _REPEATS and value[1] <= 3:
            part = _repeated(_spellings(value[2].data), value[0], value[1])
        else:
            part = None
        if part is None:
            return None
        out = frozenset(a + b for a in out for b in part)
        if len(out) > _SPELLINGS:
            return None
    return out


def _repeated(body: frozenset[str] | None, low: int, high: int) -> frozenset[str] | None:
    if body is None:
        return None
    out, current = set(), {""}
    for count in range(high + 1):
        if count >= low:
            out |= current
        current = {a + b for a in current for b in body}
        if len(out) + len(current) > _SPELLINGS:
            return None
    return frozenset(out)


def _listed(items: list) -> frozenset[str] | None:
    """The characters of a class written as a short list (`[がを]`), else None."""
    chars: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            chars.add(chr(value))
        elif op is sre.RANGE and value[1] - value[0] < _SPELLINGS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negated class, a category (\d holds every script's digits), a long range
            return None
    return frozenset(chars) if len(chars) <= _SPELLINGS else None


def _first_of_run_only(pattern: re.Pattern[str], starts: str) -> bool:
    """Whether a match can begin only on the first of a run of start characters: the pattern
    opens with a lookbehind refusing a character before it (`(?<!\\d)\\d{4}年`) that every
    start character is. A start inside a run has one of them before it, so it is refused."""
    items = _parser.parse(pattern.pattern, pattern.flags).data
    if not items or items[0][0] is not sre.ASSERT_NOT or items[0][1][0] != -1:
        return False
    behind = items[0][1][1].data
    if len(behind) != 1 or behind[0][0] not in (sre.LITERAL, sre.IN):
        return False
    refused = [behind[0]] if behind[0][0] is sre.LITERAL else behind[0][1]
    try:
        refusing = re.compile("[" + "".join(_class_items(refused)) + "]", pattern.flags)
    except _Unbounded:
        return False
    return all(_refused(item, refused, refusing) for item in _parser.parse(starts).data[0][1])


def _refused(item: tuple, refused: list, refusing: re.Pattern[str]) -> bool:
    """Whether every character of the class item `item` is one `refusing` matches."""
    op, value = item
    if op is sre.CATEGORY:  # \d: only the same category holds all of its characters
        return item in refused
    low, high = (value, value) if op is sre.LITERAL else value
    return high - low < _SPELLINGS and all(refusing.fullmatch(chr(code))
                                           for code in range(low, high + 1))


def alphabet(*patterns: str) -> str | None:
    """The inside of a character class holding every character a match of any of `patterns`
    can consume, or None when one of them can consume (nearly) any character.

    >>> alphabet(r"^[A-Z][0-9]{1,3}$", "(等|など)?$")
    'A-Z0-9等など'
    """
    chars: list[str] = []
    try:
        for pattern in patterns:
            chars += _consumed(_parser.parse(pattern).data)
    except _Unbounded:
        return None
    return "".join(dict.fromkeys(chars))


def _consumed(items: list) -> list[str]:
    chars: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            chars.append(re.escape(chr(value)))
        elif op is sre.IN:
            chars += _class_items(value)
        elif op is sre.SUBPATTERN:
            chars += _consumed(value[3].data)
        elif op is sre.BRANCH:
            for branch in value[1]:
                chars += _consumed(branch.data)
        elif op in _REPEATS:
            chars += _consumed(value[2].data)
        elif op not in _ZERO_WIDTH:  # ., a negated literal, a back reference
            raise _Unbounded
    return chars


def _skips_ahead(pattern: re.Pattern[str]) -> bool:
    """Whether `re` finds the starts itself: the pattern opens with a literal or a class, or
    with an alternation every branch of which opens with a literal."""
    items = _parser.parse(pattern.pattern, pattern.flags).data
    while items and items[0][0] is sre.SUBPATTERN and not any(items[0][1][1:3]):
        items = items[0][1][3].data
    if not items:
        return False
    op, value = items[0]
    if op is sre.BRANCH:
        return all(branch.data and branch.data[0][0] is sre.LITERAL for branch in value[1])
    return op in (sre.LITERAL, sre.IN)


def _first(items: list) -> tuple[list[str], bool]:
    """(class items a match of the sequence `items` can begin with, whether it can be empty)."""
    chars: list[str] = []
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return chars + [re.escape(chr(value))], False
        if op is sre.IN:
            return chars + _class_items(value), False
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, body = value
            if add_flags or del_flags:
                raise _Unbounded
            inner, can_be_empty = _first(body.data)
        elif op is sre.ATOMIC_GROUP:
            inner, can_be_empty = _first(value.data)
        elif op is sre.BRANCH:
            inner, can_be_empty = [], False
            for branch in value[1]:
                more, empty = _first(branch.data)
                inner, can_be_empty = inner + more, can_be_empty or empty
        elif op in _REPEATS:
            low, _, body = value
            inner, can_be_empty = _first(body.data)
            can_be_empty = can_be_empty or low == 0
        else:  # ., a negated literal, a back reference: no short list of starts
            raise _Unbounded
        chars += inner
        if not can_be_empty:
            return chars, False
    return chars, True


def _class_items(items: list) -> list[str]:
    out = []
    for op, value in items:
        if op is sre.LITERAL:
            out.append(re.escape(chr(value)))
        elif op is sre.RANGE:
            out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is sre.CATEGORY and value in _CLASSES:
            out.append(_CLASSES[value])
        else:  # a negated class ([^。]) matches nearly everything
            raise _Unbounded
    return out
