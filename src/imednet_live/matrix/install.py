"""Installing a profile (and the SDK build under test) into a session's venv.

nox is imported where it is used: this module is the noxfile's, and nothing else needs nox.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.core import env_vars
from imednet_live.core.profiles import PROFILES
from imednet_live.core.settings import ConfigError
from imednet_live.matrix.checkout import Checkout
from imednet_live.sdk import resolution as dep_resolution
from imednet_live.sdk.resolution import Resolution
from imednet_live.sdk.selection import (
    DISTRIBUTION_NAMES,
    SdkSelection,
    SdkSpec,
    filtered_constraints,
    install_failure_line,
    parse_selection,
)

if TYPE_CHECKING:
    import nox

SDK_VARIABLES = (env_vars.SDK, env_vars.SDK_WORKFLOWS, env_vars.SDK_AIRFLOW)


def session_python(session: nox.Session) -> str:
    """The session venv's X.Y, so its install uses the matching constraints file."""
    if isinstance(session.python, str):
        return session.python
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def install_profile(
    session: nox.Session, checkout: Checkout, profile: str, *, sdk: bool = False
) -> None:
    """The profile from its constraints; with ``sdk``, the SDK build IMEDNET_SDK* selects."""
    from nox.logger import logger as nox_logger

    extras = ",".join(PROFILES[profile].extras)
    constraints = checkout.constraints_file(profile, session_python(session))
    if not constraints.exists():
        session.error(
            f"no constraints file {constraints.relative_to(checkout.root)}; run: nox -s lock"
        )
    try:
        res = dep_resolution.parse(os.environ)
    except ConfigError as exc:
        session.error(str(exc))
    upgrade = res is not Resolution.LOCKED and dep_resolution.take_upgrade(session.posargs)
    if res is not Resolution.LOCKED and session.venv_backend != "uv":
        session.error(f"{env_vars.RESOLUTION}={res} needs nox's uv backend: pip install 'nox[uv]'")
    selection = sdk_selection(session, checkout) if sdk else SdkSelection()
    specs = selection.for_profile(PROFILES[profile])
    for left_out in selection.left_out(PROFILES[profile]):
        session.log(
            f"{left_out.dist.variable}: not installed in profile {profile} "
            f"({left_out.dist.name} needs {', '.join(sorted(left_out.dist.needs))})"
        )
    for gap in selection.gaps_for(PROFILES[profile]):
        # Red but not fatal: the build simply lacks the package, and the plugin skips
        # its tests as dependency-missing, naming it (sdk_compat.missing_surfaces).
        nox_logger.error(gap.line(PROFILES[profile]))
    stamp = InstallStamp.of(
        session, checkout, profile, extras, constraints, specs,
        dep_resolution.stamp_parts(res), upgrade,
    )  # fmt: skip
    if stamp is not None and stamp.current():
        session.log(f"install: as in this venv's last session ({constraints.name}), skipped")
    else:
        if stamp is not None:  # written again only once this install has succeeded
            stamp.path.unlink(missing_ok=True)
        install_packages(
            session, checkout, extras, constraints, specs, selection, sdk=sdk, resolution=res
        )
    # The resolved set goes into the log (googleapis practice) and the venv is
    # proved to hold exactly its profile's optional packages.
    check = ["--freeze", *(["--sdk"] if sdk else []), profile]
    session.run("python", "-m", "imednet_live.matrix.profile_check", *check)
    if res is not Resolution.LOCKED:  # what moved away from the lock, named once per session
        session.run("python", "-m", "imednet_live.sdk.resolution", str(constraints))
    # Every worker, sandbox and subprocess then imports from bytecode (matrix/bytecode.py).
    session.run("python", "-m", "imednet_live.matrix.bytecode")
    if stamp is not None and stamp.digest is not None:
        stamp.path.write_text(stamp.digest + "\n", encoding="utf-8")


@dataclass(frozen=True)
class InstallStamp:
    """What was last installed in a venv, as a digest of the install's inputs.

    Its inputs are the profile, its constraints, our pyproject and a version-pinned SDK
    selection: when they are as last time, the install is skipped (warm: bench_matrix) and
    profile_check still proves the venv. A wheel or a checkout may change under the same
    name, so those always install (``digest`` None).
    """

    path: Path
    digest: str | None
    force: bool = False  # posargs asked to resolve again: install, then stamp as usual

    @classmethod
    def of(
        cls,
        session: nox.Session,
        checkout: Checkout,
        profile: str,
        extras: str,
        constraints: Path,
        specs: tuple[SdkSpec, ...],
        resolution: tuple[str, ...] = (),
        upgrade: bool = False,
    ) -> InstallStamp | None:
        """None without a venv of nox's own (``venv_backend="none"``).

        ``resolution`` is the resolution's part of the key (resolution.stamp_parts: a
        `latest` install goes stale each day); ``upgrade`` (posargs) resolves again now.
        """
        from nox.virtualenv import VirtualEnv

        venv = getattr(session, "virtualenv", None)
        if not isinstance(venv, VirtualEnv):
            return None
        path = Path(venv.location) / ".imednet-live-install"
        if any(spec.kind != "version" for spec in specs):
            return cls(path, None)
        digest = hashlib.sha256()
        for part in (
            profile,
            extras,
            constraints.read_text(encoding="utf-8"),
            (checkout.root / "pyproject.toml").read_text(encoding="utf-8"),
            *(spec.requirement() for spec in specs),
            sys.version,
            *resolution,
        ):
            digest.update(part.encode() + b"\0")
        return cls(path, digest.hexdigest(), force=upgrade)

    def current(self) -> bool:
        if self.digest is None or self.force:
            return False
        try:
            return self.path.read_text(encoding="utf-8").strip() == self.digest
        except OSError:
            return False


