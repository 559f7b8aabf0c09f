"""The iMednet ``filter`` / ``recordDataFilter`` grammar: parse once, evaluate per item.

Pure module (no HTTP, no sandbox state) so the grammar can be tested exhaustively on its own.

Grammar (RSQL-like, as the vendor docs describe it; AND binds tighter than OR)::

    expr  := conj (("," | "or") conj)*
    conj  := term ((";" | "and") term)*
    term  := "(" expr ")" | ATTR OP VALUE
    OP    := "==" | "!=" | "<=" | ">=" | "<" | ">" | "=~" | "~="   (the last two: contains)
    VALUE := '"' (char | '\\"' | '\\\\')* '"' | unquoted run up to whitespace ; , ( )

Comparison is typed by the item's value: booleans case-insensitively (the SDK sends ``True``),
numbers as numbers, date-like strings as datetimes, other strings exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "=~", "~=")
CONTAINS = "=~"

_ATTR = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
# Longest operators first so "<=" is not read as "<".
_OP = re.compile(r"==|!=|<=|>=|=~|~=|<|>")
_UNQUOTED = re.compile(r"[^\s;,()\"]+")
_WORD_CONNECTOR = re.compile(r"\s+(and|or)\s+", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class FilterSyntaxError(ValueError):
    """The filter text does not follow the grammar; the message names the position."""


def _parse_datetime(text: str) -> datetime | None:
    if not _DATE_LIKE.match(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


@dataclass(frozen=True)
class Literal:
    """A filter value with every interpretation computed once, at parse time."""

    text: str
    quoted: bool = False
    lowered: str = field(init=False, repr=False, compare=False)
    number: float | None = field(init=False, repr=False, compare=False)
    boolean: bool | None = field(init=False, repr=False, compare=False)
    moment: datetime | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lowered = self.text.lower()
        object.__setattr__(self, "lowered", lowered)
        object.__setattr__(self, "number", float(self.text) if _NUMBER.match(self.text) else None)
        object.__setattr__(self, "boolean", {"true": True, "false": False}.get(lowered))
        object.__setattr__(self, "moment", _parse_datetime(self.text))


@dataclass(frozen=True)
class Comparison:
    attribute: str
    op: str
    value: Literal


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Always:
    """Matches every item: what a dropped (redundant) term becomes."""


Node = Comparison | And | Or | Always


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> FilterSyntaxError:
        return FilterSyntaxError(f"{what} at position {self.pos} in {self.text!r}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def connector(self, symbol: str, word: str) -> bool:
        """Consume ``symbol`` (optionally space-padded) or the spaced keyword ``word``."""
        match = _WORD_CONNECTOR.match(self.text, self.pos)
        if match and match.group(1).lower() == word:
            self.pos = match.end()
            return True
        save = self.pos
        self.skip_space()
        if self.text.startswith(symbol, self.pos):
            self.pos += len(symbol)
            self.skip_space()
            return True
        self.pos = save
        return False

    def parse(self) -> Node:
        self.skip_space()
        if self.pos == len(self.text):
            raise self.fail("empty filter")
        node = self.expr()
        self.skip_space()
        if self.pos != len(self.text):
            raise self.fail("unexpected text")
        return node

    def expr(self) -> Node:
        terms = [self.conj()]
        while self.connector(",", "or"):
            terms.append(self.conj())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def conj(self) -> Node:
        terms = [self.term()]
        while self.connector(";", "and"):
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def term(self) -> Node:
        self.skip_space()
        if self.text.startswith("(", self.pos):
            self.pos += 1
            node = self.expr()
            self.skip_space()
            if not self.text.startswith(")", self.pos):
                raise self.fail("missing ')'")
            self.pos += 1
            return node
        attr = _ATTR.match(self.text, self.pos)
        if not attr:
            raise self.fail("expected an attribute name")
        self.pos = attr.end()
        op = _OP.match(self.text, self.pos)
        if not op:
            raise self.fail(f"expected an operator ({' '.join(OPERATORS)})")
        self.pos = op.end()
        symbol = CONTAINS if op.group() == "~=" else op.group()
        return Comparison(attr.group(), symbol, self.value())

    def value(self) -> Literal:
        if self.text.startswith('"', self.pos):
            return Literal(self.quoted(), quoted=True)
        match = _UNQUOTED.match(self.text, self.pos)
        if not match:
            raise self.fail("expected a value")
        self.pos = match.end()
        return Literal(match.group())

    def quoted(self) -> str:
        out: list[str] = []
        i = self.pos + 1
        while i < len(self.text):
            char = self.text[i]
            if char == "\\" and i + 1 < len(self.text) and self.text[i + 1] in '"\\':
                out.append(self.text[i + 1])
                i += 2
            elif char == '"':
                self.pos = i + 1
                return "".join(out)
            else:
                out.append(char)
                i += 1
        raise self.fail("unterminated quoted value")


def parse(text: str) -> Node:
    """Parse filter text into an AST, or raise FilterSyntaxError."""
    return _Parser(text).parse()


def drop_attributes(node: Node, names: Iterable[str]) -> Node:
    """Turn comparisons on ``names`` into Always (e.g. studyKey terms the path implies)."""
    names = frozenset(names)

    def walk(n: Node) -> Node:
        if isinstance(n, Comparison):
            return Always() if n.attribute in names else n
        if isinstance(n, (And, Or)):
            terms = tuple(walk(t) for t in n.terms)
            if isinstance(n, Or):
                return Always() if any(isinstance(t, Always) for t in terms) else Or(terms)
            kept = tuple(t for t in terms if not isinstance(t, Always))
            if not kept:
                return Always()
            return kept[0] if len(kept) == 1 else And(kept)
        return n

    return walk(node)


def rename_attributes(node: Node, names: Mapping[str, str]) -> Node:
    """Read comparisons on each key of ``names`` as comparisons on its value.

    The SDK's export whitelists send ``formIds==1,formIds==2`` (one value a term), so a
    plural attribute reads as the item's singular one (``formId``).
    """
    if not names:
        return node

    def walk(n: Node) -> Node:
        if isinstance(n, Comparison):
            return Comparison(names.get(n.attribute, n.attribute), n.op, n.value)
        if isinstance(n, And):
            return And(tuple(walk(t) for t in n.terms))
        if isinstance(n, Or):
            return Or(tuple(walk(t) for t in n.terms))
        return n

    return walk(node)


def _compare(op: str, left: Any, right: Any) -> bool:
    try:
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right
    except TypeError:
        return False


def compare_value(value: Any, op: str, literal: Literal) -> bool:
    """Compare one item value with a literal, typed by the item's value."""
    if op == CONTAINS:
        return value is not None and literal.lowered in str(value).lower()
    if value is None:
        is_null = literal.lowered in ("none", "null", "")
        return is_null if op == "==" else (not is_null if op == "!=" else False)
    if isinstance(value, bool):
        wanted = literal.boolean
        if wanted is None:
            return op == "!="
        return _compare(op, int(value), int(wanted))
    if isinstance(value, (int, float)):
        number = literal.number
        if number is None:
            return _compare(op, str(value), literal.text)
        return _compare(op, value, number)
    if isinstance(value, (list, tuple)):
        hits = [compare_value(v, "==", literal) for v in value if not isinstance(v, (dict, list))]
        return any(hits) if op == "==" else (not any(hits) if op == "!=" else False)
    if isinstance(value, dict):
        return op == "!="
    text = str(value)
    if _DATE_LIKE.match(text):
        left, right = _parse_datetime(text), literal.moment
        if left is not None and right is not None:
            return _compare(op, left, right)
    if not literal.quoted and _NUMBER.match(text) and literal.number is not None:
        return _compare(op, float(text), literal.number)
    return _compare(op, text, literal.text)


def evaluate(node: Node, item: Mapping[str, Any], *, missing_matches: bool = True) -> bool:
    """Does ``item`` satisfy ``node``?

    An attribute absent from the item matches when ``missing_matches`` (the API ignores
    unknown filter attributes); recordDataFilter passes False, since a record without the
    variable cannot satisfy a condition on it.
    """
    if isinstance(node, Comparison):
        if node.attribute not in item:
            return missing_matches
        return compare_value(item[node.attribute], node.op, node.value)
    if isinstance(node, And):
        return all(evaluate(t, item, missing_matches=missing_matches) for t in node.terms)
    if isinstance(node, Or):
        return any(evaluate(t, item, missing_matches=missing_matches) for t in node.terms)
    return True
