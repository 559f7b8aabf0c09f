"""``create_app``: the sandbox's ASGI application, serving one ``SandboxState``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from imednet_live.core.api_paths import API_PREFIX
from imednet_live.sandbox.audit import AuditLog
from imednet_live.sandbox.dependencies import API_DEPENDENCIES, SandboxState
from imednet_live.sandbox.middleware import AuditMiddleware
from imednet_live.sandbox.request_models import invalid_request
from imednet_live.sandbox.responses import ApiError, json_response
from imednet_live.sandbox.routers import control, records, resources, studies


def create_app(state: SandboxState, *, audit: AuditLog | None = None) -> FastAPI:
    """The app serving ``state``; swapping ``app.state.sandbox`` later resets what it serves."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.sandbox = state
    app.state.audit = audit or AuditLog()
    api_deps = [Depends(d) for d in API_DEPENDENCIES]
    api_routers = (studies.router, records.router, resources.router)  # jobs before {resource}
    for router in api_routers:
        app.include_router(router, prefix=API_PREFIX, dependencies=api_deps)
    app.include_router(control.router)
    allow = AllowTable([(API_PREFIX, r) for r in api_routers] + [("", control.router)])

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
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # RFC 9110: every method some route serves at this path
            headers["Allow"] = allow.methods(request.url.path)
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


class AllowTable:
    """Which methods each path is served for: Starlette's 405 names only the first route
    matching the path, and the API serves e.g. GET and POST at ``.../records``."""

    def __init__(self, routers: list[tuple[str, APIRouter]]) -> None:
        self._routes = [
            (compile_path(prefix + route.path)[0], frozenset(route.methods or ()))
            for prefix, router in routers
            for route in router.routes
            if isinstance(route, APIRoute)
        ]

    def methods(self, path: str) -> str:
        found = {m for regex, methods in self._routes if regex.match(path) for m in methods}
        return ", ".join(sorted(found))
