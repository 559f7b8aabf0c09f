"""The one list view every list endpoint shares: validate, ask the backend, page, encode."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from imednet_live.sandbox.dependencies import sandbox_state
from imednet_live.sandbox.evaluation import effective_sort
from imednet_live.sandbox.query import parse_list_request
from imednet_live.sandbox.responses import encode, envelope_bytes, raw_json_response

_PAGE_CACHE_LIMIT = 512


def list_response(request: Request, study_key: str | None, resource: str) -> Response:
    params = request.query_params
    page, query = parse_list_request(params, resource)
    state = sandbox_state(request)
    items = state.backend.items(study_key, resource, query)
    key = (state.backend.version, study_key, resource, query, page.number, page.size)
    data = state.page_cache.get(key)
    if data is None:
        start = page.number * page.size
        data = encode(items[start : start + page.size])
        if len(state.page_cache) >= _PAGE_CACHE_LIMIT:
            state.page_cache.clear()
        state.page_cache[key] = data
    sort = [
        {"property": prop, "direction": "DESC" if desc else "ASC"}
        for prop, desc in effective_sort(resource, query.sort)
    ]
    body = envelope_bytes(
        request.method,
        request.url.path,
        page=page.number,
        size=page.size,
        total=len(items),
        sort=sort,
        data=data,
    )
    return raw_json_response(body)
