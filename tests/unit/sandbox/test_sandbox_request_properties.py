"""Property-based requests to every sandbox operation, generated from its own request models.

Valid and invalid write bodies come from ``request_models.RecordItem`` (each field's declared
JSON type, and values of every other JSON type), query strings from ``ListParams``. Checked:
no 5xx ever; an invalid write is 400 code 1000 naming the field, and starts no job; a valid one
is 202 with a job. One sandbox per module (a real HTTP server), a bounded, derandomized run.
"""

from __future__ import annotations

import asyncio
import json
import typing
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imednet_live import sandbox
from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.request_models import MAX_PAGE_SIZE, ListParams, RecordItem, params_for

PROPERTIES = settings(
    max_examples=25,
    deadline=None,  # a loaded machine must not turn slowness into a failure
    derandomize=True,  # CI sees the same examples every run
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
STUDY = seed.STUDY_KEY
RECORDS = f"/studies/{STUDY}/records"
JSON_TYPES = ("string", "integer", "number", "boolean", "null", "array", "object")


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    """A private sandbox: the generated writes must not disturb other modules' data."""
    with sandbox.running() as handle:
        yield handle


@pytest.fixture(scope="module")
def client(sb: SandboxHandle) -> Iterator[httpx.Client]:
    headers = {"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}
    with httpx.Client(base_url=sb.base_url + "/api/v1/edc", headers=headers) as c:
        yield c


def _no_5xx(response: httpx.Response) -> httpx.Response:
    assert response.status_code < 500, f"{response.request.url}: {response.text}"
    return response


def _assert_400_naming(response: httpx.Response, attribute: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error = response.json()["metadata"]["error"]
    assert error["code"] == "1000", error
    assert error["field"]["attribute"] == attribute, error
    assert attribute in error["message"], error
    return dict(error)


# ----- strategies from the models --------------------------------------------------------
_HINTS = typing.get_type_hints(RecordItem, include_extras=True)


def _json_type(hint: Any) -> str | None:
    """The JSON type a RecordItem field declares (None: the field is refused whatever it holds)."""
    base = typing.get_args(hint)[0] if typing.get_origin(hint) is typing.Annotated else hint
    base = typing.get_args(base)[0] if typing.get_origin(base) is typing.Required else base
    if typing.get_origin(base) is typing.Annotated:
        base = typing.get_args(base)[0]
    origin = typing.get_origin(base) or base
    return {str: "string", int: "integer", dict: "object"}.get(origin)


FIELDS = {name: _json_type(hint) for name, hint in _HINTS.items()}
REFUSED = sorted(name for name, kind in FIELDS.items() if kind is None)
TYPED = sorted(name for name, kind in FIELDS.items() if kind is not None)

_scalar = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),  # what JSON can carry
    st.booleans(),
    st.none(),
)
_json = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
# Seeded names mixed in, so some generated writes reach a record and apply.
_seed_names = [*seed.FORM_VARIABLES, *seed.AE_VARIABLES]
_SAMPLES: dict[str, list[Any]] = {
    "formKey": [seed.FORM_KEY, seed.FORM_AE_KEY],
    "subjectKey": [seed.SUBJECT_ENROLLED[1], seed.SUBJECT_ACTIVE[1]],
    "intervalName": [seed.INTERVAL_BASELINE_NAME],
}


def _of_type(kind: str) -> st.SearchStrategy[Any]:
    return {
        "string": st.text(max_size=20),
        "integer": st.integers(min_value=-(2**63), max_value=2**63 - 1),
        "number": st.floats(allow_nan=False, allow_infinity=False).filter(
            lambda f: not f.is_integer()
        ),
        "boolean": st.booleans(),
        "null": st.none(),
        "array": st.lists(_scalar, max_size=3),
        "object": st.dictionaries(st.text(min_size=1, max_size=8), _json, min_size=1, max_size=4),
    }[kind]


def _valid_value(name: str) -> st.SearchStrategy[Any]:
    kind = FIELDS[name]
    assert kind is not None
    if name == "data":
        keys = st.sampled_from(_seed_names) | st.text(min_size=1, max_size=8)
        return st.dictionaries(keys, _json, min_size=1, max_size=4)
    generated = _of_type(kind)
    return st.sampled_from(_SAMPLES[name]) | generated if name in _SAMPLES else generated


@st.composite
def valid_items(draw: st.DrawFn) -> dict[str, Any]:
    optional = [n for n in TYPED if n not in RecordItem.__required_keys__]
    chosen = draw(st.sets(st.sampled_from(optional), max_size=len(optional)))
    if not chosen & {"formKey", "formId"}:
        chosen.add(draw(st.sampled_from(["formKey", "formId"])))
    item = {
        name: draw(_valid_value(name)) for name in sorted(chosen | RecordItem.__required_keys__)
    }
    if draw(st.booleans()):  # undeclared fields are allowed, as the spec's schema allows them
        item[draw(st.sampled_from(["comment", "x-extra"]))] = draw(_json)
    return item


@st.composite
def invalid_bodies(draw: st.DrawFn) -> tuple[list[Any], str]:
    """A body of valid items but one, whose one fault is named by the returned attribute."""
    items = draw(st.lists(valid_items(), min_size=1, max_size=3))
    index = draw(st.integers(min_value=0, max_value=len(items) - 1))
    item = items[index]
    fault = draw(st.sampled_from(["wrong-type", "missing", "empty-data", "refused", "no-form"]))
    if fault == "wrong-type":
        name = draw(st.sampled_from(TYPED))
        declared = FIELDS[name]
        wrong = [
            k for k in JSON_TYPES if k != declared and not (declared == "number" and k == "integer")
        ]
        item[name] = draw(_of_type(draw(st.sampled_from(wrong))))
    elif fault == "missing":
        name = "data"
        del item["data"]
    elif fault == "empty-data":
        name = "data"
        item["data"] = {}
    elif fault == "refused":
        name = draw(st.sampled_from(REFUSED))
        item[name] = draw(_json)
    else:
        name = "formKey"
        item.pop("formKey", None)
        item.pop("formId", None)
    return items, name


# ----- writes ----------------------------------------------------------------------------
def test_the_model_declares_every_spec_field() -> None:
    """What the strategies walk: the spec's RecordCreateRequest item fields, W6's recordData."""
    assert set(TYPED) == {
        "formKey", "formId", "siteName", "siteId", "subjectKey", "subjectId", "subjectOid",
        "intervalName", "intervalId", "recordId", "recordOid", "data",
    }  # fmt: skip
    assert REFUSED == ["recordData"]


@PROPERTIES
@given(body=st.lists(valid_items(), max_size=3))
def test_a_valid_write_is_accepted_with_a_job(
    client: httpx.Client, sb: SandboxHandle, body: list[dict[str, Any]]
) -> None:
    response = _no_5xx(client.post(RECORDS, json=body))
    assert response.status_code == 202, response.text
    batch = response.json()["batchId"]
    assert _no_5xx(client.get(f"/studies/{STUDY}/jobs/{batch}")).json()["batchId"] == batch


@PROPERTIES
@given(case=invalid_bodies())
def test_an_invalid_write_is_400_naming_the_field_and_starts_no_job(
    client: httpx.Client, sb: SandboxHandle, case: tuple[list[Any], str]
) -> None:
    body, attribute = case
    before = len(sb.jobs())
    _assert_400_naming(_no_5xx(client.post(RECORDS, json=body)), attribute)
    assert len(sb.jobs()) == before


@PROPERTIES
@given(body=_json.filter(lambda b: not isinstance(b, list)) | st.lists(_scalar, min_size=1))
def test_a_body_that_is_no_array_of_objects_is_400(client: httpx.Client, body: Any) -> None:
    """The issue's ``[null, null]`` among them: an array where the spec has objects."""
    # Sent as JSON text: httpx's json=None would send no body at all, not ``null``.
    sent = client.post(
        RECORDS, content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    error = _assert_400_naming(_no_5xx(sent), "body")
    offending = body[0] if isinstance(body, list) else body
    text = (
        offending
        if isinstance(offending, str)
        else json.dumps(offending, ensure_ascii=False, separators=(",", ":"))
    )
    assert error["field"]["value"] == text[:80]


@PROPERTIES
@given(raw=st.binary(max_size=40))
def test_any_bytes_posted_never_get_a_5xx(client: httpx.Client, raw: bytes) -> None:
    response = _no_5xx(client.post(RECORDS, content=raw))
    assert response.status_code in (202, 400), response.text


@settings(PROPERTIES, max_examples=10)
@given(
    data=st.dictionaries(st.sampled_from(sorted(seed.FORM_VARIABLES)), _json, min_size=1),
    subject=st.sampled_from(_SAMPLES["subjectKey"]),
)
def test_an_applied_write_of_any_values_breaks_no_read(
    client: httpx.Client, sb: SandboxHandle, data: dict[str, Any], subject: str
) -> None:
    """A write that reaches a record stores its values as given; no list or filter then fails."""
    item = {"formKey": seed.FORM_KEY, "subjectKey": subject, "data": data}
    batch = _no_5xx(client.post(RECORDS, json=[item])).json()["batchId"]
    sb.finish_jobs()
    job = _no_5xx(client.get(f"/studies/{STUDY}/jobs/{batch}")).json()
    assert job["state"].upper() in ("COMPLETED", "FAILED"), job
    for resource in seed.RESOURCES:
        listed = _no_5xx(client.get(f"/studies/{STUDY}/{resource}", params={"size": 500}))
        assert listed.status_code == 200, listed.text
    for name in data:
        for text in (f'{name}=="x"', f"{name}>1", f"{name}=~a", f"{name}!=true"):
            response = _no_5xx(client.get(RECORDS, params={"recordDataFilter": text}))
            assert response.status_code == 200, response.text


# ----- query strings ---------------------------------------------------------------------
LISTS = ["/studies", *(f"/studies/{STUDY}/{r}" for r in seed.RESOURCES), f"/studies/{STUDY}/jobs"]
_attr = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_filter = st.builds(
    lambda a, op, v: f"{a}{op}{v}",
    _attr,
    st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "=~"]),
    st.from_regex(r"[A-Za-z0-9_.\-]{1,8}", fullmatch=True)
    | st.text(max_size=8).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)


