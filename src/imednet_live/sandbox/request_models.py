"""What the sandbox accepts, as pydantic types: one statement per write body and query string.

Write bodies are JSON, so their types are strict, as the spec's schemas are (a string where an
integer belongs is a violation, never coerced). Query strings are text, so their integers and
booleans are parsed. A violation becomes the API's 400 envelope (code 1000) naming the field
and the value it got (``invalid_request``); the tests generate requests from these same types.
"""

# No ``from __future__ import annotations``: RecordItem's ``__required_keys__`` must see Required.
import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError
from typing_extensions import Required, TypedDict

from imednet_live.sandbox import filters
from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.evaluation import parse_filter
from imednet_live.sandbox.responses import ApiError, bad_request

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 500  # the spec's "max 500"
_VALUE_CHARS = 80  # an offending value is quoted up to this length


# ----- POST /studies/{studyKey}/records ----------------------------------------------------
def _reject_record_data(value: object) -> object:
    """W6: the real API answers 400 to ``recordData`` (the values go in ``data``)."""
    raise PydanticCustomError("record_data", "unknown field; the record values go in data")


def _names_a_form(item: "RecordItem") -> "RecordItem":
    """The spec requires ``formKey``; ``formId`` is its documented alternative (deviations.py)."""
    if "formKey" not in item and "formId" not in item:
        raise PydanticCustomError(
            "missing", "formKey (or formId) is required", {"attribute": "formKey"}
        )
    return item


class RecordItem(TypedDict, total=False):
    """One item of the spec's ``RecordCreateRequest``, plus what the real API rejects (W6, W7).

    Undeclared fields are allowed, as the spec's schema allows them; ``recordData`` is not.
    """

    __pydantic_config__ = ConfigDict(strict=True, extra="allow")  # type: ignore[misc]

    formKey: str
    formId: int
    siteName: str
    siteId: int
    subjectKey: str
    subjectId: int
    subjectOid: str
    intervalName: str
    intervalId: int
    recordId: int
    recordOid: str
    # Before data: errors come in field order, and recordData in place of data is named as such.
    recordData: Annotated[Any, AfterValidator(_reject_record_data)]
    # W7: a missing or an empty data is a 400 on the real API.
    data: Required[Annotated[dict[str, Any], Field(min_length=1)]]


RecordCreateRequest = list[Annotated[RecordItem, AfterValidator(_names_a_form)]]
RECORD_CREATE_REQUEST: TypeAdapter[list[RecordItem]] = TypeAdapter(RecordCreateRequest)


def parse_record_create(body: bytes) -> list[RecordItem]:
    """The items of a records POST, or the 400 the real API gives before any job exists."""
    try:
        return RECORD_CREATE_REQUEST.validate_json(body)
    except ValidationError as exc:
        raise invalid_request(exc.errors(), body=True) from None


# ----- list query strings ------------------------------------------------------------------
def _blank_is_absent(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _filter_grammar(text: str | None) -> str | None:
    if text is not None:
        try:
            parse_filter(text)
        except filters.FilterSyntaxError as exc:
            raise PydanticCustomError("filter_syntax", "{reason}", {"reason": str(exc)}) from None
    return text


def _sort_term(raw: str) -> tuple[str, bool]:
    """``prop,ASC`` / ``prop,DESC`` (any case); a bare ``prop`` sorts ascending."""
    prop, _, direction = raw.partition(",")
    prop, direction = prop.strip(), direction.strip().upper() or "ASC"
    if not prop:
        raise PydanticCustomError("sort_syntax", "expected property,ASC or property,DESC")
    if direction not in ("ASC", "DESC"):
        raise PydanticCustomError("sort_syntax", "direction must be ASC or DESC")
    return prop, direction == "DESC"


FilterText = Annotated[
    str | None, BeforeValidator(_blank_is_absent), AfterValidator(_filter_grammar)
]


class ListParams(BaseModel):
    """The spec's PageParam, SizeParam, SortParam, FilterParam, RecordDataFilterParam and
    IncludeInactiveParam; ``only_for`` says which list takes which (others ignore them)."""

    model_config = ConfigDict(frozen=True)

    page: Annotated[int, Field(ge=0)] = 0
    size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE
    sort: tuple[Annotated[str, AfterValidator(_sort_term)], ...] = ()
    filter: FilterText = None
    recordDataFilter: FilterText = Field(default=None, json_schema_extra={"only_for": "records"})
    includeInactive: bool = Field(default=False, json_schema_extra={"only_for": "users"})

    def list_query(self) -> ListQuery:
        return ListQuery(
            filter=self.filter,
            record_data_filter=self.recordDataFilter,
            sort=tuple(self.sort),  # type: ignore[arg-type]  # each term validated into a pair
            include_inactive=self.includeInactive,
        )


def params_for(resource: str | None) -> tuple[str, ...]:
    """The query parameters list ``resource`` reads (the rest are ignored, as unknown ones are)."""
    names: list[str] = []
    for name, info in ListParams.model_fields.items():
        extra = info.json_schema_extra
        only_for = extra.get("only_for") if isinstance(extra, dict) else None
        if only_for is None or only_for == resource:
            names.append(name)
    return tuple(names)


_PARAMS_FOR = {r: params_for(r) for r in ("records", "users", None)}


def parse_list_params(params: Any, resource: str | None = None) -> ListParams:
    """A list request's query string (Starlette ``QueryParams``) as ``ListParams``, or a 400."""
    names = _PARAMS_FOR.get(resource) or _PARAMS_FOR[None]
    given: dict[str, Any] = {}
    for name in names:
        if name == "sort":
            if "sort" in params:
                given["sort"] = params.getlist("sort")
        elif name in params:
            given[name] = params[name]
    try:
        return ListParams.model_validate(given)
    except ValidationError as exc:
        raise invalid_request(exc.errors()) from None


# ----- the 400 envelope --------------------------------------------------------------------
_WHY = {
    "missing": "is required",
    "too_short": "must not be empty",
    "json_invalid": "must be JSON",
    "list_type": "must be a JSON array of records",
}


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return text[:_VALUE_CHARS]


def invalid_request(errors: Sequence[Mapping[str, Any]], *, body: bool = False) -> ApiError:
    """The 400 (code 1000) for the first of pydantic's (or FastAPI's) errors.

    ``attribute`` is the field's name (``body`` for the body as a whole), ``value`` the value it
    got (``record N`` for a field that is missing); the message names the record's index.
    """
    error: Mapping[str, Any] = errors[0] if errors else {"type": "value_error", "msg": "invalid"}
    loc = [part for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    names = [part for part in loc if isinstance(part, str)]
    index = next((part for part in loc if isinstance(part, int)), None)
    ctx = error.get("ctx") or {}
    attribute = str(ctx.get("attribute") or (names[-1] if names else "body"))
    kind = error.get("type", "")
    if kind == "missing":
        value = f"record {index}" if index is not None else ""
    else:
        value = _text(error.get("input"))
    why = _WHY.get(kind) if kind != "list_type" or not loc else None
    why = why or str(error.get("msg", "is invalid"))
    if body and index is not None:
        why = f"record {index}: {why}"
    return bad_request(attribute, value, why)
