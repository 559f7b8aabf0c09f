"""The seed's identifiers and constants: what tests and other modules name.

The identifiers are constants so tests can name them instead of rediscovering them;
the items that carry them are built in items.py, the studies in studies.py.
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
