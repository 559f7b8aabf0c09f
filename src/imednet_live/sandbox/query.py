"""Turn a list request's query string into validated values, or a 400 naming the field."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import QueryParams

from imednet_live.sandbox import filters
from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.evaluation import Sort, parse_filter
from imednet_live.sandbox.responses import bad_request

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 500
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class Page:
    number: int
    size: int


def _int_param(params: QueryParams, name: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(name, raw, "must be an integer") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise bad_request(name, raw, f"must be {bound}")
    return value


def parse_page(params: QueryParams) -> Page:
    return Page(
        number=_int_param(params, "page", 0, 0, None),
        size=_int_param(params, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    )


def parse_sort(params: QueryParams) -> Sort:
    """``sort=prop,ASC`` (any case), repeatable; a bare ``prop`` sorts ascending."""
    out: list[tuple[str, bool]] = []
    for raw in params.getlist("sort"):
        prop, _, direction = raw.partition(",")
        prop, direction = prop.strip(), direction.strip().upper() or "ASC"
        if not prop:
            raise bad_request("sort", raw, "expected property,ASC or property,DESC")
        if direction not in ("ASC", "DESC"):
            raise bad_request("sort", raw, "direction must be ASC or DESC")
        out.append((prop, direction == "DESC"))
    return tuple(out)


def _filter_param(params: QueryParams, name: str) -> str | None:
    raw = params.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        parse_filter(raw)
    except filters.FilterSyntaxError as exc:
        raise bad_request(name, raw, str(exc)) from None
    return raw


def parse_list_query(
    params: QueryParams, *, record_data: bool = False, users: bool = False
) -> ListQuery:
    include_inactive = False
    if users and "includeInactive" in params:
        raw = params["includeInactive"]
        if raw.lower() not in _BOOLEANS:
            raise bad_request("includeInactive", raw, "must be true or false")
        include_inactive = _BOOLEANS[raw.lower()]
    return ListQuery(
        filter=_filter_param(params, "filter"),
        record_data_filter=_filter_param(params, "recordDataFilter") if record_data else None,
        sort=parse_sort(params),
        include_inactive=include_inactive,
    )
