"""Prove a venv matches its profile: ``python -m imednet_live.matrix.profile_check PROFILE``.

Run by every live session right after install, so a broken install (pyarrow missing
from ``exports``) or a leaky one (pandas inside ``core``) turns the session red before
any test gets the chance to skip for the wrong reason.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import sys

from packaging.specifiers import SpecifierSet

from imednet_live.core.profiles import DISTRIBUTIONS, OPTIONAL_PACKAGES, Profile, get_profile
from imednet_live.core.settings import ConfigError
from imednet_live.sdk import compat as sdk_compat
from imednet_live.sdk.selection import DISTRIBUTION_NAMES, SdkSelection, parse_selection


def importable_packages() -> frozenset[str]:
    """Optional packages this interpreter can import (find_spec: no import side effects)."""
    return frozenset(p for p in OPTIONAL_PACKAGES if importlib.util.find_spec(p) is not None)


def freeze() -> list[str]:
    """``name==version`` of every installed distribution, like ``pip freeze`` without pip."""
    dists = {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()}
    return [f"{name}=={version}" for name, version in sorted(dists.items())]


def mismatches(profile: Profile, present: frozenset[str]) -> list[str]:
    problems = [
        f"{DISTRIBUTIONS[p]} is missing (profile {profile.name} needs it)"
        for p in sorted(profile.packages - present)
    ]
    problems += [
        f"{DISTRIBUTIONS[p]} is installed but profile {profile.name} must not have it"
        for p in sorted(present - profile.packages)
    ]
    return problems


def sdk_mismatches(
    profile: Profile, selection: SdkSelection, installed: dict[str, str]
) -> list[str]:
    """The SDK distributions present must be the selection this profile can hold."""
    wanted = {spec.dist.name: spec for spec in selection.for_profile(profile)}
    problems = []
    for spec in wanted.values():
        version = installed.get(spec.dist.name)
        if version is None:
            problems.append(f"{spec.dist.variable} selects {spec.dist.name}, which is missing")
        elif spec.kind == "version" and not SpecifierSet(spec.target).contains(
            version, prereleases=True
        ):
            problems.append(f"{spec.dist.name} {version} does not match {spec.target}")
    if "imednet" not in installed:
        problems.append("imednet is not installed")
    problems += [
        f"{name} {installed[name]} is installed but not selected for profile {profile.name}"
        for name in DISTRIBUTION_NAMES[1:]
        if name in installed and name not in wanted
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imednet_live.matrix.profile_check")
    parser.add_argument("profile")
    parser.add_argument("--freeze", action="store_true", help="also list every installed version")
    parser.add_argument(
        "--sdk", action="store_true", help="also prove the SDK build is the IMEDNET_SDK* selection"
    )
    args = parser.parse_args(argv)
    try:
        profile = get_profile(args.profile)
    except ValueError as exc:
        print(f"profile check: {exc}", file=sys.stderr)
        return 2
    if args.freeze:
        for line in freeze():
            print(line)
    present = importable_packages()
    problems = mismatches(profile, present)
    try:
        selection = parse_selection(os.environ) if args.sdk else SdkSelection()
    except ConfigError as exc:
        print(f"profile check: {exc}", file=sys.stderr)
        return 2
    if args.sdk:
        problems += sdk_mismatches(profile, selection, sdk_compat.installed_distributions())
    if problems:
        print(f"profile check failed: {'; '.join(problems)}", file=sys.stderr)
        return 1
    print(f"profile {profile.name}: optional packages {sorted(present) or 'none'} as expected")
    print(f"SDK build: {sdk_compat.build_description()}")
    contract = sdk_compat.contract_source()
    if contract:
        print(f"SDK contract: {contract}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
