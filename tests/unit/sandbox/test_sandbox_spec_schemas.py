"""Every response body validated against ../shared/imednet-api/mednet.yaml (skipped without it).

The spec's schemas are tightened (no undeclared properties) and then relaxed only by the
deviations listed in imednet_live.sandbox.deviations, so an undocumented difference fails.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.deviations import (
    DEVIATIONS,
    DOCUMENTED_BY,
    EXTRA_PROPERTIES,
    JOB_EXTRAS_SCENARIO,
    SCENARIO_EXTRA_PROPERTIES,
    SCHEMA_OVERRIDES,
)
from imednet_live.sandbox.seed import FORM_KEY, RESOURCES, STUDY_KEY

jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")


API_DOCS = Path(__file__).resolve().parents[3].parent / "shared" / "imednet-api"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return tightened_spec()


def tightened_spec(scenario_extras: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The spec with the documented extras (and a scenario's own) and nothing else allowed."""
    path = API_DOCS / "mednet.yaml"
    if not path.is_file():
        pytest.skip("../shared/imednet-api/mednet.yaml is not beside the repo")
    raw = yaml.safe_load(path.read_text())
    schemas = raw["components"]["schemas"]
    for (schema, prop), override in SCHEMA_OVERRIDES.items():
        schemas[schema]["properties"][prop] = override
    for schema, extra in EXTRA_PROPERTIES.items():
        schemas[schema]["properties"].update(extra)
    for schema, extra in (scenario_extras or {}).items():
        schemas[schema]["properties"].update(extra)
    for name, schema in schemas.items():
        if name != "RecordCreateRequest" and "properties" in schema:
            schema["additionalProperties"] = False
    return raw


def resolve(node: Any, root: dict[str, Any]) -> Any:
    """Inline $refs and turn OpenAPI 3.0 ``nullable`` into a JSON-schema type union."""
    if isinstance(node, list):
        return [resolve(n, root) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return resolve(copy.deepcopy(target), root)
    out = {k: resolve(v, root) for k, v in node.items() if k not in ("example", "examples")}
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def response_schema(spec: dict[str, Any], method: str, path: str, status: str) -> dict[str, Any]:
    response = resolve(spec["paths"][path][method]["responses"][status], spec)
    return response["content"]["application/json"]["schema"]


def check(spec: dict[str, Any], body: Any, method: str, path: str, status: str) -> None:
    jsonschema.validate(body, response_schema(spec, method, path, status))


@pytest.fixture
def client(
    sandbox_writable: SandboxHandle, raw_client: Callable[..., httpx.Client]
) -> httpx.Client:
    return raw_client(sandbox_writable)


def test_every_deviation_is_described() -> None:
    assert all(d.where and d.what and d.why for d in DEVIATIONS)


def test_studies_list(spec: dict[str, Any], client: httpx.Client) -> None:
    body = client.get("/studies").json()
    assert body["data"]
    check(spec, body, "get", "/studies", "200")


@pytest.mark.parametrize("resource", RESOURCES)
def test_study_resource_lists(spec: dict[str, Any], client: httpx.Client, resource: str) -> None:
    params = {"size": 500, **({"includeInactive": "true"} if resource == "users" else {})}
    body = client.get(f"/studies/{STUDY_KEY}/{resource}", params=params).json()
    assert body["data"], f"nothing to validate for {resource}"
    check(spec, body, "get", f"/studies/{{studyKey}}/{resource}", "200")


def test_record_post_and_job_states(spec: dict[str, Any], client: httpx.Client) -> None:
    good = [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {"AGE": 5}}]
    accepted = client.post(f"/studies/{STUDY_KEY}/records", json=good)
    assert accepted.status_code == 202
    check(spec, accepted.json(), "post", "/studies/{studyKey}/records", "202")
    job_path = "/studies/{studyKey}/jobs/{batchId}"
    fresh = client.get(f"/studies/{STUDY_KEY}/jobs/{accepted.json()['batchId']}").json()
    check(spec, fresh, "get", job_path, "200")  # created/PROCESSING: null dates
    bad = client.post(
        f"/studies/{STUDY_KEY}/records", json=[{"formKey": "NOPE", "data": {"AGE": 5}}]
    )
    sb_jobs = [accepted.json()["batchId"], bad.json()["batchId"]]
    for batch in sb_jobs:
        for _ in range(200):  # bounded: jobs finish in ~0.25 s
            job = client.get(f"/studies/{STUDY_KEY}/jobs/{batch}").json()
            if job["state"] in ("COMPLETED", "FAILED"):
                break
            client.get("/studies")  # any request moves the clock-driven state forward
        check(spec, job, "get", job_path, "200")
    listed = client.get(f"/studies/{STUDY_KEY}/jobs").json()
    schema = {"type": "array", "items": response_schema(spec, "get", job_path, "200")}
    jsonschema.validate(listed, schema)


@pytest.mark.parametrize(
    ("path", "params", "headers", "status"),
    [
        ("/studies/PHARMADEMO/sites", {"size": "0"}, None, "400"),
        ("/studies/PHARMADEMO/sites", None, {"x-api-key": "wrong"}, "401"),
        ("/studies/NOPE/sites", None, None, "403"),
    ],
)
def test_error_bodies(
    spec: dict[str, Any], client: httpx.Client, path: str, params: Any, headers: Any, status: str
) -> None:
    response = client.get(path, params=params, headers=headers)
    assert str(response.status_code) == status
    check(spec, response.json(), "get", "/studies/{studyKey}/sites", status)


def test_job_not_found_body(spec: dict[str, Any], client: httpx.Client) -> None:
    response = client.get(f"/studies/{STUDY_KEY}/jobs/missing")
    assert response.status_code == 404
    check(spec, response.json(), "get", "/studies/{studyKey}/jobs/{batchId}", "404")


def test_every_field_the_default_sandbox_adds_is_documented() -> None:
    """The spec's schemas plus these extras are all the default scenario may send (the tests
    above validate its bodies against exactly that), and each extra is in a document."""
    assert set(DOCUMENTED_BY) == {(s, p) for s, props in EXTRA_PROPERTIES.items() for p in props}
    for (schema, prop), (document, text) in DOCUMENTED_BY.items():
        path = API_DOCS / document
        if not path.is_file():
            pytest.skip(f"../shared/imednet-api/{document} is not beside the repo")
        content = path.read_text(encoding="utf-8")
        assert text in content, f"{schema}.{prop}: {document} does not say {text!r}"
        assert prop in text


def test_bare_study(spec: dict[str, Any], client: httpx.Client) -> None:
    body = client.get(f"/studies/{STUDY_KEY}").json()
    jsonschema.validate(body, resolve(spec["components"]["schemas"]["Study"], spec))


def test_job_extras_are_only_in_their_scenario(
    spec: dict[str, Any], scenario_sandboxes: Callable[[str], SandboxHandle],
    raw_client: Callable[..., httpx.Client],
) -> None:  # fmt: skip
    client = raw_client(scenario_sandboxes(JOB_EXTRAS_SCENARIO))
    (job,) = client.get(f"/studies/{STUDY_KEY}/jobs").json()
    assert {"studyKey", "recordIds"} <= set(job)
    job_schema = response_schema(spec, "get", "/studies/{studyKey}/jobs/{batchId}", "200")
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate(job, job_schema)
    extended = tightened_spec(SCENARIO_EXTRA_PROPERTIES[JOB_EXTRAS_SCENARIO])
    check(extended, job, "get", "/studies/{studyKey}/jobs/{batchId}", "200")
