"""The public surface of an SDK build, as data, and what changed between two builds.

A snapshot records what user code touches: each endpoint of ``ImednetSDK`` with its
public methods' signatures (arguments and return annotation), and each model in
``imednet.models`` with its fields. ``scripts/snapshot_sdk_surface.py`` writes one per
build in ``../shared/sdk`` into ``surfaces/`` (committed); the live contract test
compares the build under test with the nearest earlier snapshot, and every difference
no declared surface change (``surface_changes.CHANGES[].covers``) explains is red,
named. A change the SDK made on purpose is declared once; anything else is a finding.
"""

from __future__ import annotations

import fnmatch
import inspect
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

SURFACES_DIR = Path(__file__).with_name("surfaces")
Snapshot = dict[str, Any]  # {"version": str, "endpoints": {...}, "models": {...}}


def _signature(member: Any) -> str | None:
    """``(name, *args, key=) -> kind``: names and kinds, not annotation spelling.

    The return is ``list`` for ``List[...]``/``list[...]``, else its outermost type's
    bare name (``T``, ``Job``, ``ListOperation``): a change of kind is what breaks users.
    """
    try:
        signature = inspect.signature(member)
    except (TypeError, ValueError):
        return None
    params = []
    for p in signature.parameters.values():
        if p.name == "self":
            continue
        marks: dict[inspect._ParameterKind, str] = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}
        mark = marks.get(p.kind, "")
        default = "=" if p.default is not p.empty else ""
        params.append(f"{mark}{p.name}{default}")
    return f"({', '.join(params)}) -> {_return_kind(signature.return_annotation)}"


def _return_kind(annotation: Any) -> str:
    if annotation is inspect.Signature.empty:
        return "?"
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    text = text or str(annotation)
    head = re.split(r"[\[| ]", text.strip("'\""), maxsplit=1)[0]
    head = head.rsplit(".", 1)[-1]
    return "list" if head in ("List", "list") else head


def _public_members(value: Any) -> Iterator[tuple[str, Any]]:
    """Public attributes by name; one whose lookup raises (a lazy proxy) is left out."""
    for name in dir(value):
        if name.startswith("_"):
            continue
        try:
            yield name, getattr(value, name)
        except Exception:
            continue


def _methods(endpoint: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, member in _public_members(endpoint):
        if callable(member) and not isinstance(member, type):
            signature = _signature(member)
            if signature is not None:
                found[name] = signature
    return found


def _is_endpoint(value: Any) -> bool:
    """An object with ``list`` and ``get`` (SDK main's workflows proxy raises on lookup)."""
    try:
        return callable(getattr(value, "list", None)) and callable(getattr(value, "get", None))
    except Exception:
        return False


def take(sdk: Any, models: Any, version: str) -> Snapshot:
    """The surface of one client instance and models module (stand-ins work the same)."""
    endpoints: dict[str, dict[str, str]] = {}
    for name, endpoint in _public_members(sdk):
        if _is_endpoint(endpoint):
            endpoints[name] = _methods(endpoint)
    model_fields: dict[str, list[str]] = {}
    for name in getattr(models, "__all__", ()):
        fields = getattr(getattr(models, name, None), "model_fields", None)
        if isinstance(fields, Mapping):
            model_fields[name] = sorted(fields)
    return {"version": version, "endpoints": endpoints, "models": model_fields}


def take_installed() -> Snapshot:
    """The installed build's surface: a client that never connects, and its models."""
    import importlib.metadata

    import imednet.models
    from imednet import ImednetSDK

    version = importlib.metadata.version("imednet")
    sdk = ImednetSDK(
        api_key="snapshot-key", security_key="snapshot-key", base_url="http://127.0.0.1:9"
    )
    try:
        return take(sdk, imednet.models, version)
    finally:
        sdk.close()


def diff(before: Snapshot, after: Snapshot) -> list[str]:
    """Each difference as one line: ``endpoint records.list: signature (a) -> (b)``."""
    lines: list[str] = []
    old_e, new_e = before["endpoints"], after["endpoints"]
    for name in sorted(set(old_e) | set(new_e)):
        if name not in new_e:
            lines.append(f"endpoint {name}: removed")
            continue
        if name not in old_e:
            continue  # an addition breaks no user code
        for method in sorted(set(old_e[name]) | set(new_e[name])):
            old, new = old_e[name].get(method), new_e[name].get(method)
            if new is None:
                lines.append(f"endpoint {name}.{method}: removed")
            elif old is not None and old != new and not _narrowed(old, new):
                lines.append(f"endpoint {name}.{method}: signature {old} became {new}")
    old_m, new_m = before["models"], after["models"]
    for name in sorted(old_m):
        if name not in new_m:
            lines.append(f"model {name}: removed")
            continue
        for field in sorted(set(old_m[name]) - set(new_m[name])):
            lines.append(f"model {name}.{field}: removed")
    return lines


def _narrowed(old: str, new: str) -> bool:
    """A change no caller can notice: a generic return (``-> T``) that became a concrete
    model, or arguments that only grew optional ones (a default, ``**kwargs``)."""
    old_args, _, old_kind = old.rpartition(" -> ")
    new_args, _, new_kind = new.rpartition(" -> ")
    generic = len(old_kind) == 1 and old_kind.isupper() and not new_kind.endswith("Operation")
    if old_kind != new_kind and not generic:
        return False
    before = [a.rstrip("=") for a in old_args.strip("()").split(", ") if a]
    after = {a.rstrip("="): a for a in new_args.strip("()").split(", ") if a}
    kept = all(name in after for name in before)
    added = [a for name, a in after.items() if name not in before]
    return kept and all(a.endswith("=") or a.startswith("*") for a in added)


def undeclared(changes: Iterable[str], covers: Iterable[str]) -> list[str]:
    """The differences no declared pattern (``fnmatch``) explains."""
    patterns = list(covers)
    return [c for c in changes if not any(fnmatch.fnmatchcase(c, p) for p in patterns)]


def load_all(folder: Path = SURFACES_DIR) -> list[Snapshot]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def previous(snapshots: Iterable[Snapshot], version: str) -> Snapshot | None:
    """The snapshot of the nearest build before ``version`` (a local label sorts after)."""
    try:
        current = Version(version)
    except InvalidVersion:
        return None
    earlier = [s for s in snapshots if Version(s["version"]) < current]
    return max(earlier, key=lambda s: Version(s["version"]), default=None)