def install_packages(
    session: nox.Session,
    checkout: Checkout,
    extras: str,
    constraints: Path,
    specs: tuple[SdkSpec, ...],
    selection: SdkSelection,
    *,
    sdk: bool,
    resolution: Resolution = Resolution.LOCKED,
) -> None:
    """Install the profile (and the SDK build ``specs`` name) into the session venv."""
    if specs:
        install_sdk_build(session, checkout, extras, constraints, specs, selection, resolution)
    elif (sdk or resolution is not Resolution.LOCKED) and session.venv_backend == "uv":
        # Not session.install: nox -R skips that, and would leave an earlier build in place.
        switches = dep_resolution.uv_install_args(resolution, constraints)
        code, output = uv_pip(session, checkout, "install", "-e", f".[{extras}]", *switches)
        if code != 0 and resolution is not Resolution.LOCKED:
            session.error(dep_resolution.failure_line(resolution, output))
        if code != 0:
            session.error(install_failure_line(selection, output))
    else:
        session.install("-e", f".[{extras}]", "-c", str(constraints))
    if sdk:
        # A reused venv drops what an earlier selection added (unset brings back the pin).
        chosen = {spec.dist.name for spec in specs}
        stale = [name for name in DISTRIBUTION_NAMES[1:] if name not in chosen]
        if session.venv_backend == "uv":
            uv_pip(session, checkout, "uninstall", *stale)  # "not installed" is only a warning
        else:
            session.run("python", "-m", "pip", "uninstall", "-y", "-q", *stale, silent=True)
    if session.venv_backend == "uv":
        # uv keeps an editable install as is in a reused venv; refresh our own package.
        session.install("--reinstall-package", "imednet-live", "--no-deps", "-e", ".")


def sdk_selection(session: nox.Session, checkout: Checkout) -> SdkSelection:
    try:
        return parse_selection(os.environ, checkout.root)
    except ConfigError as exc:
        session.error(str(exc))


def uv_pip(session: nox.Session, checkout: Checkout, *args: str) -> tuple[int, str]:
    """``uv pip ARGS`` into the session's venv; returns the exit code and the output.

    Run here rather than through session.install so a failure becomes one line of ours,
    not the installer's whole log.
    """
    from nox.virtualenv import UV

    if session.venv_backend != "uv":
        session.error(
            f"installing an SDK build ({', '.join(v for v in SDK_VARIABLES if os.environ.get(v))})"
            " needs nox's uv backend; install it with: python3 -m pip install 'nox[uv]'"
        )
    python = Path(session.bin) / "python"
    command = [UV, "pip", *args[:1], "--python", str(python), *args[1:]]
    session.log(" ".join(["uv", "pip", *args]))
    done = subprocess.run(command, cwd=checkout.root, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def install_sdk_build(
    session: nox.Session,
    checkout: Checkout,
    extras: str,
    constraints: Path,
    specs: tuple[SdkSpec, ...],
    selection: SdkSelection,
    resolution: Resolution = Resolution.LOCKED,
) -> None:
    """The profile and the selected SDK build in one resolution; the SDK's own pin yields.

    Our harness extra pins ``imednet>=0.5,<0.6`` and the constraints pin 0.5.0. uv's
    ``--override`` replaces every requirement on a selected distribution (ours and the
    companions' ``imednet>=0.8``) with the selection itself, and the selected names are
    dropped from the constraints; every other pin still holds. A checkout is then
    re-installed editable without touching its dependencies.
    """
    tmp = Path(session.create_tmp())
    names = tuple(spec.dist.name for spec in specs)
    narrowed = tmp / f"sdk-{constraints.name}"
    narrowed.write_text(filtered_constraints(constraints.read_text(), names))
    overrides = tmp / "sdk-overrides.txt"
    overrides.write_text("".join(f"{spec.requirement()}\n" for spec in specs))
    # A rebuilt wheel or a checkout keeps its version: reinstall it from the file.
    refresh = [
        a for s in specs if s.kind != "version" for a in ("--reinstall-package", s.dist.name)
    ]
    code, output = uv_pip(
        session, checkout, "install", "-e", f".[{extras}]", *(s.requirement() for s in specs),
        *dep_resolution.uv_install_args(resolution, narrowed),
        "--override", str(overrides), *refresh,
    )  # fmt: skip
    if code == 0:
        for spec in (s for s in specs if s.editable):
            code, output = uv_pip(session, checkout, "install", "--no-deps", "-e", spec.target)
    if code != 0 and resolution is not Resolution.LOCKED:
        session.error(dep_resolution.failure_line(resolution, output))
    if code != 0:
        session.error(install_failure_line(selection, output))
    session.log(f"SDK build: {selection.describe()}")
