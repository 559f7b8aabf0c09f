"""Run inside a venv holding one SDK build; prints what sdk_compat decides there, as JSON."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from imednet_live.sdk import compat as sdk_compat


class OnceUnavailable(BaseHTTPRequestHandler):
    """Answers the first POST 503 (as if processed, then lost), every later one 202."""

    posts = 0

    def do_POST(self) -> None:
        type(self).posts += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        first = type(self).posts == 1
        body = (
            b'{"metadata": {"status": "SERVICE_UNAVAILABLE", "error": {}}}'
            if first
            else b'{"jobId": "j1", "batchId": "b1", "state": "CREATED"}'
        )
        self.send_response(503 if first else 202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def post_after_503() -> dict[str, object]:
    """How the build treats a POST answered 503: retried (a duplicate risk) or raised."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), OnceUnavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    kwargs = {"api_key": "k", "security_key": "s", "base_url": url}
    try:
        with sdk_compat.open_sync(kwargs) as sdk:  # type: ignore[arg-type]
            try:
                sdk.records.create("S", [{"formKey": "F", "subjectKey": "X", "data": {}}])
                outcome = "accepted"
            except Exception as exc:
                outcome = type(exc).__name__
    finally:
        server.shutdown()
    return {"posts": OnceUnavailable.posts, "outcome": outcome}


kwargs = {"api_key": "k", "security_key": "s", "base_url": "http://127.0.0.1:9"}
found: dict[str, object] = {
    "distributions": sdk_compat.installed_distributions(),
    "missing": sdk_compat.missing_surfaces(),
    "extras": sorted(sdk_compat.extras()),
    "pandas_hint": sdk_compat.pandas_install_hint(),
    "job_failed_error": sdk_compat.job_failed_error().__name__,
}
try:
    found["workflows"] = sdk_compat.workflow_module("study_structure").__name__
except sdk_compat.SurfaceMissing as exc:
    found["workflows"] = f"missing: {exc.distribution}"
try:
    found["airflow_package"] = sdk_compat.airflow_package()
except sdk_compat.SurfaceMissing as exc:
    found["airflow_package"] = f"missing: {exc.distribution}"
found["cli_is_click"] = sdk_compat.cli_is_click(sdk_compat.cli_entry())
with sdk_compat.open_sync(kwargs) as sync_client:  # type: ignore[arg-type]
    found["sync_open"] = type(sync_client).__name__
client = sdk_compat.open_async(kwargs)  # type: ignore[arg-type]
try:
    client.close()
    found["naive_async_close"] = "ok"
except TypeError:
    found["naive_async_close"] = "TypeError"
sdk_compat.close_async(client)
sdk_compat.close_async(client)  # idempotent
found["compat_async_close"] = "ok"
found["post_after_503"] = post_after_503()
print(json.dumps(found))
