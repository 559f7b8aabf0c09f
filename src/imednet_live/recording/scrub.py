"""Scrub credentials and personal data from recorded traffic, before anything reaches disk.

The rules are data: which fields pass is the allowlist (``allowlist.SCHEMAS``, one table
per resource); the tables below hold credentials, filters and placeholders; ``Scrubber``
only applies them. Anything the allowlist does not know keeps its name and JSON type only.
Pseudonyms and each subject's date offset come from a keyed hash (HMAC-SHA256) whose key
lives in the environment of one run and is never written, so a subject key maps to the
same pseudonym in every session and worker of that run (joins and a subject's date
intervals still hold) and cannot be reversed from the recording. Pseudonyms are
idempotent (one scrubs to itself), which lets a replay match requests built from
pseudonymised responses; a date shift is not, so a recording is scrubbed exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from imednet_live.recording.allowlist import (
    REQUEST_SCHEMAS,
    RESOURCES,
    SCHEMAS,
    SINGLE_OBJECT,
    SUBJECT_OF,
    Rule,
)
from imednet_live.recording.cut_values import replace_cut
from imednet_live.recording.dates import DATE_IN_TEXT, DATETIME_REPR, parse_day, shift
from imednet_live.redaction import MASK

# -- rules ------------------------------------------------------------------------------

# Headers dropped from requests and responses, compared case-insensitively.
CREDENTIAL_HEADERS: frozenset[str] = frozenset(
    {"x-api-key", "x-imn-security-key", "authorization", "proxy-authorization", "cookie",
     "set-cookie"}
)  # fmt: skip

# JSON fields (lower-cased) holding a user's identity, and the pseudonym kind for each.
USER_FIELDS: Mapping[str, str] = {
    "email": "email",
    "emailaddress": "email",
    "login": "user",
    "userlogin": "user",
    "username": "user",
    "user": "user",
    "createdby": "user",
    "modifiedby": "user",
    "updatedby": "user",
    "firstname": "name",
    "lastname": "name",
    "fullname": "name",
}

# JSON fields (lower-cased) and filter names identifying a subject: text keys and numeric ids.
SUBJECT_KEY_FIELDS: frozenset[str] = frozenset({"subjectkey", "subjectoid", "subject_key"})
SUBJECT_ID_FIELDS: frozenset[str] = frozenset({"subjectid", "subject_id"})

# Placeholders for free text, by field (lower-cased); any other text field gets "[text]".
PLACEHOLDERS: Mapping[str, str] = {
    "comment": "[comment]",
    "value": "[verbatim]",
    "reasonforchange": "[reason]",
    "reason": "[reason]",
    "description": "[description]",
}
TEXT_VARIABLE_TYPES: frozenset[str] = frozenset({"text", "memo", "string", "textarea"})
DATE_VARIABLE_TYPES: frozenset[str] = frozenset({"date", "datetime", "time"})
TEXT_PLACEHOLDER = "[text]"
DATE_PLACEHOLDER = "1900-01-01"  # a date-typed value that is no date the parser knows
# Harness-made values that carry no personal data and must survive for replay.
KEPT_TEXT = re.compile(r"^lt[0-9a-f]{10}[A-Za-z0-9]*$")  # live_support.write_tag
HARNESS_MADE = re.compile(r"lt[0-9a-f]{10}")  # e.g. a subject key a test invented from its tag
# Shorter replaced values ("M", "1", "yes") identify no one and would match everywhere.
MIN_PERSONAL_LENGTH = 4
# Free text shorter than this ("Open", "None", "true") is replaced where it stands but not
# hunted for in reports, where it would garble every ordinary word that spells the same.
MIN_FREE_TEXT_LENGTH = 6
ENVELOPE_KEYS = frozenset({"data", "metadata", "pagination"})
ITEM = "*item*"  # in allowlist.SCHEMAS: the resource's own item schema
_PSEUDONYM_RULES: Mapping[Rule, str] = {Rule.USER: "user", Rule.NAME: "name", Rule.EMAIL: "email"}
NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PSEUDONYM = re.compile(r"^(subj|user|name|mail)-[0-9a-f]{10}$")
PSEUDO_ID_FLOOR = 900_000_000  # numeric pseudonyms live in [9e8, 1e9)
# Resource collections whose next path segment is a subject key: /studies/S/subjects/KEY.
SUBJECT_PATH_PARENTS: frozenset[str] = frozenset({"subjects"})
# Query parameters holding filter expressions (``name==value;name2=="value"``).
FILTER_PARAMS: frozenset[str] = frozenset({"filter", "recorddatafilter"})
_FILTER_TERM = re.compile(
    r'(?P<name>[A-Za-z_]+)(?P<op>==|!=|<=|>=|=|<|>)(?P<q>"?)(?P<value>[^";,&()]*)(?P=q)'
)
# A name pseudonym is "Name-<hex>", kept short and not e-mail shaped.
_KIND_PREFIX = {"subj": "subj", "user": "user", "name": "name", "email": "mail"}


@dataclass(frozen=True)
class Personal:
    """A personal value the scrubber replaced: which field held it, and what replaced it."""

    field: str
    replacement: str


# Set while a request body is scrubbed (per thread and task, as VCR.py may call from either).
_KEEP_DATES: ContextVar[bool] = ContextVar("keep_dates", default=False)


@dataclass
class Scrubber:
    """Applies the allowlist with one run's key; remembers every personal value it replaced.

    ``personal`` (original -> field and replacement) is what the artifact scrubbing and
    the leak scan look for; it lives in memory only.
    """

    key: bytes = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    variable_types: dict[str, str] = field(default_factory=dict)
    personal: dict[str, Personal] = field(default_factory=dict, repr=False)
    dates: dict[str, str] = field(default_factory=dict, repr=False)  # day -> shifted day
    # Strings the allowlist keeps (study structure: "Week 1", "Baseline"): never hunted in
    # text, even where a free-text field happens to hold the same words.
    kept: set[str] = field(default_factory=set, repr=False)

    # -- values ------------------------------------------------------------------------
    def _note(
        self, value: str, name: str, replacement: str, shortest: int = MIN_PERSONAL_LENGTH
    ) -> str:
        if value != replacement and len(value) >= shortest:
            self.personal.setdefault(value, Personal(name, replacement))
        return replacement

    def pseudonym(self, kind: str, value: str, name: str = "") -> str:
        if PSEUDONYM.match(value) or HARNESS_MADE.search(value):
            return value
        digest = hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return self._note(value, name or kind, f"{_KIND_PREFIX[kind]}-{digest[:10]}")

    def pseudo_id(self, value: int) -> int:
        if value >= PSEUDO_ID_FLOOR or value < 0:
            return value
        digest = hmac.new(self.key, f"id:{value}".encode(), hashlib.sha256).digest()
        pseudo = PSEUDO_ID_FLOOR + int.from_bytes(digest[:8], "big") % PSEUDO_ID_FLOOR // 10
        self._note(str(value), "subjectId", str(pseudo))
        return pseudo

    def offset_days(self, subject: str) -> int:
        """A subject's per-run date offset: 1 to 365 days either way, keyed, never written.

        ``subject`` is the subject's pseudonym, so a replayed request (built from
        pseudonymised responses) shifts by the same offset as the recorded one.
        """
        digest = hmac.new(self.key, f"shift:{subject}".encode(), hashlib.sha256).digest()
        days = 1 + int.from_bytes(digest[:4], "big") % 365
        return days if digest[4] & 1 else -days

    def subject_of(self, item: Mapping[str, Any]) -> str:
        """The pseudonym of the subject ``item`` belongs to ("" if none): keys the date shift."""
        for name in SUBJECT_OF:
            value = item.get(name)
            if isinstance(value, str) and value:
                return self.pseudonym("subj", value, name)
            if isinstance(value, int) and not isinstance(value, bool):
                return f"id-{self.pseudo_id(value)}"
        return ""

    def shift_date(self, value: str, subject: str, name: str) -> str:
        """A subject's date moved by its offset, format kept; an unknown format is replaced."""
        if not value or PSEUDONYM.match(value) or _KEEP_DATES.get():
            return value
        shifted = shift(value, self.offset_days(subject))
        if shifted is None:
            return self._note(value, name, DATE_PLACEHOLDER)
        self.dates.setdefault(value[:10], shifted[:10])
        return shifted

    def text(self, value: str) -> str:
        """Any string: configured secrets masked, e-mail-shaped text pseudonymised."""
        for secret in sorted({s for s in self.secrets if s}, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return EMAIL.sub(lambda m: self.pseudonym("email", m.group(0)), value)

    def free_text(self, value: str, name: str) -> str:
        if not value or KEPT_TEXT.match(value) or PSEUDONYM.match(value):
            return value
        placeholder = PLACEHOLDERS.get(name.lower(), TEXT_PLACEHOLDER)
        return self._note(value, name, placeholder, MIN_FREE_TEXT_LENGTH)

    def subject_value(self, name: str, value: Any) -> Any:
        lowered = name.lower()
        if lowered in SUBJECT_KEY_FIELDS and isinstance(value, str) and value:
            return self.pseudonym("subj", value, name)
        if lowered in SUBJECT_ID_FIELDS:
            if isinstance(value, bool):
                return value
            if isinstance(value, int):
                return self.pseudo_id(value)
            if isinstance(value, str) and value.isdigit():
                return str(self.pseudo_id(int(value)))
        return value

    def record_value(self, variable: str, value: Any, subject: str = "") -> Any:
        """A record variable's value, by the variable's type: numbers and codes are kept."""
        if isinstance(value, (Mapping, list)):
            return self.unknown(value, f"recordData.{variable}", subject)
        if not isinstance(value, str) or not value or KEPT_TEXT.match(value):
            return value
        kind = self.variable_types.get(variable, "").strip().lower()
        if kind in DATE_VARIABLE_TYPES or parse_day(value) is not None:
            return self.shift_date(value, subject, f"recordData.{variable}")
        if kind in TEXT_VARIABLE_TYPES or (not kind and not NUMERIC.match(value)):
            # unknown type: anything but a number may be free text
            return self.free_text(value, f"recordData.{variable}")
        return self.text(value)

    def unknown(self, value: Any, name: str, subject: str = "") -> Any:
        """A field the allowlist does not know: its name and JSON type stay, its value never."""
        if value is None:
            return None
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return 0
        if isinstance(value, float):
            return 0.0
        if isinstance(value, str):
            if parse_day(value) is not None:
                return self.shift_date(value, subject, name)
            return self.free_text(value, name)
        if isinstance(value, Mapping):
            return {str(k): self.unknown(v, f"{name}.{k}", subject) for k, v in value.items()}
        if isinstance(value, list):
            return [self.unknown(v, name, subject) for v in value]
        return None

    def known_text(self, value: str) -> str:
        """``value`` with every personal value this scrubber has replaced, replaced."""
        return replace_known(self.text(value), self.personal, self.dates)

    # -- JSON --------------------------------------------------------------------------
    def learn(self, resource: str, body: Any) -> None:
        """Remember variable types from a variables listing (the recordData keys)."""
        if resource != "variables" or not isinstance(body, Mapping):
            return
        for item in body.get("data") or ():
            if isinstance(item, Mapping) and isinstance(item.get("variableName"), str):
                self.variable_types[item["variableName"]] = str(item.get("variableType") or "")

    def json(self, value: Any, resource: str = "*", *, request: bool = False) -> Any:
        """A whole body of ``resource`` scrubbed by the allowlist (``allowlist.SCHEMAS``).

        A request's dates are kept: the harness wrote them (synthetic record data, never a
        subject's own), and a replay must send the same body although its run's key, and
        so every subject's offset, differs from the recording's.
        """
        token = _KEEP_DATES.set(request)
        try:
            return self._json(value, resource, request=request)
        finally:
            _KEEP_DATES.reset(token)

    def _json(self, value: Any, resource: str, *, request: bool) -> Any:
        item = (REQUEST_SCHEMAS.get(resource) if request else None) or RESOURCES.get(resource)
        if isinstance(value, Mapping) and ENVELOPE_KEYS & value.keys():
            return self._walk(value, "Envelope", "", item)
        if isinstance(value, Mapping):
            single = None if request else SINGLE_OBJECT.get(resource)
            return self._walk(value, single or item, "", item)
        return self._walk(value, item, "", item)

    def _walk(self, value: Any, schema: str | None, subject: str, item: str | None) -> Any:
        fields = SCHEMAS.get(schema or "")
        if isinstance(value, list):
            return [self._walk(v, schema, subject, item) for v in value]
        if fields is None or not isinstance(value, Mapping):
            return self.unknown(value, schema or "", subject)
        subject = self.subject_of(value) or subject
        out: dict[str, Any] = {}
        for key, v in value.items():
            rule = fields.get(key)
            if rule is None:
                out[key] = self.unknown(v, f"{schema}.{key}", subject)
            elif not isinstance(rule, Rule):
                out[key] = self._walk(v, item if rule == ITEM else rule, subject, item)
            else:
                out[key] = self._apply(rule, key, v, subject)
        return out

    def _apply(self, rule: Rule, name: str, value: Any, subject: str) -> Any:
        if value is None or value == "":
            return value
        if rule is Rule.RECORD_DATA:
            if not isinstance(value, Mapping):
                return self.unknown(value, name, subject)
            return {str(k): self.record_value(str(k), v, subject) for k, v in value.items()}
        if rule in (Rule.SUBJECT_KEY, Rule.SUBJECT_ID):
            if rule is Rule.SUBJECT_KEY and isinstance(value, str):
                return self.pseudonym("subj", value, name)
            return self.subject_value("subjectId", value)
        if isinstance(value, (Mapping, list)):
            return self.unknown(value, name, subject)  # a scalar field that grew structure
        if rule is Rule.STUDY_DATE and isinstance(value, str) and parse_day(value) is None:
            return self.free_text(value, name)  # not a date after all: text, not kept
        if rule in (Rule.KEEP, Rule.STUDY_DATE):
            if isinstance(value, str):
                self.kept.add(value)
                return self.text(value)
            return value
        if not isinstance(value, str):
            return self.unknown(value, name, subject)
        if rule in _PSEUDONYM_RULES:
            return self.pseudonym(_PSEUDONYM_RULES[rule], value, name)
        if rule is Rule.SUBJECT_DATE:
            return self.shift_date(value, subject, name)
        if rule is Rule.PATH:
            return self.url(value)
        if rule is Rule.ERROR_TEXT:
            return self.known_text(value)
        return self.free_text(value, name)

    def body(
        self, raw: bytes | str | None, resource: str, *, request: bool = False
    ) -> bytes | str | None:
        """A JSON body scrubbed by the rules; any other body has known values replaced."""
        if raw is None or raw in (b"", ""):
            return raw
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        try:
            parsed = json.loads(text)
        except ValueError:
            clean = self.known_text(text)
        else:
            self.learn(resource, parsed)
            clean = json.dumps(self.json(parsed, resource, request=request), separators=(",", ":"))
        return clean.encode("utf-8") if isinstance(raw, bytes) else clean

    # -- URLs and headers --------------------------------------------------------------
    def filter_expression(self, text: str) -> str:
        def term(m: re.Match[str]) -> str:
            value = m.group("value")
            new = self.subject_value(m.group("name"), value) if value else value
            if m.group("name").lower() in USER_FIELDS and value:
                new = self.pseudonym(USER_FIELDS[m.group("name").lower()], value)
            return (
                f"{m.group('name')}{m.group('op')}{m.group('q')}{self.text(str(new))}{m.group('q')}"
            )

        return _FILTER_TERM.sub(term, text)

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        segments = parts.path.split("/")
        for i in range(1, len(segments)):
            if segments[i - 1] in SUBJECT_PATH_PARENTS and segments[i]:
                segments[i] = quote(self.pseudonym("subj", _unquote(segments[i])), safe="")
        query = []
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            lowered = name.lower()
            if lowered in FILTER_PARAMS:
                value = self.filter_expression(value)
            elif lowered in SUBJECT_KEY_FIELDS or lowered in SUBJECT_ID_FIELDS:
                value = str(self.subject_value(name, value))
            else:
                value = self.text(value)
            query.append((name, value))
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"  # userinfo never recorded
        path = self.text("/".join(segments))
        return urlunsplit((parts.scheme, netloc, path, urlencode(query), ""))

    def headers(self, headers: Mapping[str, Any]) -> dict[str, Any]:
        kept: dict[str, Any] = {}
        for name, value in headers.items():
            if name.lower() in CREDENTIAL_HEADERS:
                continue
            if isinstance(value, list):
                kept[name] = [self.text(str(v)) for v in value]
            else:
                kept[name] = self.text(str(value))
        return kept


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


STANDALONE_NUMBER = re.compile(r"(?<!\d)\d+(?!\d)")


PREFIX = 4  # characters of a value that index it (MIN_PERSONAL_LENGTH: every value has them)


@dataclass
class _Matcher:
    """Finds a registry's values in one scan of a text, whatever the registry's size.

    A pattern of the values' distinct first characters (a prefix tree, small: values
    share their beginnings) marks where one may start; the index then tries that place's
    values, longest first, so the leftmost, then longest, value is replaced (a pass per
    value cost a live job seconds on a large study). A registry only grows: values are
    indexed as they come, and the pattern is compiled again only when the beginnings
    not in it outnumber those in it (they are searched for one by one until then).
    """

    personal: Mapping[str, Personal]
    indexed: int = 0  # the first ``indexed`` values of ``personal`` are in ``index``
    index: dict[str, list[str]] = field(default_factory=dict)  # beginning -> longest first
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
                    values = self.index.setdefault(value[:PREFIX], [])
                    values.append(value)
                    values.sort(key=len, reverse=True)
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
            for value in self.index.get(text[start : start + PREFIX], ()):
                if text.startswith(value, start):
                    parts += [text[cursor:start], self.personal[value].replacement]
                    cursor = start + len(value)
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


def _unquote(segment: str) -> str:
    from urllib.parse import unquote

    return unquote(segment)


def resource_of(url: str) -> str:
    """The API collection a URL addresses: ``/api/v1/edc/studies/S/records`` -> records."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if "studies" not in segments:
        return "*"
    rest = segments[segments.index("studies") + 1 :]
    if len(rest) <= 1:
        return "studies"
    return rest[1]


def secrets_of(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(v for v in values if v)
