"""Sandbox-only endpoints under ``/_sandbox/`` (authenticated, never audited)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from imednet_live.sandbox.dependencies import require_auth
from imednet_live.sandbox.responses import json_response

router = APIRouter(prefix="/_sandbox", dependencies=[Depends(require_auth)])


@router.get("/requests")
async def audited_requests(request: Request) -> Response:
    return json_response(request.app.state.audit.entries())
