"""Shift a date by whole days and write it back in exactly the format it came in.

A small strict parser rather than a library: the iMednet API writes dates as
``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS`` (with or without fractional seconds) or ISO 8601
with ``T`` and ``Z``/offset, and a shift by whole days changes only the ``YYYY-MM-DD``
part; parsing the rest (as dateutil would) could only lose its spelling (precision,
separator, zone), which replay and drift's type checks depend on.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?P<rest>[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
# Dates inside free text (failure messages, logs): ISO-shaped and Python's repr of one.
DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# ``datetime.date(1954, 10, 15)`` as Python prints it; its module may be cut off in front
# by a shortened repr (``...tetime.datetime(1954, 10, 15``), so only the type is required.
# No \\b in front: a pattern that starts with a word literal is searched for quickly
# (a 4 MB recording in 1 ms, not 35 ms).
DATETIME_REPR = re.compile(r"(?:datetime|date)\((\d{4}), (\d{1,2}), (\d{1,2})")


def parse_day(text: str) -> date | None:
    """The calendar day of an API date string, or None if it is not one."""
    match = DATE.match(text)
    if match is None:
        return None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def shift(text: str, days: int) -> str | None:
    """``text`` moved by ``days``, every character after the day kept; None if not a date."""
    day = parse_day(text)
    if day is None:
        return None
    try:
        moved = day + timedelta(days=days)
    except OverflowError:
        return None
    return f"{moved.year:04d}-{moved.month:02d}-{moved.day:02d}{text[10:]}"
