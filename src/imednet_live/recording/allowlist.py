"""Which JSON fields of the iMednet API carry no personal data: the scrubber's allowlist.

Data only, one row per field the spec (``mednet.yaml`` components) or the SDK's request
models define, grouped by schema. A field's rule says what the scrubber does with it;
``KEEP`` is the only rule that lets a value through as it is. A field missing here is
unknown: the scrubber keeps its name and JSON type and never its value, so drift still
sees it (``tests/unit/recording/test_allowlist.py`` fails naming any spec field missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum


class Rule(str, Enum):
    KEEP = "keep"  # identifiers and keys of study structure, statuses, types, flags, counts
    SUBJECT_KEY = "subject-key"  # keyed pseudonym (joins across resources hold)
    SUBJECT_ID = "subject-id"  # keyed numeric pseudonym
    USER = "user"  # a login or user name: keyed pseudonym
    NAME = "name"  # a person's name: keyed pseudonym
    EMAIL = "email"  # keyed pseudonym, not e-mail shaped
    TEXT = "text"  # free text: a placeholder
    SUBJECT_DATE = "subject-date"  # shifted by the subject's per-run offset, format kept
    STUDY_DATE = "study-date"  # a study-level timestamp: kept
    RECORD_DATA = "record-data"  # {variable: value}, judged by the variable's type
    PATH = "path"  # an API path: subject keys in it pseudonymised
    ERROR_TEXT = "error-text"  # a server message: personal values seen in the run replaced


K, SK, SI, T = Rule.KEEP, Rule.SUBJECT_KEY, Rule.SUBJECT_ID, Rule.TEXT
U, N, E = Rule.USER, Rule.NAME, Rule.EMAIL
SD, STD, RD = Rule.SUBJECT_DATE, Rule.STUDY_DATE, Rule.RECORD_DATA

# schema -> field -> Rule, or the name of the schema its objects (or list items) follow.
SCHEMAS: Mapping[str, Mapping[str, Rule | str]] = {
    "Envelope": {"metadata": "Metadata", "pagination": "Pagination", "data": "*item*"},
    "Metadata": {"status": K, "method": K, "path": Rule.PATH, "timestamp": STD, "error": "Error"},
    "Error": {"message": Rule.ERROR_TEXT, "code": K, "status": K, "details": Rule.ERROR_TEXT},
    "Pagination": {"currentPage": K, "size": K, "totalPages": K, "totalElements": K,
                   "sort": "Sort"},
    "Sort": {"property": K, "direction": K},
    "Study": {"sponsorKey": K, "studyKey": K, "studyId": K, "studyName": K,
              "studyDescription": T, "studyType": K, "dateCreated": STD, "dateModified": STD},
    "Site": {"studyKey": K, "siteId": K, "siteName": K, "siteEnrollmentStatus": K,
             "dateCreated": STD, "dateModified": STD},
    "Form": {"studyKey": K, "formId": K, "formKey": K, "formName": K, "formType": K,
             "revision": K, "embeddedLog": K, "enforceOwnership": K, "userAgreement": K,
             "subjectRecordReport": K, "unscheduledVisit": K, "otherForms": K, "eproForm": K,
             "allowCopy": K, "disabled": K, "dateCreated": STD, "dateModified": STD},
    "Interval": {"studyKey": K, "intervalId": K, "intervalName": K, "intervalDescription": T,
                 "intervalSequence": K, "intervalGroupId": K, "intervalGroupName": K,
                 "timeline": K, "definedUsingInterval": K, "windowCalculationForm": K,
                 "windowCalculationDate": K, "actualDateForm": K, "actualDate": K,
                 "dueDateWillBeIn": K, "negativeSlack": K, "positiveSlack": K,
                 "eproGracePeriod": K, "forms": "IntervalForm", "disabled": K,
                 "dateCreated": STD, "dateModified": STD},
    "IntervalForm": {"formId": K, "formKey": K, "formName": K},
    "Visit": {"studyKey": K, "visitId": K, "intervalId": K, "intervalName": K,
              "subjectId": SI, "subjectKey": SK, "startDate": SD, "endDate": SD, "dueDate": SD,
              "visitDate": SD, "visitDateForm": K, "visitDateQuestion": K, "deleted": K,
              "dateCreated": SD, "dateModified": SD},
    "Subject": {"studyKey": K, "subjectId": SI, "subjectOid": SK, "subjectKey": SK,
                "subjectStatus": K, "siteId": K, "siteName": K, "deleted": K,
                "enrollmentStartDate": SD, "dateCreated": SD, "dateModified": SD,
                "keywords": "Keyword"},
    "Keyword": {"keywordName": K, "keywordKey": K, "keywordId": K, "dateAdded": SD},
    "User": {"userId": K, "login": U, "firstName": N, "lastName": N, "email": E,
             "userActiveInStudy": K, "roles": "Role"},
    "Role": {"dateCreated": STD, "dateModified": STD, "roleId": K, "communityId": K, "name": K,
             "description": T, "level": K, "type": K, "inactive": K},
    "Variable": {"studyKey": K, "variableId": K, "variableType": K, "variableName": K,
                 "sequence": K, "revision": K, "disabled": K, "dateCreated": STD,
                 "dateModified": STD, "formId": K, "variableOid": K, "deleted": K, "formKey": K,
                 "formName": K, "label": K, "blinded": K},
    "Coding": {"studyKey": K, "siteName": K, "siteId": K, "subjectId": SI, "subjectKey": SK,
               "formId": K, "formName": K, "formKey": K, "revision": K, "recordId": K,
               "variable": K, "value": T, "codingId": K, "code": K, "codedBy": U, "reason": T,
               "dictionaryName": K, "dictionaryVersion": K, "dateCoded": SD},
    "Query": {"studyKey": K, "subjectId": SI, "subjectOid": SK, "annotationType": K,
              "annotationId": K, "type": K, "description": T, "recordId": K, "variable": K,
              "subjectKey": SK, "dateCreated": SD, "dateModified": SD,
              "queryComments": "QueryComment"},
    "QueryComment": {"sequence": K, "annotationStatus": K, "user": U, "comment": T, "closed": K,
                     "date": SD},
    "RecordRevision": {"studyKey": K, "recordRevisionId": K, "recordId": K, "recordOid": K,
                       "recordRevision": K, "dataRevision": K, "recordStatus": K,
                       "subjectId": SI, "subjectOid": SK, "subjectKey": SK, "siteId": K,
                       "formKey": K, "intervalId": K, "role": K, "user": U,
                       "reasonForChange": T, "deleted": K, "dateCreated": SD},
    "Record": {"studyKey": K, "intervalId": K, "formId": K, "formKey": K, "siteId": K,
               "recordId": K, "recordOid": K, "recordType": K, "recordStatus": K, "deleted": K,
               "dateCreated": SD, "dateModified": SD, "subjectId": SI, "subjectOid": SK,
               "subjectKey": SK, "visitId": K, "parentRecordId": K, "keywords": "Keyword",
               "recordData": RD},
    # What the SDK posts to /records (the spec leaves RecordCreateRequest open).
    "RecordCreateRequest": {"formKey": K, "formId": K, "siteName": K, "siteId": K,
                            "subjectKey": SK, "subjectId": SI, "subjectOid": SK,
                            "intervalName": K, "intervalId": K, "recordId": K, "data": RD},
    "RecordJobStatus": {"jobId": K, "batchId": K, "state": K},
    "Job": {"jobId": K, "batchId": K, "state": K, "dateCreated": STD, "dateStarted": STD,
            "dateFinished": STD, "progress": K, "resultUrl": K},
}  # fmt: skip

# API collection (the path segment after the study key) -> schema of its items.
RESOURCES: Mapping[str, str] = {
    "studies": "Study",
    "sites": "Site",
    "forms": "Form",
    "intervals": "Interval",
    "visits": "Visit",
    "subjects": "Subject",
    "users": "User",
    "variables": "Variable",
    "codings": "Coding",
    "queries": "Query",
    "recordRevisions": "RecordRevision",
    "records": "Record",
    "jobs": "Job",
}
# Request bodies follow their own schema where it differs from the listed items.
REQUEST_SCHEMAS: Mapping[str, str] = {"records": "RecordCreateRequest"}
# A body that is one object, not an envelope (jobs/{batchId}; the 202 of POST /records).
SINGLE_OBJECT: Mapping[str, str] = {"jobs": "Job", "records": "RecordJobStatus"}
# Fields naming the subject an object belongs to, in the order the date shift prefers.
SUBJECT_OF: tuple[str, ...] = ("subjectKey", "subjectOid", "subjectId")
