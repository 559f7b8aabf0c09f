"""Scrubbing rules on crafted traffic: credentials, e-mails, subject identifiers, free text."""

from __future__ import annotations

import json

import pytest
from vcr.request import Request

from imednet_live.recording.cassettes import scrub_request, scrub_response
from imednet_live.recording.scrub import TEXT_PLACEHOLDER, Scrubber

SECRET = "s3cr3t-api-key-value"


@pytest.fixture
def scrubber() -> Scrubber:
    return Scrubber(key=b"k1", secrets=(SECRET, "other-secret"))


@pytest.mark.parametrize(
    "name",
    ["x-api-key", "X-API-KEY", "X-Api-Key", "x-imn-security-key", "X-IMN-SECURITY-KEY",
     "X-Imn-Security-Key", "Cookie", "COOKIE", "Set-Cookie", "set-cookie", "Authorization"],
)  # fmt: skip
def test_every_credential_header_spelling_is_dropped(scrubber: Scrubber, name: str) -> None:
    request = Request("GET", "https://h/api/v1/edc/studies", None, {name: "v", "Accept": "x"})
    clean = scrub_request(scrubber, request)
    assert [h.lower() for h in clean.headers] == ["accept"]
    response = {"status": {"code": 200, "message": "OK"}, "headers": {name: ["v"]},
                "body": {"string": b""}}  # fmt: skip
    assert scrub_response(scrubber, response, "studies")["headers"] == {}


def test_a_configured_secret_is_masked_wherever_it_appears(scrubber: Scrubber) -> None:
    request = Request(
        "POST",
        f"https://h/api/v1/edc/studies?note={SECRET}",
        json.dumps({"deep": [{"x": f"prefix {SECRET} suffix"}]}).encode(),
        {"X-Trace": SECRET},
    )
    clean = scrub_request(scrubber, request)
    assert SECRET not in clean.uri
    assert SECRET not in clean.body.decode()
    assert SECRET not in json.dumps(dict(clean.headers))


def test_nested_emails_and_user_identity_are_replaced(scrubber: Scrubber) -> None:
    body = {
        "data": [
            {
                "login": "jdoe",
                "firstName": "Jane",
                "lastName": "Doe",
                "email": "jane.doe@pharma.example.com",
                "roles": [{"note": "ask jane.doe@pharma.example.com or x@y.org"}],
            }
        ]
    }
    clean = json.loads(scrubber.body(json.dumps(body), "users") or "")
    text = json.dumps(clean)
    for value in ("jdoe", "Jane", "Doe", "@"):
        assert value not in text
    user = clean["data"][0]
    assert user["login"].startswith("user-")
    assert user["firstName"].startswith("name-")


def test_subject_keys_in_paths_filters_and_bodies_share_one_pseudonym(scrubber: Scrubber) -> None:
    url = scrubber.url(
        'https://h/api/v1/edc/studies/S1/subjects/SUBJ-0042?filter=subjectKey=="SUBJ-0042";siteId==3'
    )
    body = json.loads(
        scrubber.body(json.dumps({"data": [{"subjectKey": "SUBJ-0042"}]}), "subjects") or ""
    )
    pseudonym = body["data"][0]["subjectKey"]
    assert pseudonym.startswith("subj-")
    assert "SUBJ-0042" not in url
    assert url.count(pseudonym) == 2, url
    assert "siteId%3D%3D3" in url  # other filter terms are kept


def test_pseudonyms_are_consistent_keyed_and_idempotent(scrubber: Scrubber) -> None:
    first = scrubber.pseudonym("subj", "SUBJ-1")
    assert scrubber.pseudonym("subj", "SUBJ-1") == first
    assert scrubber.pseudonym("subj", "SUBJ-2") != first
    assert Scrubber(key=b"another").pseudonym("subj", "SUBJ-1") != first
    assert scrubber.pseudonym("subj", first) == first  # replay requests match
    assert scrubber.pseudo_id(scrubber.pseudo_id(42)) == scrubber.pseudo_id(42)


def test_record_data_follows_the_variable_type(scrubber: Scrubber) -> None:
    variables = {"data": [{"variableName": "NOTE", "variableType": "memo"},
                          {"variableName": "BRTHDAT", "variableType": "date"},
                          {"variableName": "SEX", "variableType": "radio"}]}  # fmt: skip
    scrubber.body(json.dumps(variables), "variables")
    record = {"data": [{"recordData": {"NOTE": "patient said", "BRTHDAT": "1971-02-03",
                                       "SEX": "2", "TAG": "lt0123456789gw0"}}]}  # fmt: skip
    clean = json.loads(scrubber.body(json.dumps(record), "records") or "")["data"][0]
    shifted = clean["recordData"].pop("BRTHDAT")
    assert shifted != "1971-02-03"  # shifted, not erased: still a date in the same format
    assert len(shifted) == len("1971-02-03")
    assert shifted[4] == shifted[7] == "-"
    assert clean["recordData"] == {
        "NOTE": TEXT_PLACEHOLDER,
        "SEX": "2",  # coded values are kept
        "TAG": "lt0123456789gw0",  # the harness's write tags survive for replay
    }


def test_query_comments_and_coding_verbatims_are_replaced(scrubber: Scrubber) -> None:
    queries = {"data": [{"queryComments": [{"comment": "Subject fell at home", "user": "mm"}]}]}
    comment = json.loads(scrubber.body(json.dumps(queries), "queries") or "")["data"][0]
    assert comment["queryComments"][0]["comment"] == "[comment]"
    assert comment["queryComments"][0]["user"].startswith("user-")
    codings = {"data": [{"value": "headache after fall", "code": "10019211"}]}
    coding = json.loads(scrubber.body(json.dumps(codings), "codings") or "")["data"][0]
    assert coding == {"value": "[verbatim]", "code": "10019211"}
