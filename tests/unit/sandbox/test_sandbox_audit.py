"""The request audit: in memory, over HTTP, and as a JSON-lines file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

from imednet_live.sandbox import SandboxHandle


def test_audit_in_memory_http_and_file(
    sandbox_factory: Callable[..., SandboxHandle],
    raw_client: Callable[..., httpx.Client],
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.jsonl"
    sb = sandbox_factory(audit_path=path, api_key="k-secret", security_key="s-secret")
    client = raw_client(sb)
    client.get("/studies", params={"filter": 'studyKey=="PHARMADEMO"'})
    client.post("/studies/PHARMADEMO/records", json=[])
    httpx.get(sb.base_url + "/api/v1/edc/studies")  # no keys: 401, still audited
    seen = [(e["method"], e["path"], e["status"]) for e in sb.requests()]
    assert seen == [
        ("GET", "/api/v1/edc/studies", 200),
        ("POST", "/api/v1/edc/studies/PHARMADEMO/records", 202),
        ("GET", "/api/v1/edc/studies", 401),
    ]
    assert sb.requests()[0]["query"] == "filter=studyKey%3D%3D%22PHARMADEMO%22"
    over_http = httpx.get(
        sb.base_url + "/_sandbox/requests",
        headers={"x-api-key": "k-secret", "x-imn-security-key": "s-secret"},
    ).json()
    assert over_http == sb.requests()  # the control endpoint does not audit itself
    assert httpx.get(sb.base_url + "/_sandbox/requests").status_code == 401
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == sb.requests()  # flushed per line, readable while the server runs
    assert "k-secret" not in path.read_text()
    assert "s-secret" not in path.read_text()
