"""Turn a list request's query string into validated values, or a 400 naming the field.

The parameters' shapes are ``request_models.ListParams``; this module only splits the result
into what the pager and the backend each take.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import QueryParams

from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.request_models import parse_list_params


@dataclass(frozen=True)
class Page:
    number: int
    size: int


def parse_list_request(params: QueryParams, resource: str | None) -> tuple[Page, ListQuery]:
    parsed = parse_list_params(params, resource)
    return Page(parsed.page, parsed.size), parsed.list_query()


def parse_list_query(params: QueryParams) -> ListQuery:
    """The filter and sort of a list outside the spec (``GET jobs``); paging is not served."""
    return parse_list_params(params).list_query()
