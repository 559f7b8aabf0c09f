"""One TLS context per process for the SDK's HTTP clients, not one per client.

httpx builds an ``SSLContext`` for every client and parses certifi's CA bundle into it
each time (encode/httpx#3627, still open; OpenSSL 3 made that parsing about 5x slower,
python/cpython#95031), even for a plain-http target. The live suite builds an SDK client
per test, sync and async: in the exports session 3.9 s of its 12 s of CPU went there.
A context is safe to share between clients and threads (httpx's own advice is to pass one
as ``verify=``), so the default one (``verify=True``, no client certificate) is built
once per process, keyed by the variables httpx reads for it. Anything else is built as
httpx builds it. Nothing about verification changes.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_install_lock = threading.Lock()
_cache_lock = threading.Lock()
_installed = False


def install() -> bool:
    """Share the default TLS context from now on in this process; False where httpx cannot."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        try:
            from httpx._transports import default
        except ImportError:
            return False
        original = getattr(default, "create_ssl_context", None)
        if original is None:  # httpx before 0.28 builds its contexts another way
            return False
        cache: dict[tuple[bool, str | None, str | None], Any] = {}

        def shared(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
            if verify is not True or cert is not None:
                return original(verify=verify, cert=cert, trust_env=trust_env)
            env = os.environ
            key = (trust_env, env.get("SSL_CERT_FILE"), env.get("SSL_CERT_DIR"))
            with _cache_lock:
                if key not in cache:
                    cache[key] = original(verify=verify, cert=cert, trust_env=trust_env)
                return cache[key]

        default.create_ssl_context = shared
        _installed = True
        return True
