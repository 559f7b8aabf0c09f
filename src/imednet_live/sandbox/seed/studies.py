"""The seeded studies: the first laid out to catch discovery bugs, the second plainer.

The first study (first by studyKey ASC) is laid out to catch discovery bugs: the first
site, subject, form and interval by id are all NOT eligible for writes, and site
statuses use mixed real-world spellings. Deterministic: no randomness.
"""

from __future__ import annotations

from typing import Any

from imednet_live.sandbox.seed.ids import (
    AE_VARIABLES,
    DISABLED_FORM_VARIABLES,
    FORM_AE_ID,
    FORM_AE_KEY,
    FORM_DISABLED_ID,
    FORM_DISABLED_KEY,
    FORM_ID,
    FORM_KEY,
    FORM_SITE_ID,
    FORM_SITE_KEY,
    FORM_VARIABLES,
    INTERVAL_BASELINE_ID,
    INTERVAL_BASELINE_NAME,
    INTERVAL_DISABLED_ID,
    INTERVAL_DISABLED_NAME,
    INTERVAL_SCREENING_ID,
    INTERVAL_SCREENING_NAME,
    INTERVAL_WEEK4_ID,
    INTERVAL_WEEK4_NAME,
    LONG_FORM_KEY,
    LONG_FORM_VARIABLES,
    RECORDS_PER_SCALED_SUBJECT,
    RESOURCES,
    SECOND_STUDY_ID,
    SECOND_STUDY_KEY,
    SITE_ACTIVE_ID,
    SITE_ACTIVE_NAME,
    SITE_CLOSED_ID,
    SITE_CLOSED_NAME,
    SITE_INACTIVE_ID,
    SITE_INACTIVE_NAME,
    SITE_OPEN_ID,
    SITE_OPEN_NAME,
    SITE_VARIABLES,
    STUDY_ID,
    STUDY_KEY,
    SUBJECT_ACTIVE,
    SUBJECT_DELETED,
    SUBJECT_ENROLLED,
    SUBJECT_INACTIVE,
    SUBJECT_SCREENED,
    USER_ACTIVE_LOGIN,
    Item,
    StudyData,
    stamp,
)
from imednet_live.sandbox.seed.items import (
    ae_data,
    demog_data,
    form_item,
    interval_item,
    record_item,
    revision_item,
    site_item,
    study_item,
    subject_item,
    user_items,
    variable_items,
    visit_item,
)


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
                    ae_data(n + k),
                    interval=None,
                    visits=visits,
                    minutes=5000 + n * 10 + k,
                )


def _first_study(subjects: int | None) -> StudyData:
    b = _Builder(study_item(STUDY_KEY, STUDY_ID, "Pharma Demo Study"))
    key = b.key
    sites = [
        b.add("sites", site_item(key, SITE_INACTIVE_ID, SITE_INACTIVE_NAME, "Inactive")),
        b.add("sites", site_item(key, SITE_OPEN_ID, SITE_OPEN_NAME, "Enrollment Open")),
        b.add("sites", site_item(key, SITE_ACTIVE_ID, SITE_ACTIVE_NAME, "ACTIVE")),
        b.add("sites", site_item(key, SITE_CLOSED_ID, SITE_CLOSED_NAME, "Enrollment Closed")),
    ]
    site_by_id = {s["siteId"]: s for s in sites}
    forms = {
        f["formKey"]: b.add("forms", f)
        for f in (
            form_item(
                key,
                FORM_DISABLED_ID,
                FORM_DISABLED_KEY,
                "Demographics (retired)",
                srr=True,
                disabled=True,
            ),
            form_item(key, FORM_ID, FORM_KEY, "Demographics", srr=True, disabled=False),
            form_item(key, FORM_AE_ID, FORM_AE_KEY, "Adverse Events", srr=False, disabled=False),
            form_item(
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
        for v in variable_items(key, forms[form_key], names, b.next_id("variables")):
            b.add("variables", v)
    intervals = [
        b.add(
            "intervals",
            interval_item(
                key, INTERVAL_DISABLED_ID, INTERVAL_DISABLED_NAME, [forms[FORM_DISABLED_KEY]], True
            ),
        ),
        b.add(
            "intervals",
            interval_item(
                key, INTERVAL_SCREENING_ID, INTERVAL_SCREENING_NAME, [forms[FORM_KEY]], False
            ),
        ),
        b.add(
            "intervals",
            interval_item(
                key,
                INTERVAL_BASELINE_ID,
                INTERVAL_BASELINE_NAME,
                [forms[FORM_KEY], forms[FORM_AE_KEY]],
                False,
            ),
        ),
        b.add(
            "intervals",
            interval_item(
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
    for user in user_items():
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
    b = _Builder(study_item(SECOND_STUDY_KEY, SECOND_STUDY_ID, "Vaccine Study 02"))
    site = b.add("sites", site_item(b.key, 1, "Oslo Vaccine Centre", "Enrollment Open"))
    form = b.add("forms", form_item(b.key, 1, "VITALS", "Vital Signs", srr=True, disabled=False))
    for v in variable_items(b.key, form, {"TEMP": "float", "NOTE": "text"}, 1):
        b.add("variables", v)
    interval = b.add("intervals", interval_item(b.key, 1, "Day 1", [form], False))
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
        form_item(b.key, 2, LONG_FORM_KEY, "Patient-reported outcomes", srr=False, disabled=False),
    )
    for v in variable_items(b.key, long_form, LONG_FORM_VARIABLES, 3):
        b.add("variables", v)
    first, second = LONG_FORM_VARIABLES
    b.record(long_form, subject, {first: "no pain today", second: 7}, interval=None,
             visits=visits, minutes=8010)  # fmt: skip
    b.add("users", user_items()[0])
    return b.data


def build(subjects: int | None = None) -> list[StudyData]:
    """Fresh seed data; ``subjects`` scales the first study to N subjects (5 records each)."""
    return [_first_study(subjects), _second_study()]
