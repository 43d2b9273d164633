"""The matches of several patterns in text order, from one scan of the text instead of one each.

A table of phrases (the leak-status entries) is searched entry by entry, each entry's matches
merged by start, an earlier entry first on a tie: `heapq.merge(*(s.finditer(text) for s in
scanners), key=start)`. That reads the text once per entry, some thirty times. A `ScannerSet`
reads it once, for the characters any entry's match can begin with, and at each such place tries
the entries that can begin there, in table order, each from where its last match ended.

That yields the very same matches in the same order: an entry's `finditer` finds at each place
what `pattern.match` finds there, and never a match starting inside its previous one. Where
nearly every character is a start (a run of one start character), trying entries one by one
in Python would cost more than `re` does: the rest of the text is then handed to the merge.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from heapq import merge

from jikenbo.extract.scan import Scanner, first_characters

_DENSE = 256  # failed tries after the last match: hand the rest over when they crowd together


class ScannerSet:
    """The merged `finditer` of `scanners`, by start, an earlier scanner first on a tie.

    >>> [m.group() for m in ScannerSet([Scanner("流出し"), Scanner("流出|漏えい")])
    ...  .finditer("漏えいが判明し、流出した")]
    ['漏えい', '流出し', '流出']
    """

    def __init__(self, scanners: list[Scanner]) -> None:
        self.scanners = scanners
        classes = [first_characters(scanner.pattern) for scanner in scanners]
        self.classes = ([re.compile(found) for found in classes]
                        if classes and None not in classes else None)
        # One class of every entry's start characters, so that `re` skips to them itself.
        self.starts = (re.compile("[" + "".join(found[1:-1] for found in classes) + "]")
                       if self.classes else None)
        self._tried_at: dict[str, tuple[int, ...]] = {}  # start character → scanners

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        # Entries are not ruled out first by the strings they need (Scanner.may_match): a try
        # where an entry cannot match fails at once, looking for thirty entries' strings does not.
        if self.starts is None:
            yield from self._merged(text, [0] * len(self.scanners))
            return
        free = [0] * len(self.scanners)  # where each scanner's next match may start
        misses, since = 0, 0
        for start in self.starts.finditer(text):
            at = start.start()
            for number in self._tried(text[at]):
                if at < free[number]:
                    continue
                found = self.scanners[number].pattern.match(text, at)
                if found is None:
                    misses += 1
                    continue
                free[number] = found.end()
                misses, since = 0, found.end()
                yield found
            if misses >= _DENSE and at - since < _DENSE:
                # Every scanner's matches from here on are what its own scan finds.
                yield from self._merged(text, [max(at + 1, place) for place in free])
                return
            if misses >= _DENSE:
                misses, since = 0, at

    def _tried(self, char: str) -> tuple[int, ...]:
        """The scanners whose matches can begin with `char`, in table order."""
        numbers = self._tried_at.get(char)
        if numbers is None:
            assert self.classes is not None
            numbers = tuple(number for number, starts in enumerate(self.classes)
                            if starts.match(char))
            self._tried_at[char] = numbers
        return numbers

    def _merged(self, text: str, free: list[int]) -> Iterator[re.Match[str]]:
        return merge(*(scanner.finditer(text, place) for scanner, place in zip(self.scanners, free)),
                     key=lambda match: match.start())
