"""An iMednet look-alike of our own (not the sandbox) whose study is full of canaries.

Every field the spec defines is present on every resource (the allowlist table lists
them all, and ``test_allowlist`` holds it to the spec); each field that may carry
personal data holds a distinctive canary, and every item carries one field the spec does
not define. Allowlisted fields hold ordinary values, so the SDK and the live suite can
walk the study. Standard library only: a threaded ``http.server`` on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from imednet_live.recording.allowlist import RESOURCES, SCHEMAS, Rule

API = "/api/v1/edc"
STUDY = "CANSTUDY"
UNKNOWN_FIELD = "canaryFieldTheSpecLacks"
SUBJECT_KEY = "CANARY-SUBJ-4471"
SUBJECT_OID = "CANARY-OID-4471"
SUBJECT_ID = 884471
INTEGERS = frozenset(
    [
        "studyId",
        "siteId",
        "formId",
        "revision",
        "intervalId",
        "intervalSequence",
        "intervalGroupId",
        "dueDateWillBeIn",
        "negativeSlack",
        "positiveSlack",
        "eproGracePeriod",
        "visitId",
        "subjectId",
        "keywordId",
        "communityId",
        "level",
        "variableId",
        "sequence",
        "recordId",
        "codingId",
        "annotationId",
        "recordRevisionId",
        "recordRevision",
        "dataRevision",
        "parentRecordId",
        "currentPage",
        "size",
        "totalPages",
        "totalElements",
    ]
)
BOOLEANS = frozenset(
    [
        "embeddedLog",
        "enforceOwnership",
        "userAgreement",
        "subjectRecordReport",
        "unscheduledVisit",
        "otherForms",
        "eproForm",
        "allowCopy",
        "disabled",
        "deleted",
        "userActiveInStudy",
        "inactive",
        "blinded",
        "closed",
    ]
)
FALSE_FLAGS = frozenset({"disabled", "deleted", "inactive", "blinded", "closed"})
KEPT_TEXT = {
    "studyKey": STUDY, "sponsorKey": "CANSPONSOR", "studyName": "Canary study",
    "studyType": "EDC", "siteName": "Canary Site", "siteEnrollmentStatus": "Enrollment Open",
    "formKey": "CANFORM", "formName": "Canary form", "formType": "Subject",
    "intervalName": "Baseline", "intervalGroupName": "Visits", "subjectStatus": "Enrolled",
    "recordStatus": "Record Complete", "recordType": "SUBJECT", "state": "COMPLETED",
    "variableType": "text", "variableName": "NOTE", "label": "Note", "status": "OK",
    "method": "GET", "direction": "ASC", "property": "id", "annotationType": "query",
    "type": "Open", "annotationStatus": "Open", "role": "Coordinator", "userId": "u-1",
    "roleId": "r-1", "name": "Coordinator", "keywordName": "Key", "keywordKey": "KEY",
    "dictionaryName": "MedDRA", "dictionaryVersion": "27.0", "code": "10019211",
    "variable": "NOTE", "batchId": "batch-1", "jobId": "job-1",
}  # fmt: skip
# Record variables: one of each kind the scrubber judges by type.
VARIABLES = (("NOTE", "text"), ("BRTHDAT", "date"), ("WEIGHT", "number"))


@dataclass
class Canaries:
    """Every canary value served, by the field that carried it."""

    values: dict[str, str] = field(default_factory=dict)  # value -> "Schema.field"
    days: dict[str, str] = field(default_factory=dict)  # YYYY-MM-DD -> "Schema.field"

    def text(self, where: str) -> str:
        value = f"CANARY{len(self.values):03d}zq"
        self.values[value] = where
        return value

    def date(self, where: str) -> str:
        day = date(1950, 1, 3) + timedelta(days=97 * (len(self.days) + 1))
        self.days[day.isoformat()] = where
        return f"{day.isoformat()} 08:15:30"


def build_study() -> tuple[dict[str, list[dict[str, Any]]], Canaries]:
    canaries = Canaries()
    items: dict[str, list[dict[str, Any]]] = {}
    for resource, schema in RESOURCES.items():
        item = _item(schema, canaries)
        if resource == "variables":
            items[resource] = [
                {**item, "variableName": name, "variableType": kind, "variableId": n + 1}
                for n, (name, kind) in enumerate(VARIABLES)
            ]
        else:
            items[resource] = [item]
    canaries.values[SUBJECT_KEY] = "subjectKey"
    canaries.values[SUBJECT_OID] = "subjectOid"
    canaries.values[str(SUBJECT_ID)] = "subjectId"
    return items, canaries


def _item(schema: str, canaries: Canaries) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name, rule in SCHEMAS[schema].items():
        where = f"{schema}.{name}"
        if not isinstance(rule, Rule):
            item[name] = [_item(rule, canaries)]
        elif rule is Rule.SUBJECT_KEY:
            item[name] = SUBJECT_OID if name == "subjectOid" else SUBJECT_KEY
        elif rule is Rule.SUBJECT_ID:
            item[name] = SUBJECT_ID
        elif rule is Rule.SUBJECT_DATE:
            item[name] = canaries.date(where)
        elif rule is Rule.RECORD_DATA:
            note, born = canaries.text(f"{where}.NOTE"), canaries.date(f"{where}.BRTHDAT")
            item[name] = {"NOTE": note, "BRTHDAT": born[:10], "WEIGHT": 71}
        elif rule is Rule.STUDY_DATE:
            item[name] = "2024-01-02 03:04:05"  # Role: the SDK wants a date, not the spec's list
        elif name in INTEGERS:
            item[name] = 7 if rule is Rule.KEEP else 0
        elif name in BOOLEANS:
            item[name] = name not in FALSE_FLAGS
        elif rule is Rule.KEEP:
            item[name] = KEPT_TEXT.get(name, f"{name}-1")
        elif rule is Rule.EMAIL:
            item[name] = f"{canaries.text(where).lower()}@hospital.example.org"
        else:
            item[name] = canaries.text(where)
    item[UNKNOWN_FIELD] = canaries.text(f"{schema}.{UNKNOWN_FIELD}")
    return item


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *_args: Any) -> None:
        return None

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _envelope(self, data: list[dict[str, Any]], page: int) -> dict[str, Any]:
        shown = data if page == 0 else []
        return {
            "metadata": {"status": "OK", "method": self.command, "path": self.path,
                         "timestamp": "2024-01-02 03:04:05", "error": {}},
            "pagination": {"currentPage": page, "size": 100, "totalPages": 1,
                           "totalElements": len(data), "sort": [{"property": "id",
                                                                 "direction": "ASC"}]},
            "data": shown,
        }  # fmt: skip

    def _authorised(self) -> bool:
        if self.headers.get("x-api-key") and self.headers.get("x-imn-security-key"):
            return True
        self._send(401, {"metadata": {"status": "UNAUTHORIZED", "error": {"message": "no key"}}})
        return False

    def do_GET(self) -> None:
        if not self._authorised():
            return
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        page = int((query.get("page") or ["0"])[0])
        segments = [s for s in parts.path.removeprefix(API).split("/") if s]
        items = self.server.items
        if segments == ["studies"]:
            self._send(200, self._envelope(items["studies"], page))
        elif len(segments) == 4 and segments[2] == "jobs":
            self._send(200, items["jobs"][0])
        elif len(segments) == 3 and segments[2] in items:
            self._send(200, self._envelope(items[segments[2]], page))
        else:
            self._send(404, {"metadata": {"status": "NOT_FOUND", "error": {"message": "none"}}})

    def do_POST(self) -> None:
        if not self._authorised():
            return
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._send(202, {"jobId": "job-1", "batchId": "batch-1", "state": "PROCESSING"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    items: dict[str, list[dict[str, Any]]]


@dataclass
class CanaryServer:
    base_url: str
    canaries: Canaries


@contextmanager
def running() -> Iterator[CanaryServer]:
    items, canaries = build_study()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.items = items
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield CanaryServer(f"http://127.0.0.1:{server.server_address[1]}", canaries)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
