"""Personal values that a repr cut in two: the piece on either side of pytest's ``...``.

pytest shortens a long repr (an assertion's explanation, a ``-l`` local) to its head and
tail joined by ``...``, and the cut may fall inside a value: ``'PAT-55...21 lives'``. No
scrub after that finds the whole value, so the pieces that touch a ``...`` are looked up
among the beginnings and endings of the run's values. This needs no hook into pytest's
private repr code, and it holds for any writer that shortens text the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

# Three dots not part of a longer run (pytest's progress line is a run of dots).
ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
MIN_PIECE = 3  # a piece shorter than this names no one (and would match everywhere)
MAX_PIECE = 120  # pytest keeps at most half of a 240-character repr on either side


@dataclass
class _Pieces:
    """Beginnings and endings of a registry's values, grown as the registry grows (it
    only grows, so the values indexed so far stay valid)."""

    source: Mapping[str, Any]
    replacement: Callable[[Any], str]
    indexed: int = 0
    heads: dict[str, str] = field(default_factory=dict)  # beginning -> replacement
    tails: dict[str, str] = field(default_factory=dict)  # ending -> replacement
    longest: int = 0

    def grown(self) -> _Pieces:
        if self.indexed < len(self.source):
            for value in islice(self.source, self.indexed, None):
                replacement = self.replacement(self.source[value])
                for k in range(MIN_PIECE, min(len(value), MAX_PIECE + 1)):
                    self.heads.setdefault(value[:k], replacement)
                    self.tails.setdefault(value[-k:], replacement)
                self.longest = max(self.longest, min(len(value) - 1, MAX_PIECE))
            self.indexed = len(self.source)
        return self


_CACHE: dict[int, _Pieces] = {}


def _pieces(values: Mapping[str, Any], replacement: Callable[[Any], str]) -> _Pieces:
    found = _CACHE.get(id(values))
    if found is None or found.source is not values:
        if len(_CACHE) > 8:  # one registry per run: a few at most, in tests
            _CACHE.clear()
        found = _CACHE[id(values)] = _Pieces(values, replacement)
    return found.grown()


def replace_cut(
    text: str, values: Mapping[str, Any], replacement: Callable[[Any], str] = str
) -> str:
    """``text`` with each piece of a known value that touches a ``...`` replaced by
    ``replacement(values[value])`` (the longest piece that matches on each side).

    ``values`` must only grow while it is in use (the registry's maps do): its pieces
    are indexed once, by identity.
    """
    cuts = list(ELLIPSIS.finditer(text)) if "..." in text and values else []
    if not cuts:  # the pieces are indexed only once some text holds a cut
        return text
    pieces = _pieces(values, replacement)
    out: list[str] = []
    pos = 0  # text[:pos] is decided
    for m in cuts:
        start, end = m.start(), m.end()
        if start < pos:  # the tail piece of the previous cut ran over this one
            continue
        for k in range(min(pieces.longest, start - pos), MIN_PIECE - 1, -1):
            head = pieces.heads.get(text[start - k : start])
            if head is not None:
                out += [text[pos : start - k], head]
                pos = start
                break
        out.append(text[pos:end])
        pos = end
        for k in range(min(pieces.longest, len(text) - end), MIN_PIECE - 1, -1):
            tail = pieces.tails.get(text[end : end + k])
            if tail is not None:
                out.append(tail)
                pos = end + k
                break
    out.append(text[pos:])
    return "".join(out)
