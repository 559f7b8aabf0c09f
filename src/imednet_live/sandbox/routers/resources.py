"""The 11 study sub-resource lists behind one route (fewer routes: faster matching).

Any other name under a study is a 404, as on the real API.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from imednet_live.sandbox.dependencies import known_study
from imednet_live.sandbox.responses import ApiError
from imednet_live.sandbox.routers.listing import list_response
from imednet_live.sandbox.seed import RESOURCES

router = APIRouter()
_KNOWN = frozenset(RESOURCES)


@router.get("/studies/{studyKey}/{resource}")
async def list_study_resource(
    request: Request,
    studyKey: str,
    resource: str,
) -> Response:
    study_key = known_study(request, studyKey)
    if resource not in _KNOWN:
        raise ApiError(404, "The requested resource could not be found.")
    return list_response(request, study_key, resource)