def _resource(path: str) -> str | None:
    tail = path.rsplit("/", 1)[-1]
    return tail if tail in ("records", "users") else None


@st.composite
def valid_params(draw: st.DrawFn, path: str) -> list[tuple[str, str]]:
    names = params_for(_resource(path))
    values: dict[str, st.SearchStrategy[list[str]]] = {
        "page": st.integers(0, 10**6).map(lambda n: [str(n)]),
        "size": st.integers(1, MAX_PAGE_SIZE).map(lambda n: [str(n)]),
        "sort": st.lists(
            st.builds(
                lambda a, d: f"{a},{d}" if d else a, _attr, st.sampled_from(["", "ASC", "desc"])
            ),
            max_size=2,
        ),
        "filter": _filter.map(lambda f: [f]),
        "recordDataFilter": _filter.map(lambda f: [f]),
        "includeInactive": st.sampled_from(["true", "false", "True"]).map(lambda b: [b]),
    }
    assert set(values) == set(ListParams.model_fields)
    assert set(names) <= set(values)
    chosen = draw(st.sets(st.sampled_from(names)))
    return [(name, value) for name in sorted(chosen) for value in draw(values[name])]


_INVALID: dict[str, st.SearchStrategy[str]] = {
    "page": st.integers(max_value=-1).map(str) | st.from_regex(r"[A-Za-z]{1,6}", fullmatch=True),
    "size": st.integers(max_value=0).map(str)
    | st.integers(min_value=MAX_PAGE_SIZE + 1).map(str)
    | st.just("1.5"),
    "sort": st.builds(lambda a, d: f"{a},{d}", _attr, st.sampled_from(["UP", "sideways"]))
    | st.just(",ASC"),
    "filter": st.sampled_from(["siteId=>1", 'siteName=="open', "siteId", "(a==1", "a==1;"]),
    "recordDataFilter": st.sampled_from(["AETERM", "a=~", "a==1,"]),
    "includeInactive": st.sampled_from(["maybe", "2", "null"]),
}


