"""The unmodified SDK 0.5.0 (sync and async) reading every resource from a running sandbox."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from imednet import AsyncImednetSDK
from imednet.errors import (
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
)

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.seed import STUDY_KEY

# (SDK endpoint, API resource, id field in JSON, id attribute on the SDK model)
RESOURCES = [
    ("studies", "studies", "studyKey", "study_key"),
    ("sites", "sites", "siteId", "site_id"),
    ("forms", "forms", "formId", "form_id"),
    ("intervals", "intervals", "intervalId", "interval_id"),
    ("visits", "visits", "visitId", "visit_id"),
    ("subjects", "subjects", "subjectKey", "subject_key"),
    ("users", "users", "userId", "user_id"),
    ("variables", "variables", "variableId", "variable_id"),
    ("codings", "codings", "codingId", "coding_id"),
    ("queries", "queries", "annotationId", "annotation_id"),
    ("record_revisions", "recordRevisions", "recordRevisionId", "record_revision_id"),
    ("records", "records", "recordId", "record_id"),
]
IDS = [r[0] for r in RESOURCES]


def stored(sb: SandboxHandle, resource: str, **query: Any) -> list[dict[str, Any]]:
    study = None if resource == "studies" else STUDY_KEY
    return sb.backend.items(study, resource, ListQuery(**query))


def study_arg(endpoint: str) -> str | None:
    return None if endpoint == "studies" else STUDY_KEY


@pytest.mark.parametrize(("endpoint", "resource", "json_id", "model_id"), RESOURCES, ids=IDS)
def test_sync_list_and_get(
    sandbox_default: SandboxHandle,
    make_sdk: Callable[..., Any],
    endpoint: str,
    resource: str,
    json_id: str,
    model_id: str,
) -> None:
    sdk = make_sdk(sandbox_default)
    expected = stored(sandbox_default, resource)
    assert expected, f"seed has no {resource}"
    listed = getattr(sdk, endpoint).list(study_arg(endpoint))
    assert [getattr(m, model_id) for m in listed] == [i[json_id] for i in expected]
    # The LAST item: a get that ignored its filter would return the first one.
    target = expected[-1][json_id]
    got = getattr(sdk, endpoint).get(study_arg(endpoint), target)
    assert getattr(got, model_id) == target


@pytest.mark.parametrize(("endpoint", "resource", "json_id", "model_id"), RESOURCES, ids=IDS)
def test_async_list_and_get(
    sandbox_default: SandboxHandle, endpoint: str, resource: str, json_id: str, model_id: str
) -> None:
    expected = stored(sandbox_default, resource)

    async def run() -> tuple[list[Any], Any]:
        async with AsyncImednetSDK(**sandbox_default.sdk_kwargs()) as sdk:
            ep = getattr(sdk, endpoint)
            listed = await ep.async_list(study_arg(endpoint))
            got = await ep.async_get(study_arg(endpoint), expected[-1][json_id])
            return listed, got

    listed, got = asyncio.run(run())
    assert [getattr(m, model_id) for m in listed] == [i[json_id] for i in expected]
    assert getattr(got, model_id) == expected[-1][json_id]


def test_jobs_list_and_get_sync_and_async(
    sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
) -> None:
    # An empty batch changes no data, so the read-only fixture stays as seeded.
    batch = str(sandbox_default.backend.create_job(STUDY_KEY, [])["batchId"])
    sdk = make_sdk(sandbox_default)
    assert batch in [j.batch_id for j in sdk.jobs.list(STUDY_KEY)]
    assert sdk.jobs.get(STUDY_KEY, batch).batch_id == batch

    async def run() -> tuple[list[Any], Any]:
        async with AsyncImednetSDK(**sandbox_default.sdk_kwargs()) as asdk:
            return await asdk.jobs.async_list(STUDY_KEY), await asdk.jobs.async_get(
                STUDY_KEY, batch
            )

    listed, got = asyncio.run(run())
    assert batch in [j.batch_id for j in listed]
    assert got.batch_id == batch


def test_get_study_bare_object(http: httpx.Client) -> None:
    body = http.get(f"/studies/{STUDY_KEY}").json()
    assert body["studyKey"] == STUDY_KEY
    assert "metadata" not in body


def test_users_include_inactive(
    sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(sandbox_default)
    active = {u.login for u in sdk.users.list(STUDY_KEY)}
    everyone = {u.login for u in sdk.users.list(STUDY_KEY, include_inactive=True)}
    assert seed.USER_INACTIVE_LOGIN not in active
    assert everyone == active | {seed.USER_INACTIVE_LOGIN}


def test_sdk_filters_subjects_by_site_name_and_key_list(
    sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(sandbox_default)
    at_site = sdk.subjects.list(STUDY_KEY, site_name=seed.SITE_OPEN_NAME)
    assert at_site
    assert {s.site_name for s in at_site} == {seed.SITE_OPEN_NAME}
    keys = [seed.SUBJECT_ENROLLED[1], seed.SUBJECT_ACTIVE[1]]
    assert sorted(s.subject_key for s in sdk.subjects.list(STUDY_KEY, subject_key=keys)) == sorted(
        keys
    )


def test_sdk_record_data_filter(
    sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(sandbox_default)
    hits = sdk.records.list(STUDY_KEY, record_data_filter='AETERM=="Bronchitis"')
    assert hits
    assert {r.record_data["AETERM"] for r in hits} == {"Bronchitis"}
    contains = sdk.records.list(STUDY_KEY, record_data_filter="AETERM=~bronch")
    assert {r.record_data["AETERM"] for r in contains} == {"Bronchitis", "Acute bronchitis"}


def test_sdk_pages_through_more_than_one_page(
    sandbox_scaled: SandboxHandle, make_sdk: Callable[..., Any]
) -> None:
    expected = stored(sandbox_scaled, "records")
    assert len(expected) > 200
    before = len(sandbox_scaled.requests())
    records = make_sdk(sandbox_scaled).records.list(STUDY_KEY)
    assert [r.record_id for r in records] == [r["recordId"] for r in expected]
    pages = [
        e["query"] for e in sandbox_scaled.requests()[before:] if e["path"].endswith("/records")
    ]
    assert len(pages) == math.ceil(len(expected) / 100)


class TestRawPagination:
    @pytest.mark.parametrize("size", [1, 7, 25, 500])
    def test_pages_concatenate_to_the_full_list(self, http: httpx.Client, size: int) -> None:
        first = http.get("/studies/PHARMADEMO/records", params={"size": size}).json()
        total = first["pagination"]["totalElements"]
        assert first["pagination"]["totalPages"] == math.ceil(total / size)
        ids: list[int] = []
        for page in range(first["pagination"]["totalPages"]):
            body = http.get(
                "/studies/PHARMADEMO/records", params={"size": size, "page": page}
            ).json()
            assert body["pagination"]["currentPage"] == page
            assert body["pagination"]["size"] == size
            ids += [r["recordId"] for r in body["data"]]
        assert ids == sorted(ids)
        assert len(ids) == len(set(ids)) == total

    def test_page_past_the_end_is_empty(self, http: httpx.Client) -> None:
        body = http.get("/studies/PHARMADEMO/sites", params={"page": 99}).json()
        assert body["data"] == []
        assert body["pagination"]["totalElements"] == 4

    def test_envelope_shape(self, http: httpx.Client) -> None:
        body = http.get("/studies/PHARMADEMO/sites").json()
        assert body["metadata"]["status"] == "OK"
        assert body["metadata"]["path"] == "/api/v1/edc/studies/PHARMADEMO/sites"
        assert body["metadata"]["error"] == {}
        assert body["pagination"]["size"] == 25
        assert body["pagination"]["sort"] == [{"property": "siteId", "direction": "ASC"}]


class TestRawSortAndFilter:
    def ids(self, http: httpx.Client, resource: str, key: str, **params: Any) -> list[Any]:
        response = http.get(f"/studies/PHARMADEMO/{resource}", params={"size": 500, **params})
        assert response.status_code == 200, response.text
        return [item[key] for item in response.json()["data"]]

    @pytest.mark.parametrize("direction", ["DESC", "desc"])
    def test_sort_descending(self, http: httpx.Client, direction: str) -> None:
        names = self.ids(http, "sites", "siteName", sort=f"siteName,{direction}")
        assert names == sorted(names, reverse=True)

    def test_repeated_sort_params(self, http: httpx.Client) -> None:
        resp = http.get(
            "/studies/PHARMADEMO/subjects",
            params=[("sort", "siteId,asc"), ("sort", "subjectId,DESC"), ("size", 500)],
        )
        pairs = [(s["siteId"], s["subjectId"]) for s in resp.json()["data"]]
        assert pairs == sorted(pairs, key=lambda p: (p[0], -p[1]))
        assert resp.json()["pagination"]["sort"][1] == {
            "property": "subjectId",
            "direction": "DESC",
        }

    @pytest.mark.parametrize(
        ("flt", "expected"),
        [
            ("siteId==2", [2]),
            ("siteId!=2", [1, 3, 4]),
            ("siteId<3", [1, 2]),
            ("siteId<=3", [1, 2, 3]),
            ("siteId>3", [4]),
            ("siteId>=3", [3, 4]),
            ("siteId>=2;siteId<=3", [2, 3]),
            ("siteId>=2 and siteId<=3", [2, 3]),
            ("siteId==1,siteId==4", [1, 4]),
            ("siteId==1 or siteId==4", [1, 4]),
            ("siteId==1,siteId>=3;siteId<4", [1, 3]),
            ('siteName=="Minneapolis Clinic"', [2]),
            ("siteEnrollmentStatus==ACTIVE", [3]),
            ("noSuchAttribute==1", [1, 2, 3, 4]),
            ("dateCreated>2024-01-15T09:02:30", [3, 4]),
        ],
    )
    def test_filter_operators_and_connectors(
        self, http: httpx.Client, flt: str, expected: list[int]
    ) -> None:
        assert self.ids(http, "sites", "siteId", filter=flt) == expected

    def test_boolean_filter_as_the_sdk_sends_it(self, http: httpx.Client) -> None:
        assert self.ids(http, "forms", "formId", filter="disabled==True") == [seed.FORM_DISABLED_ID]
        assert seed.FORM_DISABLED_ID not in self.ids(
            http, "forms", "formId", filter="disabled==False"
        )

    def test_visit_date_filter(self, http: httpx.Client) -> None:
        cutoff = "2024-02-01"
        dates = self.ids(http, "visits", "visitDate", filter=f"visitDate<{cutoff}")
        assert dates
        assert all(d < cutoff for d in dates)

    def test_filter_on_users(self, http: httpx.Client) -> None:
        assert self.ids(http, "users", "login", filter=f"login=={seed.USER_ACTIVE_LOGIN}") == [
            seed.USER_ACTIVE_LOGIN
        ]

    def test_study_scoped_path_ignores_study_key_terms(self, http: httpx.Client) -> None:
        a = self.ids(
            http,
            "subjects",
            "subjectId",
            filter="subjectKey==02-002,subjectKey==03-001;studyKey==PHARMADEMO",
        )
        assert a == [2, 3]

    def test_other_study_is_separate(self, http: httpx.Client) -> None:
        body = http.get(f"/studies/{seed.SECOND_STUDY_KEY}/subjects").json()
        assert {s["studyKey"] for s in body["data"]} == {seed.SECOND_STUDY_KEY}


class TestErrors:
    def test_sdk_wrong_key_is_unauthorized(
        self, sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
    ) -> None:
        sdk = make_sdk(sandbox_default, retries=1)
        sdk_bad = type(sdk)(
            api_key="wrong",
            security_key=sandbox_default.security_key,
            base_url=sandbox_default.base_url,
        )
        with sdk_bad, pytest.raises(UnauthorizedError) as err:
            sdk_bad.studies.list()
        assert err.value.status_code == 401

    def test_sdk_unknown_study_is_forbidden(
        self, sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
    ) -> None:
        with pytest.raises(ForbiddenError):
            make_sdk(sandbox_default).sites.list("NO-SUCH-STUDY")

    def test_sdk_missing_job_is_not_found(
        self, sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
    ) -> None:
        with pytest.raises(NotFoundError):
            make_sdk(sandbox_default).jobs.get(STUDY_KEY, "no-such-batch")

    def test_sdk_malformed_filter_is_bad_request(
        self, sandbox_default: SandboxHandle, make_sdk: Callable[..., Any]
    ) -> None:
        with pytest.raises(BadRequestError) as err:
            make_sdk(sandbox_default).sites.list(STUDY_KEY, siteId=("=>", 1))
        assert err.value.response["metadata"]["error"]["field"]["attribute"] == "filter"

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"x-api-key": "sandbox-api-key"},
            {"x-imn-security-key": "sandbox-security-key"},
            {"x-api-key": "sandbox-api-key", "x-imn-security-key": "nope"},
        ],
    )
    def test_both_keys_are_required(
        self, sandbox_default: SandboxHandle, headers: dict[str, str]
    ) -> None:
        response = httpx.get(sandbox_default.base_url + "/api/v1/edc/studies", headers=headers)
        assert response.status_code == 401
        error = response.json()["metadata"]
        assert (error["status"], error["error"]["code"]) == ("UNAUTHORIZED", "9001")
        assert "sandbox-api-key" not in response.text
        assert "sandbox-security-key" not in response.text

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"page": "XX"}, "page"),
            ({"page": "-1"}, "page"),
            ({"size": "0"}, "size"),
            ({"size": "501"}, "size"),
            ({"size": "ten"}, "size"),
            ({"sort": "siteId,UP"}, "sort"),
            ({"sort": ",ASC"}, "sort"),
            ({"filter": "siteId=>1"}, "filter"),
            ({"filter": 'siteName=="open'}, "filter"),
        ],
    )
    def test_malformed_query_values(
        self, http: httpx.Client, params: dict[str, str], field: str
    ) -> None:
        response = http.get("/studies/PHARMADEMO/sites", params=params)
        assert response.status_code == 400
        meta = response.json()["metadata"]
        assert meta["status"] == "BAD_REQUEST"
        assert meta["error"]["code"] == "1000"
        assert meta["error"]["field"] == {"attribute": field, "value": next(iter(params.values()))}
        assert meta["error"]["description"]

    def test_bad_record_data_filter_and_include_inactive(self, http: httpx.Client) -> None:
        bad = http.get("/studies/PHARMADEMO/records", params={"recordDataFilter": "AETERM"})
        assert bad.json()["metadata"]["error"]["field"]["attribute"] == "recordDataFilter"
        bad = http.get("/studies/PHARMADEMO/users", params={"includeInactive": "maybe"})
        assert bad.status_code == 400

    @pytest.mark.parametrize(
        "path", ["/nope", "/studies/PHARMADEMO/nothing", "/studies/PHARMADEMO/sites/1/x"]
    )
    def test_unknown_paths_are_404(self, http: httpx.Client, path: str) -> None:
        response = http.get(path)
        assert response.status_code == 404
        assert response.json()["metadata"]["status"] == "NOT_FOUND"

    def test_unknown_study_is_403_with_code_9001(self, http: httpx.Client) -> None:
        for path in ("/studies/NOPE", "/studies/NOPE/records", "/studies/NOPE/jobs/x"):
            response = http.get(path)
            assert response.status_code == 403
            assert response.json()["metadata"]["error"]["code"] == "9001"
