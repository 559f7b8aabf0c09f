"""``/studies`` and ``/studies/{studyKey}`` (the latter a bare Study, outside the spec)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from imednet_live.sandbox.dependencies import known_study, sandbox_state
from imednet_live.sandbox.responses import json_response
from imednet_live.sandbox.routers.listing import list_response

router = APIRouter()


@router.get("/studies")
async def list_studies(request: Request) -> Response:
    return list_response(request, None, "studies")


@router.get("/studies/{studyKey}")
async def get_study(request: Request, studyKey: str) -> Response:
    study_key = known_study(request, studyKey)
    return json_response(sandbox_state(request).backend.study(study_key))
