"""The personal values a run has seen, and replacing them wherever they appear in text.

One pass over a text whatever the registry's size: values are indexed by their first
characters, so the scan does not grow with the number of known values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice

from imednet_live.recording.cut_values import replace_cut
from imednet_live.recording.dates import DATE_IN_TEXT, DATETIME_REPR


@dataclass(frozen=True)
class Personal:
    """A personal value the scrubber replaced: which field held it, and what replaced it."""

    field: str
    replacement: str


def replace_known(text: str, personal: Mapping[str, Personal], dates: Mapping[str, str]) -> str:
    """``text`` with each known personal value (the longest where two start at one place)
    and subject day replaced, in one pass over the text whatever the registry's size."""
    if personal:
        text = replace_cut(_matcher(personal).sub(text), personal, _replacement)
    if not dates:
        return text
    text = replace_cut(text, dates)

    def iso(m: re.Match[str]) -> str:
        return dates.get(m.group(0), m.group(0))

    def pyrepr(m: re.Match[str]) -> str:
        day = dates.get(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}")
        if day is None:
            return m.group(0)
        head = m.group(0)[: m.group(0).index("(") + 1]
        return f"{head}{int(day[:4])}, {int(day[5:7])}, {int(day[8:10])}"

    return DATETIME_REPR.sub(pyrepr, DATE_IN_TEXT.sub(iso, text))


def _replacement(found: Personal) -> str:
    return found.replacement


# A whole run of digits: a left-to-right scan starts each match where a run starts and
# takes it all, so no look-around is needed (it made the scan of a recording 2x slower).
STANDALONE_NUMBER = re.compile(r"\d+")


PREFIX = 4  # characters of a value that index it (MIN_PERSONAL_LENGTH: every value has them)


@dataclass
class _Matcher:
    """Finds a registry's values in one scan of a text, whatever the registry's size.

    A pattern of the values' distinct first characters (a prefix tree, small: values
    share their beginnings) marks where one may start; the index then looks up that
    place's text at each length its values have, longest first, so the leftmost, then
    longest, value is replaced (a pass per value cost a live job seconds on a large study;
    trying each value of a shared beginning, as 2,000 subject keys ``PAT-...`` share one,
    cost most of the boundary's time: bench_output_boundary). A registry only grows: values are
    indexed as they come, and the pattern is compiled again only when the beginnings
    not in it outnumber those in it (they are searched for one by one until then).
    """

    personal: Mapping[str, Personal]
    indexed: int = 0  # the first ``indexed`` values of ``personal`` are in ``index``
    index: dict[str, set[str]] = field(default_factory=dict)  # beginning -> its values
    lengths: dict[str, list[int]] = field(default_factory=dict)  # beginning -> longest first
    compiled: frozenset[str] = frozenset()  # the beginnings in ``pattern``
    pattern: re.Pattern[str] | None = None
    numbers: bool = False  # the registry holds numbers (replaced only where alone)
    short: list[str] = field(default_factory=list)  # values too short to index (none by rule)

    def refresh(self) -> None:
        if self.indexed < len(self.personal):
            for value in islice(self.personal, self.indexed, None):
                if value.isdigit():
                    self.numbers = True
                elif len(value) < PREFIX:
                    self.short.append(value)
                elif value:
                    self.index.setdefault(value[:PREFIX], set()).add(value)
                    lengths = self.lengths.setdefault(value[:PREFIX], [])
                    if len(value) not in lengths:
                        lengths.append(len(value))
                        lengths.sort(reverse=True)
            self.indexed = len(self.personal)
        added = len(self.index) - len(self.compiled)
        if added > max(RECOMPILE_AFTER, len(self.compiled)):
            self.compiled = frozenset(self.index)
            self.pattern = re.compile(_prefix_tree(sorted(self.compiled)))

    def starts(self, text: str) -> list[int]:
        found = []
        match = self.pattern.search(text) if self.pattern else None
        while match is not None:  # from the next character on: beginnings may overlap
            found.append(match.start())
            match = self.pattern.search(text, match.start() + 1)  # type: ignore[union-attr]
        for beginning in self.index.keys() - self.compiled if self.pattern else self.index:
            start = text.find(beginning)
            while start >= 0:
                found.append(start)
                start = text.find(beginning, start + 1)
        return sorted(found)

    def sub(self, text: str) -> str:
        self.refresh()
        parts, cursor = [], 0
        for start in self.starts(text) if self.index else ():
            if start < cursor:
                continue
            beginning = text[start : start + PREFIX]
            values = self.index.get(beginning)
            for length in self.lengths[beginning] if values else ():
                value = text[start : start + length]
                if value in values:  # type: ignore[operator]
                    parts += [text[cursor:start], self.personal[value].replacement]
                    cursor = start + length
                    break
        if parts:
            text = "".join([*parts, text[cursor:]])
        for value in self.short:
            text = text.replace(value, self.personal[value].replacement)
        if self.numbers:
            text = STANDALONE_NUMBER.sub(self._number, text)
        return text

    def _number(self, m: re.Match[str]) -> str:
        found = self.personal.get(m.group(0))
        return found.replacement if found is not None else m.group(0)


# Beginnings added since the last compile that are searched for one by one before compiling.
RECOMPILE_AFTER = 64
_MATCHERS: dict[int, _Matcher] = {}


def _matcher(personal: Mapping[str, Personal]) -> _Matcher:
    """The registry's matcher, kept while the registry lives (by identity)."""
    found = _MATCHERS.get(id(personal))
    if found is None or found.personal is not personal:
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        found = _MATCHERS[id(personal)] = _Matcher(personal)
    return found


def _prefix_tree(words: list[str]) -> str:
    """A regex alternation of ``words`` (sorted, non-empty) as a prefix tree, longest first."""
    branches = []
    start = 0
    while start < len(words):
        end = start + 1
        while end < len(words) and words[end][0] == words[start][0]:
            end += 1
        group = words[start:end]
        first, last = group[0], group[-1]  # sorted: their common prefix is the group's
        shared = 0
        while shared < min(len(first), len(last)) and first[shared] == last[shared]:
            shared += 1
        common = first[:shared]
        rest = [w[len(common) :] for w in group]
        optional = "" in rest
        tails = sorted({r for r in rest if r})
        piece = re.escape(common)
        if tails:
            piece += f"(?:{_prefix_tree(tails)}){'?' if optional else ''}"
        branches.append(piece)
        start = end
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
