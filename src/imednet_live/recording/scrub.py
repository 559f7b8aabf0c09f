"""Scrub credentials and personal data from recorded traffic, before anything reaches disk.

The rules are data (the tables below); ``Scrubber`` only applies them. Pseudonyms come
from a keyed hash (HMAC-SHA256) whose key lives in the environment of one run and is
never written, so the same subject key maps to the same pseudonym in every session and
worker of that run (joins across resources still hold) and cannot be reversed from the
recording. Scrubbing is idempotent: a pseudonym scrubs to itself, which is what lets a
replay match requests built from pseudonymised responses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

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

# Free text replaced whole: (resource or "*", lower-cased field) -> placeholder.
FREE_TEXT_FIELDS: Mapping[tuple[str, str], str] = {
    ("*", "comment"): "[comment]",
    ("*", "verbatim"): "[verbatim]",
    ("*", "reasonforchange"): "[reason]",
    ("codings", "value"): "[verbatim]",
}

# Objects keyed by variable name whose values are decided by the variable's type.
RECORD_DATA_FIELDS: frozenset[str] = frozenset({"recorddata", "data"})
TEXT_VARIABLE_TYPES: frozenset[str] = frozenset({"text", "memo", "string", "textarea"})
DATE_VARIABLE_TYPES: frozenset[str] = frozenset({"date", "datetime", "time"})
TEXT_PLACEHOLDER = "[text]"
DATE_PLACEHOLDER = "1900-01-01"
# Harness-made values that carry no personal data and must survive for replay.
KEPT_TEXT = re.compile(r"^lt[0-9a-f]{10}[A-Za-z0-9]*$")  # live_support.write_tag
HARNESS_MADE = re.compile(r"lt[0-9a-f]{10}")  # e.g. a subject key a test invented from its tag
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


@dataclass
class Scrubber:
    """Applies the rules with one run's key; learns variable types from variable listings."""

    key: bytes = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    variable_types: dict[str, str] = field(default_factory=dict)

    # -- values ------------------------------------------------------------------------
    def pseudonym(self, kind: str, value: str) -> str:
        if PSEUDONYM.match(value) or HARNESS_MADE.search(value):
            return value
        digest = hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return f"{_KIND_PREFIX[kind]}-{digest[:10]}"

    def pseudo_id(self, value: int) -> int:
        if value >= PSEUDO_ID_FLOOR or value < 0:
            return value
        digest = hmac.new(self.key, f"id:{value}".encode(), hashlib.sha256).digest()
        return PSEUDO_ID_FLOOR + int.from_bytes(digest[:8], "big") % PSEUDO_ID_FLOOR // 10

    def text(self, value: str) -> str:
        """Any string: configured secrets masked, e-mail-shaped text pseudonymised."""
        for secret in sorted({s for s in self.secrets if s}, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return EMAIL.sub(lambda m: self.pseudonym("email", m.group(0)), value)

    def subject_value(self, name: str, value: Any) -> Any:
        lowered = name.lower()
        if lowered in SUBJECT_KEY_FIELDS and isinstance(value, str) and value:
            return self.pseudonym("subj", value)
        if lowered in SUBJECT_ID_FIELDS:
            if isinstance(value, bool):
                return value
            if isinstance(value, int):
                return self.pseudo_id(value)
            if isinstance(value, str) and value.isdigit():
                return str(self.pseudo_id(int(value)))
        return value

    def record_value(self, variable: str, value: Any) -> Any:
        if not isinstance(value, str) or not value or KEPT_TEXT.match(value):
            return value
        kind = self.variable_types.get(variable, "").strip().lower()
        if kind in DATE_VARIABLE_TYPES:
            return DATE_PLACEHOLDER
        if kind in TEXT_VARIABLE_TYPES or (not kind and not NUMERIC.match(value)):
            return TEXT_PLACEHOLDER  # unknown type: anything but a number may be free text
        return self.text(value)

    # -- JSON --------------------------------------------------------------------------
    def learn(self, resource: str, body: Any) -> None:
        """Remember variable types from a variables listing (the recordData keys)."""
        if resource != "variables" or not isinstance(body, Mapping):
            return
        for item in body.get("data") or ():
            if isinstance(item, Mapping) and isinstance(item.get("variableName"), str):
                self.variable_types[item["variableName"]] = str(item.get("variableType") or "")

    def json(self, value: Any, resource: str = "*", name: str = "", *, item: bool = False) -> Any:
        """``name`` is the key holding ``value``; ``item``: value is an element of that list."""
        lowered = name.lower()
        if isinstance(value, Mapping):
            if lowered in RECORD_DATA_FIELDS and not item:
                return {str(k): self.record_value(str(k), v) for k, v in value.items()}
            return {str(k): self.json(v, resource, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, resource, name, item=True) for v in value]
        if lowered in SUBJECT_KEY_FIELDS or lowered in SUBJECT_ID_FIELDS:
            return self.subject_value(name, value)
        if isinstance(value, str):
            placeholder = FREE_TEXT_FIELDS.get((resource, lowered)) or FREE_TEXT_FIELDS.get(
                ("*", lowered)
            )
            if placeholder is not None and value:
                return placeholder
            kind = USER_FIELDS.get(lowered)
            if kind is not None and value:
                return self.pseudonym(kind, value)
            return self.text(value)
        return value

    def body(self, raw: bytes | str | None, resource: str) -> bytes | str | None:
        """A JSON body scrubbed by the rules; any other body has secrets and e-mails masked."""
        if raw is None or raw in (b"", ""):
            return raw
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        try:
            parsed = json.loads(text)
        except ValueError:
            clean = self.text(text)
        else:
            self.learn(resource, parsed)
            clean = json.dumps(self.json(parsed, resource), separators=(",", ":"))
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