@PROPERTIES
@given(data=st.data(), path=st.sampled_from(LISTS))
def test_valid_query_strings_are_served(
    client: httpx.Client, data: st.DataObject, path: str
) -> None:
    params = data.draw(valid_params(path))
    response = _no_5xx(client.get(path, params=params))
    assert response.status_code == 200, response.text


@PROPERTIES
@given(data=st.data(), path=st.sampled_from(LISTS))
def test_an_invalid_query_value_is_400_naming_it(
    client: httpx.Client, data: st.DataObject, path: str
) -> None:
    name = data.draw(st.sampled_from(params_for(_resource(path))))
    bad = data.draw(_INVALID[name])
    params = [*data.draw(valid_params(path)), (name, bad)]
    params = [p for p in params if p[0] != name or p[1] == bad]
    error = _assert_400_naming(_no_5xx(client.get(path, params=params)), name)
    assert error["field"]["value"] == bad


@PROPERTIES
@given(
    path=st.sampled_from(LISTS),
    params=st.lists(
        st.tuples(st.sampled_from(list(ListParams.model_fields)), st.text(max_size=12)), max_size=4
    ),
)
def test_any_query_text_never_gets_a_5xx(
    client: httpx.Client, path: str, params: list[tuple[str, str]]
) -> None:
    response = _no_5xx(client.get(path, params=params))
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert response.json()["metadata"]["error"]["field"]["attribute"] in ListParams.model_fields


