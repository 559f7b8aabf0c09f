"""Cross-cutting request concerns as FastAPI dependencies: latency, auth, faults, study scope."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from dataclasses import dataclass, field

from fastapi import Request

from imednet_live.core.auth import API_KEY_HEADER, SECURITY_KEY_HEADER
from imednet_live.sandbox.backend import Backend
from imednet_live.sandbox.fault_rules import FaultRule
from imednet_live.sandbox.faults import FaultInjector, matching_rule
from imednet_live.sandbox.responses import ApiError
from imednet_live.sandbox.scenarios import PostAnswer


@dataclass
class SandboxState:
    """Everything the views need, hung on ``app.state.sandbox``."""

    backend: Backend
    api_key: str
    security_key: str
    latency_ms: int = 0
    faults: FaultInjector | None = None
    fault_rules: tuple[FaultRule, ...] = ()  # persistent faults: --fail and scenario data
    # Encoded list pages keyed by (store version, study, resource, query, page, size).
    page_cache: dict[tuple[object, ...], bytes] = field(default_factory=dict)
    post_answer: PostAnswer = PostAnswer.JOB
    _posted: set[tuple[str, str]] = field(default_factory=set)
    _posted_lock: threading.Lock = field(default_factory=threading.Lock)

    def first_post(self, study_key: str, body: bytes) -> bool:
        """True the first time this exact records body is posted to the study."""
        key = (study_key, hashlib.sha256(body).hexdigest())
        with self._posted_lock:
            if key in self._posted:
                return False
            self._posted.add(key)
            return True


def sandbox_state(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def _matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


async def add_latency(request: Request) -> None:
    delay = sandbox_state(request).latency_ms
    if delay:
        await asyncio.sleep(delay / 1000)


async def require_auth(request: Request) -> None:
    """Both headers must match (constant-time); the keys are never echoed."""
    state = sandbox_state(request)
    api_ok = _matches(request.headers.get(API_KEY_HEADER), state.api_key)
    security_ok = _matches(request.headers.get(SECURITY_KEY_HEADER), state.security_key)
    if not (api_ok and security_ok):
        raise ApiError(401, "Authentication credentials missing, invalid, or expired.", code="9001")


async def inject_fault(request: Request) -> None:
    state = sandbox_state(request)
    rule = matching_rule(state.fault_rules, request.method, request.url.path)
    if rule is not None:
        if rule.delay_s:
            await asyncio.sleep(rule.delay_s)
        raise ApiError(rule.status, f"Injected fault (sandbox fault rule {rule})")
    faults = state.faults
    if faults is None:
        return
    body = await request.body() if request.method == "POST" else b""
    peer = request.client
    client = f"{peer.host}:{peer.port}" if peer is not None else "?"
    fault = faults.decide(client, request.method, request.url.path, request.url.query, body)
    if fault is not None:
        message = "Too many requests" if fault.status == 429 else "Service temporarily unavailable"
        raise ApiError(
            fault.status,
            f"{message} (sandbox flaky scenario)",
            headers={"Retry-After": fault.retry_after},
        )


def known_study(request: Request, study_key: str) -> str:
    """403 for a study the credentials cannot see (the API's answer to an unknown studyKey).

    A plain call from the views rather than a Depends: it sits on every request's hot path.
    """
    if not sandbox_state(request).backend.has_study(study_key):
        raise ApiError(403, f"Access is forbidden for study {study_key}", code="9001")
    return study_key


async def api_guard(request: Request) -> None:
    """Latency, then auth, then faults: one dependency, since each costs FastAPI ~30 us."""
    await add_latency(request)
    await require_auth(request)
    await inject_fault(request)


API_DEPENDENCIES = (api_guard,)
