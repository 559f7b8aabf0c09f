"""Fault rules: which sandbox requests fail persistently, as data (``METHOD PATH_GLOB=STATUS``).

Pure standard library, so the noxfile (outside every session venv) can check
``IMEDNET_LIVE_SANDBOX_FAIL`` before it starts anything. In a glob, ``*`` matches within
one path segment, ``**`` across segments and ``?`` one character; ``*`` as the method
matches any method. Several rules in one variable are separated by ``;``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus

from imednet_live.core.api_paths import API_PREFIX

_ERROR_STATUSES = frozenset(s.value for s in HTTPStatus if 400 <= s.value <= 599)
__all__ = [
    "RULE_SEPARATOR",
    "RULE_SYNTAX",
    "FaultRule",
    "FaultRuleError",
    "parse_rule",
    "parse_rules",
]
RULE_SEPARATOR = ";"
RULE_SYNTAX = f"METHOD PATH_GLOB=STATUS, e.g. 'GET {API_PREFIX}/studies/*/records=500'"
_METHOD = re.compile(r"^(\*|[A-Z]+)$")


class FaultRuleError(ValueError):
    """A malformed rule; the message is one line naming it."""


@dataclass(frozen=True)
class FaultRule:
    """Requests matching ``method`` and ``path_glob`` answer ``status``, after ``delay_s``.

    A delay longer than the client's timeout makes the request time out on the client
    side; the late answer is still an error, so a timed-out write is never applied.
    """

    method: str
    path_glob: str
    status: int
    delay_s: float = 0.0
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", re.compile(_glob_to_regex(self.path_glob)))

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method.upper())) and self._pattern.fullmatch(path) is not None

    def __str__(self) -> str:
        return f"{self.method} {self.path_glob}={self.status}"


def _glob_to_regex(glob: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            parts.append(".*")
            i += 2
        elif glob[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(glob[i]))
            i += 1
    return "".join(parts)


def parse_rule(text: str) -> FaultRule:
    """A rule in RULE_SYNTAX -> FaultRule; FaultRuleError otherwise."""
    rule = text.strip()
    head, sep, status_text = rule.rpartition("=")
    words = head.split()
    problem = None
    if not sep or len(words) != 2:
        problem = "expected"
    elif not _METHOD.match(words[0]):
        problem = f"the method must be upper-case letters or *, got {words[0]!r}; expected"
    elif not words[1].startswith("/"):
        problem = f"the path glob must start with /, got {words[1]!r}; expected"
    elif not status_text.strip().isdigit() or int(status_text) not in _ERROR_STATUSES:
        problem = (
            f"the status must be an HTTP error status (4xx/5xx), got {status_text!r}; expected"
        )
    if problem:
        raise FaultRuleError(f"bad fault rule {text!r}: {problem} {RULE_SYNTAX}")
    return FaultRule(words[0], words[1], int(status_text))


def parse_rules(text: str) -> tuple[FaultRule, ...]:
    """Rules separated by ``;`` (blank entries ignored), as IMEDNET_LIVE_SANDBOX_FAIL holds them."""
    return tuple(parse_rule(part) for part in text.split(RULE_SEPARATOR) if part.strip())
