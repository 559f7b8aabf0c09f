"""``create_app``: the sandbox's ASGI application, serving one ``SandboxState``."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.responses import Response

from imednet_live.sandbox.audit import AuditLog
from imednet_live.sandbox.dependencies import API_DEPENDENCIES, SandboxState
from imednet_live.sandbox.middleware import AuditMiddleware
from imednet_live.sandbox.request_models import invalid_request
from imednet_live.sandbox.responses import ApiError, json_response
from imednet_live.sandbox.routers import control, records, resources, studies

API_PREFIX = "/api/v1/edc"


def create_app(state: SandboxState, *, audit: AuditLog | None = None) -> FastAPI:
    """The app serving ``state``; swapping ``app.state.sandbox`` later resets what it serves."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.sandbox = state
    app.state.audit = audit or AuditLog()
    api_deps = [Depends(d) for d in API_DEPENDENCIES]
    for router in (studies.router, records.router, resources.router):  # jobs before {resource}
        app.include_router(router, prefix=API_PREFIX, dependencies=api_deps)
    app.include_router(control.router)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return json_response(
            exc.body(request.method, request.url.path), status=exc.status, headers=exc.headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = (
            "The requested resource could not be found."
            if exc.status_code == 404
            else str(exc.detail)
        )
        error = ApiError(exc.status_code, message)
        headers = exc.headers
        if exc.status_code == 405:  # RFC 9110: every method some route serves at this path
            headers = {**(headers or {}), "Allow": allowed_methods(app, request)}
        return json_response(
            error.body(request.method, request.url.path), status=exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """FastAPI's own validation answers the API's 400 (code 1000), never its default 422."""
        error = invalid_request(exc.errors())
        return json_response(error.body(request.method, request.url.path), status=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """A sandbox bug still answers in the API's shape (500, code 9000)."""
        error = ApiError(500, "An unexpected server error occurred.")
        return json_response(error.body(request.method, request.url.path), status=500)

    app.add_middleware(AuditMiddleware, audit=app.state.audit)
    return app


def allowed_methods(app: FastAPI, request: Request) -> str:
    """Starlette's 405 names only the first route matching the path; the API serves them all."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))
