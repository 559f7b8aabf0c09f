"""JSON bodies in the API's shapes: the list envelope and the error envelope (CONTRACT 1.3, 1.7).

Responses are pre-encoded bytes (stdlib json, compact) wrapped in a plain Starlette Response,
which skips FastAPI's per-field serialisation on the hot path.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from http import HTTPStatus
from typing import Any

from starlette.responses import Response

ERROR_DESCRIPTIONS: dict[str, str] = {
    "1000": "Field raised validation errors",
    "9000": "Unknown error",
    "9001": "Unauthorized or insufficient permission",
}

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encode(obj: Any) -> bytes:
    return _dumps(obj).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return raw_json_response(encode(body), status, headers)


def raw_json_response(
    content: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(content, status_code=status, headers=headers, media_type="application/json")


def timestamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def metadata(
    method: str, path: str, status: int = 200, error: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "status": "OK" if status < 400 else HTTPStatus(status).name,
        "method": method,
        "path": path,
        "timestamp": timestamp(),
        "error": error or {},
    }


def envelope_bytes(
    method: str,
    path: str,
    *,
    page: int,
    size: int,
    total: int,
    sort: list[dict[str, str]],
    data: bytes,
) -> bytes:
    """The list envelope around an already-encoded ``data`` array."""
    pagination = {
        "currentPage": page,
        "size": size,
        "totalPages": math.ceil(total / size),
        "totalElements": total,
        "sort": sort,
    }
    head = encode({"metadata": metadata(method, path), "pagination": pagination})
    return head[:-1] + b',"data":' + data + b"}"


class ApiError(Exception):
    """An error the API reports in its error envelope; raised by views and dependencies."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "9000",
        field: tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.field = field
        self.headers = headers

    def body(self, method: str, path: str) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "code": self.code,
            "description": ERROR_DESCRIPTIONS.get(self.code, ERROR_DESCRIPTIONS["9000"]),
        }
        if self.field is not None:
            error["field"] = {"attribute": self.field[0], "value": self.field[1]}
        return {"metadata": metadata(method, path, self.status, error)}


def bad_request(attribute: str, value: str, why: str) -> ApiError:
    return ApiError(400, f"Invalid {attribute}: {why}", code="1000", field=(attribute, value))