@PROPERTIES
@given(
    segment=st.text(min_size=1, max_size=12),
    template=st.sampled_from(
        [
            "/studies/{}",
            "/studies/{}/sites",
            f"/studies/{STUDY}/{{}}",
            f"/studies/{STUDY}/jobs/{{}}",
            f"/studies/{STUDY}/jobs/{{}}/result",
            "/studies/{}/records",
        ]
    ),
)
def test_any_path_segment_never_gets_a_5xx(
    client: httpx.Client, segment: str, template: str
) -> None:
    response = _no_5xx(client.get(template.format(quote(segment, safe=""))))
    assert response.status_code in (200, 403, 404), response.text


# ----- methods ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "allow"),
    [
        (RECORDS, "GET, POST"),
        (f"/studies/{STUDY}/sites", "GET"),
        ("/studies", "GET"),
        (f"/studies/{STUDY}/jobs/b-1", "GET"),
    ],
)
@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_a_405_lists_the_allowed_methods(
    client: httpx.Client, path: str, allow: str, method: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["metadata"]["status"] == "METHOD_NOT_ALLOWED"


def test_fastapis_own_validation_answers_the_api_400_not_422() -> None:
    """A route validated by FastAPI itself (none of the sandbox's today) gets the same envelope."""
    from imednet_live.sandbox.app import API_PREFIX, create_app
    from imednet_live.sandbox.backend import Backend
    from imednet_live.sandbox.dependencies import SandboxState

    app = create_app(SandboxState(backend=Backend(seed.build()), api_key="k", security_key="s"))

    @app.get(API_PREFIX + "/probe")
    async def probe(count: int) -> dict[str, int]:
        return {"count": count}

    async def get(count: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as c:
            return await c.get(API_PREFIX + "/probe", params={"count": count})

    assert asyncio.run(get("7")).json() == {"count": 7}
    response = asyncio.run(get("seven"))
    assert response.status_code == 400
    error = response.json()["metadata"]["error"]
    assert (error["code"], error["field"]) == ("1000", {"attribute": "count", "value": "seven"})
