"""Deterministic seed data shaped like the iMednet API (no randomness).

The first study (first by studyKey ASC) is laid out to catch discovery bugs: the first
site, subject, form and interval by id are all NOT eligible for writes, and site
statuses use mixed real-world spellings. The identifiers are constants so tests and
other modules can name them instead of rediscovering them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

Item = dict[str, Any]

STUDY_KEY = "PHARMADEMO"
STUDY_ID = 101
SECOND_STUDY_KEY = "VACCINE-02"
SECOND_STUDY_ID = 102
SPONSOR_KEY = "ACME-PHARMA"

# Sites of the first study, by siteId. Only "Enrollment Open" and "ACTIVE" accept registrations
# (the charter's folding, imednet_live.core.statuses).
SITE_INACTIVE_ID, SITE_INACTIVE_NAME = 1, "Boston General"
SITE_OPEN_ID, SITE_OPEN_NAME = 2, "Minneapolis Clinic"
SITE_ACTIVE_ID, SITE_ACTIVE_NAME = 3, "Mock Site 3"
SITE_CLOSED_ID, SITE_CLOSED_NAME = 4, "Denver Health"

# Subjects of the first study, by subjectId.
SUBJECT_SCREENED = (1, "02-001")
SUBJECT_ENROLLED = (2, "02-002")
SUBJECT_ACTIVE = (3, "03-001")
SUBJECT_INACTIVE = (4, "01-001")
SUBJECT_DELETED = (5, "02-003")

# Forms of the first study, by formId.
FORM_DISABLED_ID, FORM_DISABLED_KEY = 1, "DEMOG_V1"  # subjectRecordReport, disabled
FORM_ID, FORM_KEY = 2, "DEMOG"  # subjectRecordReport, enabled: the eligible form
FORM_AE_ID, FORM_AE_KEY = 3, "AE"
FORM_SITE_ID, FORM_SITE_KEY = 4, "SITEINFO"

# Intervals of the first study, by intervalId.
INTERVAL_DISABLED_ID, INTERVAL_DISABLED_NAME = 1, "Pre-Screening"
INTERVAL_SCREENING_ID, INTERVAL_SCREENING_NAME = 2, "Screening"
INTERVAL_BASELINE_ID, INTERVAL_BASELINE_NAME = 3, "Baseline"
INTERVAL_WEEK4_ID, INTERVAL_WEEK4_NAME = 4, "Week 4"

# The eligible form's variables: one of every type, variableName (the recordData key) -> type.
FORM_VARIABLES: dict[str, str] = {
    "SUBJINIT": "text",
    "COMMENTS": "memo",
    "WEIGHT": "number",
    "AGE": "integer",
    "HEIGHT": "float",
    "BRTHDAT": "date",
    "SEX": "radio",
    "RACE": "dropdown",
    "CONSENT": "checkbox",
}
AE_VARIABLES: dict[str, str] = {"AETERM": "text", "AESER": "radio", "AESTDAT": "date"}
SITE_VARIABLES: dict[str, str] = {"SITECONTACT": "text"}
DISABLED_FORM_VARIABLES: dict[str, str] = {"OLDINIT": "text"}
# Second study: a form whose key and variable names exceed PostgreSQL's 63-byte
# identifier limit (distinct within the first 63), for the SQL export tests.
LONG_FORM_KEY = "PRO_QUESTIONNAIRE_WITH_AN_EXCEPTIONALLY_LONG_FORM_KEY_FOR_IDENTIFIER_LIMITS"
LONG_FORM_VARIABLES: dict[str, str] = {
    "PATIENT_REPORTED_OUTCOME_ITEM_01_FREE_TEXT_RESPONSE_WITH_A_VERY_LONG_NAME": "text",
    "PATIENT_REPORTED_OUTCOME_ITEM_02_NUMERIC_SCORE_RESPONSE_WITH_A_LONG_NAME": "integer",
}
LABELS: dict[str, str] = {
    "SUBJINIT": "Subject initials",
    "COMMENTS": "General comments",
    "WEIGHT": "Weight (kg)",
    "AGE": "Age at consent (years)",
    "HEIGHT": "Height (m)",
    "BRTHDAT": "Date of birth",
    "SEX": "Sex",
    "RACE": "Race",
    "CONSENT": "Informed consent obtained",
    "AETERM": "Adverse event term",
    "AESER": "Serious adverse event?",
    "AESTDAT": "AE start date",
    "SITECONTACT": "Site contact name",
    "OLDINIT": "Initials (retired form)",
}

USER_ACTIVE_LOGIN = "jdoe"
USER_INACTIVE_LOGIN = "zformer"
RECORDS_PER_SCALED_SUBJECT = 5

EPOCH = _EPOCH = datetime(2024, 1, 15, 9, 0, 0)  # seed timestamps count from here


def stamp(minutes: int) -> str:
    """A seed timestamp in the API's ``YYYY-MM-DD HH:MM:SS`` format."""
    return (_EPOCH + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def day(days: int) -> str:
    """A seed date in the API's visit-date format ``YYYY-MM-DD``."""
    return (_EPOCH + timedelta(days=days)).strftime("%Y-%m-%d")


@dataclass
class StudyData:
    """Every resource list of one study, keyed by its API path segment."""

    study: Item
    resources: dict[str, list[Item]] = field(default_factory=dict)


RESOURCES: tuple[str, ...] = (
    "sites",
    "forms",
    "intervals",
    "visits",
    "subjects",
    "users",
    "variables",
    "codings",
    "queries",
    "recordRevisions",
    "records",
)


def _study(key: str, study_id: int, name: str) -> Item:
    return {
        "sponsorKey": SPONSOR_KEY,
        "studyKey": key,
        "studyId": study_id,
        "studyName": name,
        "studyDescription": f"{name} (sandbox seed)",
        "studyType": "STUDY",
        "dateCreated": stamp(0),
        "dateModified": stamp(60),
    }


def _site(study: str, site_id: int, name: str, status: str) -> Item:
    return {
        "studyKey": study,
        "siteId": site_id,
        "siteName": name,
        "siteEnrollmentStatus": status,
        "dateCreated": stamp(site_id),
        "dateModified": stamp(100 + site_id),
    }


def _form(
    study: str,
    form_id: int,
    key: str,
    name: str,
    *,
    kind: str = "Subject",
    srr: bool,
    disabled: bool,
) -> Item:
    return {
        "studyKey": study,
        "formId": form_id,
        "formKey": key,
        "formName": name,
        "formType": kind,
        "revision": 1,
        "embeddedLog": False,
        "enforceOwnership": False,
        "userAgreement": False,
        "subjectRecordReport": srr,
        "unscheduledVisit": False,
        "otherForms": False,
        "eproForm": False,
        "allowCopy": True,
        "disabled": disabled,
        "dateCreated": stamp(form_id),
        "dateModified": stamp(200 + form_id),
    }


def _variables(study: str, form: Item, names: dict[str, str], first_id: int) -> list[Item]:
    return [
        {
            "studyKey": study,
            "variableId": first_id + i,
            "variableType": vtype,
            "variableName": name,
            "sequence": i + 1,
            "revision": 1,
            "disabled": False,
            "dateCreated": stamp(10 + i),
            "dateModified": stamp(300 + i),
            "formId": form["formId"],
            "variableOid": f"OID-{name}",
            "deleted": False,
            "formKey": form["formKey"],
            "formName": form["formName"],
            "label": LABELS.get(name, name),
            "blinded": False,
        }
        for i, (name, vtype) in enumerate(names.items())
    ]


def _interval(study: str, interval_id: int, name: str, forms: list[Item], disabled: bool) -> Item:
    return {
        "studyKey": study,
        "intervalId": interval_id,
        "intervalName": name,
        "intervalDescription": f"{name} visit",
        "intervalSequence": interval_id * 10,
        "intervalGroupId": 1,
        "intervalGroupName": "Main",
        "timeline": "Date-driven",
        "definedUsingInterval": "",
        "windowCalculationForm": "",
        "windowCalculationDate": "",
        "actualDateForm": "",
        "actualDate": "",
        "dueDateWillBeIn": (interval_id - 1) * 14,
        "negativeSlack": 2,
        "positiveSlack": 2,
        "eproGracePeriod": 0,
        "forms": [
            {"formId": f["formId"], "formKey": f["formKey"], "formName": f["formName"]}
            for f in forms
        ],
        "disabled": disabled,
        "dateCreated": stamp(interval_id),
        "dateModified": stamp(400 + interval_id),
    }


def subject_item(
    study: str, subject_id: int, key: str, status: str, site: Item, *, deleted: bool = False
) -> Item:
    return {
        "studyKey": study,
        "subjectId": subject_id,
        "subjectOid": f"OID-S{subject_id}",
        "subjectKey": key,
        "subjectStatus": status,
        "siteId": site["siteId"],
        "siteName": site["siteName"],
        "deleted": deleted,
        "enrollmentStartDate": stamp(1000 + subject_id),
        "dateCreated": stamp(1000 + subject_id),
        "dateModified": stamp(2000 + subject_id),
        "keywords": [],
    }


def visit_item(
    study: str, visit_id: int, interval: Item, subject: Item, *, offset_days: int
) -> Item:
    start = offset_days + interval["dueDateWillBeIn"]
    return {
        "studyKey": study,
        "visitId": visit_id,
        "intervalId": interval["intervalId"],
        "intervalName": interval["intervalName"],
        "subjectId": subject["subjectId"],
        "subjectKey": subject["subjectKey"],
        "startDate": day(start - 2),
        "endDate": day(start + 2),
        "dueDate": day(start) if interval["dueDateWillBeIn"] else None,
        "visitDate": day(start),
        "visitDateForm": FORM_KEY,
        "visitDateQuestion": "BRTHDAT",
        "deleted": False,
        "dateCreated": stamp(3000 + visit_id),
        "dateModified": stamp(3000 + visit_id),
    }


def record_item(
    study: str,
    record_id: int,
    form: Item,
    subject: Item,
    data: dict[str, Any],
    *,
    interval_id: int,
    visit_id: int,
    created: str,
) -> Item:
    return {
        "studyKey": study,
        "intervalId": interval_id,
        "formId": form["formId"],
        "formKey": form["formKey"],
        "siteId": subject["siteId"],
        "recordId": record_id,
        "recordOid": f"OID-R{record_id}",
        "recordType": "SUBJECT",
        "recordStatus": "Record Complete" if data else "Record Incomplete",
        "deleted": False,
        "dateCreated": created,
        "dateModified": created,
        "subjectId": subject["subjectId"],
        "subjectOid": subject["subjectOid"],
        "subjectKey": subject["subjectKey"],
        "visitId": visit_id,
        "parentRecordId": 0,
        "keywords": [],
        "recordData": dict(data),
    }


def revision_item(study: str, revision_id: int, record: Item, number: int, reason: str) -> Item:
    return {
        "studyKey": study,
        "recordRevisionId": revision_id,
        "recordId": record["recordId"],
        "recordOid": record["recordOid"],
        "recordRevision": number,
        "dataRevision": number,
        "recordStatus": record["recordStatus"],
        "subjectId": record["subjectId"],
        "subjectOid": record["subjectOid"],
        "subjectKey": record["subjectKey"],
        "siteId": record["siteId"],
        "formKey": record["formKey"],
        "intervalId": record["intervalId"],
        "role": "Data Manager",
        "user": USER_ACTIVE_LOGIN,
        "reasonForChange": reason,
        "deleted": False,
        "dateCreated": record["dateModified"],
    }


def demog_data(n: int) -> dict[str, Any]:
    """Typed values for every variable type, as the vendor docs say they are sent."""
    return {
        "SUBJINIT": f"S{n:03d}",
        "COMMENTS": f"Seed subject {n}, no remarks.",
        "WEIGHT": 60 + n % 40,
        "AGE": 20 + n % 50,
        "HEIGHT": round(1.5 + (n % 40) / 100, 2),
        "BRTHDAT": f"{1950 + n % 50}-0{1 + n % 9}-1{n % 10}",
        "SEX": "1" if n % 2 else "2",
        "RACE": str(1 + n % 5),
        "CONSENT": True,
    }


def _ae_data(n: int) -> dict[str, Any]:
    terms = ("Bronchitis", "Headache", "Acute bronchitis", "Nausea")
    return {
        "AETERM": terms[n % len(terms)],
        "AESER": "Serious" if n % 3 == 0 else "Non-serious",
        "AESTDAT": day(20 + n % 30),
    }


def _role(name: str, level: int, minutes: int) -> Item:
    # Deviation: the spec says int arrays; SDK 0.5.0 only parses strings (see deviations.py).
    return {
        "dateCreated": stamp(minutes),
        "dateModified": stamp(minutes + 5),
        "roleId": f"00000000-0000-4000-8000-{level:012d}",
        "communityId": 1,
        "name": name,
        "description": f"{name} role",
        "level": level,
        "type": "STUDY",
        "inactive": False,
    }


def _users() -> list[Item]:
    people = (
        (
            "11111111-1111-4111-8111-111111111111",
            "adminuser",
            "Ada",
            "Admin",
            True,
            "Administrator",
        ),
        (
            "22222222-2222-4222-8222-222222222222",
            USER_ACTIVE_LOGIN,
            "Jane",
            "Doe",
            True,
            "Data Manager",
        ),
        ("33333333-3333-4333-8333-333333333333", "mmonitor", "Max", "Monitor", True, "Monitor"),
        (
            "44444444-4444-4444-8444-444444444444",
            USER_INACTIVE_LOGIN,
            "Zoe",
            "Former",
            False,
            "Monitor",
        ),
    )
    return [
        {
            "userId": uid,
            "login": login,
            "firstName": first,
            "lastName": last,
            "email": f"{login}@example.org",
            "userActiveInStudy": active,
            "roles": [_role(role, i + 1, 50 + i)],
        }
        for i, (uid, login, first, last, active, role) in enumerate(people)
    ]


class _Builder:
    """Accumulates one study's resources with running ids."""

    def __init__(self, study: Item) -> None:
        self.key = study["studyKey"]
        self.data = StudyData(study, {name: [] for name in RESOURCES})

    def add(self, resource: str, item: Item) -> Item:
        self.data.resources[resource].append(item)
        return item

    def next_id(self, resource: str) -> int:
        return len(self.data.resources[resource]) + 1

    def record(
        self,
        form: Item,
        subject: Item,
        data: dict[str, Any],
        *,
        interval: Item | None,
        visits: dict[int, Item],
        minutes: int,
    ) -> Item:
        interval_id = interval["intervalId"] if interval else 0
        visit = visits.get(interval_id)
        record = self.add(
            "records",
            record_item(
                self.key,
                self.next_id("records"),
                form,
                subject,
                data,
                interval_id=interval_id,
                visit_id=visit["visitId"] if visit else 0,
                created=stamp(minutes),
            ),
        )
        self.add(
            "recordRevisions",
            revision_item(self.key, self.next_id("recordRevisions"), record, 1, "Initial entry"),
        )
        return record

    def subject_with_records(
        self, subject: Item, intervals: list[Item], forms: dict[str, Item], n: int, *, per: int
    ) -> None:
        """Visits for the enabled intervals and ``per`` records (DEMOG per visit, then AEs)."""
        enabled = [i for i in intervals if not i["disabled"]]
        visits: dict[int, Item] = {}
        for interval in enabled:
            visit = visit_item(self.key, self.next_id("visits"), interval, subject, offset_days=n)
            visits[interval["intervalId"]] = self.add("visits", visit)
        for k in range(per):
            if k < len(enabled):
                self.record(
                    forms[FORM_KEY],
                    subject,
                    demog_data(n + k),
                    interval=enabled[k],
                    visits=visits,
                    minutes=5000 + n * 10 + k,
                )
            else:
                self.record(
                    forms[FORM_AE_KEY],
                    subject,
                    _ae_data(n + k),
                    interval=None,
                    visits=visits,
                    minutes=5000 + n * 10 + k,
                )


def _first_study(subjects: int | None) -> StudyData:
    b = _Builder(_study(STUDY_KEY, STUDY_ID, "Pharma Demo Study"))
    key = b.key
    sites = [
        b.add("sites", _site(key, SITE_INACTIVE_ID, SITE_INACTIVE_NAME, "Inactive")),
        b.add("sites", _site(key, SITE_OPEN_ID, SITE_OPEN_NAME, "Enrollment Open")),
        b.add("sites", _site(key, SITE_ACTIVE_ID, SITE_ACTIVE_NAME, "ACTIVE")),
        b.add("sites", _site(key, SITE_CLOSED_ID, SITE_CLOSED_NAME, "Enrollment Closed")),
    ]
    site_by_id = {s["siteId"]: s for s in sites}
    forms = {
        f["formKey"]: b.add("forms", f)
        for f in (
            _form(
                key,
                FORM_DISABLED_ID,
                FORM_DISABLED_KEY,
                "Demographics (retired)",
                srr=True,
                disabled=True,
            ),
            _form(key, FORM_ID, FORM_KEY, "Demographics", srr=True, disabled=False),
            _form(key, FORM_AE_ID, FORM_AE_KEY, "Adverse Events", srr=False, disabled=False),
            _form(
                key,
                FORM_SITE_ID,
                FORM_SITE_KEY,
                "Site Information",
                kind="Site",
                srr=False,
                disabled=False,
            ),
        )
    }
    for form_key, names in (
        (FORM_DISABLED_KEY, DISABLED_FORM_VARIABLES),
        (FORM_KEY, FORM_VARIABLES),
        (FORM_AE_KEY, AE_VARIABLES),
        (FORM_SITE_KEY, SITE_VARIABLES),
    ):
        for v in _variables(key, forms[form_key], names, b.next_id("variables")):
            b.add("variables", v)
    intervals = [
        b.add(
            "intervals",
            _interval(
                key, INTERVAL_DISABLED_ID, INTERVAL_DISABLED_NAME, [forms[FORM_DISABLED_KEY]], True
            ),
        ),
        b.add(
            "intervals",
            _interval(
                key, INTERVAL_SCREENING_ID, INTERVAL_SCREENING_NAME, [forms[FORM_KEY]], False
            ),
        ),
        b.add(
            "intervals",
            _interval(
                key,
                INTERVAL_BASELINE_ID,
                INTERVAL_BASELINE_NAME,
                [forms[FORM_KEY], forms[FORM_AE_KEY]],
                False,
            ),
        ),
        b.add(
            "intervals",
            _interval(
                key,
                INTERVAL_WEEK4_ID,
                INTERVAL_WEEK4_NAME,
                [forms[FORM_KEY], forms[FORM_AE_KEY]],
                False,
            ),
        ),
    ]
    named = (
        (SUBJECT_SCREENED, "Screened", SITE_OPEN_ID, False),
        (SUBJECT_ENROLLED, "Enrolled", SITE_OPEN_ID, False),
        (SUBJECT_ACTIVE, "active", SITE_ACTIVE_ID, False),
        (SUBJECT_INACTIVE, "Inactive", SITE_INACTIVE_ID, False),
        (SUBJECT_DELETED, "Enrolled", SITE_OPEN_ID, True),
    )
    for (sid, skey), status, site_id, deleted in named:
        subject = b.add(
            "subjects", subject_item(key, sid, skey, status, site_by_id[site_id], deleted=deleted)
        )
        b.subject_with_records(subject, intervals, forms, sid, per=2 if deleted else 4)
    open_sites = [site_by_id[SITE_OPEN_ID], site_by_id[SITE_ACTIVE_ID]]
    for n in range(len(named) + 1, (subjects or 0) + 1):
        site = open_sites[n % 2]
        subject = b.add(
            "subjects", subject_item(key, n, f"{site['siteId']:02d}-{n:05d}", "Enrolled", site)
        )
        b.subject_with_records(subject, intervals, forms, n, per=RECORDS_PER_SCALED_SUBJECT)
    _site_record(b, forms[FORM_SITE_KEY], site_by_id[SITE_OPEN_ID])
    if subjects:  # a scaled study, like a production one, has a site form for each open site
        _site_record(b, forms[FORM_SITE_KEY], site_by_id[SITE_ACTIVE_ID])
    _queries_and_codings(b)
    for user in _users():
        b.add("users", user)
    return b.data


def _site_record(b: _Builder, form: Item, site: Item) -> None:
    record = b.add(
        "records",
        {
            **record_item(
                b.key,
                b.next_id("records"),
                form,
                {"siteId": site["siteId"], "subjectId": 0, "subjectOid": "", "subjectKey": ""},
                {"SITECONTACT": "Dr. Site Lead"},
                interval_id=0,
                visit_id=0,
                created=stamp(4000),
            ),
            "recordType": "SITE",
        },
    )
    b.add(
        "recordRevisions",
        revision_item(b.key, b.next_id("recordRevisions"), record, 1, "Initial entry"),
    )


def _queries_and_codings(b: _Builder) -> None:
    records = b.data.resources["records"]
    ae_records = [r for r in records if r["formKey"] == FORM_AE_KEY]
    demog_records = [r for r in records if r["formKey"] == FORM_KEY]
    targets = [(demog_records[0], "AGE"), (demog_records[1], "WEIGHT"), (ae_records[0], "AETERM")]
    for i, (record, variable) in enumerate(targets, start=1):
        closed = i == 2
        comments = [
            {
                "sequence": 1,
                "annotationStatus": "Monitor Query Open",
                "user": "mmonitor",
                "comment": f"Please verify {variable}.",
                "closed": False,
                "date": stamp(6000 + i),
            },
        ]
        if closed:
            comments.append(
                {
                    "sequence": 2,
                    "annotationStatus": "Monitor Query Closed",
                    "user": USER_ACTIVE_LOGIN,
                    "comment": "Verified against source.",
                    "closed": True,
                    "date": stamp(6100 + i),
                }
            )
        b.add(
            "queries",
            {
                "studyKey": b.key,
                "subjectId": record["subjectId"],
                "subjectOid": record["subjectOid"],
                "annotationType": "question",
                "annotationId": i,
                "type": None if i == 3 else "question",
                "description": f"Query on {variable}",
                "recordId": record["recordId"],
                "variable": variable,
                "subjectKey": record["subjectKey"],
                "dateCreated": stamp(6000 + i),
                "dateModified": stamp(6100 + i),
                "queryComments": comments,
            },
        )
    for i, record in enumerate(ae_records[:3], start=1):
        b.add(
            "codings",
            {
                "studyKey": b.key,
                "siteName": _site_name(b, record["siteId"]),
                "siteId": record["siteId"],
                "subjectId": record["subjectId"],
                "subjectKey": record["subjectKey"],
                "formId": record["formId"],
                "formName": "Adverse Events",
                "formKey": record["formKey"],
                "revision": 1,
                "recordId": record["recordId"],
                "variable": "AETERM",
                "value": record["recordData"]["AETERM"],
                "codingId": i,
                "code": f"1000{i}",
                "codedBy": USER_ACTIVE_LOGIN,
                "reason": "Initial coding",
                "dictionaryName": "MedDRA",
                "dictionaryVersion": "26.1",
                "dateCoded": stamp(7000 + i),
            },
        )


def _site_name(b: _Builder, site_id: int) -> str:
    return next(s["siteName"] for s in b.data.resources["sites"] if s["siteId"] == site_id)


def _second_study() -> StudyData:
    b = _Builder(_study(SECOND_STUDY_KEY, SECOND_STUDY_ID, "Vaccine Study 02"))
    site = b.add("sites", _site(b.key, 1, "Oslo Vaccine Centre", "Enrollment Open"))
    form = b.add("forms", _form(b.key, 1, "VITALS", "Vital Signs", srr=True, disabled=False))
    for v in _variables(b.key, form, {"TEMP": "float", "NOTE": "text"}, 1):
        b.add("variables", v)
    interval = b.add("intervals", _interval(b.key, 1, "Day 1", [form], False))
    subject = b.add("subjects", subject_item(b.key, 1, "V-0001", "Enrolled", site))
    visits = {1: b.add("visits", visit_item(b.key, 1, interval, subject, offset_days=1))}
    b.record(
        form,
        subject,
        {"TEMP": 36.6, "NOTE": "afebrile"},
        interval=interval,
        visits=visits,
        minutes=8000,
    )
    long_form = b.add(
        "forms",
        _form(b.key, 2, LONG_FORM_KEY, "Patient-reported outcomes", srr=False, disabled=False),
    )
    for v in _variables(b.key, long_form, LONG_FORM_VARIABLES, 3):
        b.add("variables", v)
    first, second = LONG_FORM_VARIABLES
    b.record(long_form, subject, {first: "no pain today", second: 7}, interval=None,
             visits=visits, minutes=8010)  # fmt: skip
    b.add("users", _users()[0])
    return b.data


def build(subjects: int | None = None) -> list[StudyData]:
    """Fresh seed data; ``subjects`` scales the first study to N subjects (5 records each)."""
    return [_first_study(subjects), _second_study()]
