"""Builders of single API items (study, site, form, variables, subject, visit, record, ...)."""

from __future__ import annotations

from typing import Any

from imednet_live.sandbox.seed.ids import (
    FORM_KEY,
    LABELS,
    SPONSOR_KEY,
    USER_ACTIVE_LOGIN,
    USER_INACTIVE_LOGIN,
    Item,
    day,
    stamp,
)


def study_item(key: str, study_id: int, name: str) -> Item:
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


def site_item(study: str, site_id: int, name: str, status: str) -> Item:
    return {
        "studyKey": study,
        "siteId": site_id,
        "siteName": name,
        "siteEnrollmentStatus": status,
        "dateCreated": stamp(site_id),
        "dateModified": stamp(100 + site_id),
    }


def form_item(
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


def variable_items(study: str, form: Item, names: dict[str, str], first_id: int) -> list[Item]:
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


def interval_item(
    study: str, interval_id: int, name: str, forms: list[Item], disabled: bool
) -> Item:
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


def ae_data(n: int) -> dict[str, Any]:
    terms = ("Bronchitis", "Headache", "Acute bronchitis", "Nausea")
    return {
        "AETERM": terms[n % len(terms)],
        "AESER": "Serious" if n % 3 == 0 else "Non-serious",
        "AESTDAT": day(20 + n % 30),
    }


def role_item(name: str, level: int, minutes: int) -> Item:
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


def user_items() -> list[Item]:
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
            "roles": [role_item(role, i + 1, 50 + i)],
        }
        for i, (uid, login, first, last, active, role) in enumerate(people)
    ]
