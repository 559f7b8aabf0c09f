"""The build's models (SDK main builds them from an API contract) and its strict drift check."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from imednet_live.core.env_vars import OPENAPI_PATH, POSTMAN_PATH, STRICT_MODE
from imednet_live.sdk.compat.builds import _sdk_folder, build_versions

if TYPE_CHECKING:
    pass


# Where a build that generates its models from an API contract (SDK main,
# ``imednet/models/engine.py``) looks for it, in its own order; then a checkout's root.
CONTRACT_VARIABLES = (OPENAPI_PATH, POSTMAN_PATH)
CONTRACT_FILE = "imednet.postman_collection.json"  # the collection's name in the SDK's tree
# One field each resource's tests and the smoke cannot do without (the discovery keys).
RESOURCE_FIELDS: dict[str, str] = {
    "Study": "study_key",
    "Site": "site_name",
    "Subject": "subject_key",
    "Form": "form_key",
    "Interval": "interval_name",
    "Variable": "variable_name",
    "Record": "record_id",
    "JobStatus": "batch_id",
}
MODELS_WITHOUT_FIELDS = "the build's models have no fields"  # the known defect's name


def models_from_contract() -> bool:
    """The build generates its models at import time from an API contract (SDK main)."""
    folder = _sdk_folder()
    return folder is not None and (folder / "models" / "engine.py").is_file()


def missing_model_fields() -> list[str]:
    """``Model.field`` for each resource field the installed build's models lack."""
    models = importlib.import_module("imednet.models")
    lacking = []
    for name, wanted in RESOURCE_FIELDS.items():
        model = getattr(models, name, None)
        fields = getattr(model, "model_fields", None)
        if isinstance(fields, Mapping) and wanted not in fields:
            lacking.append(f"{name}.{wanted}")
    return lacking


def contract_defect(env: Mapping[str, str] | None = None) -> str | None:
    """One line naming the known packaging defect when the build's models lack their fields.

    Checked by feature before anything runs: an SDK main wheel carries no API contract,
    so every model it builds is empty and every test would fail on an attribute. None
    when the models are whole (every release, or main given its contract).
    """
    if not models_from_contract():
        return None  # class-defined models (every release): nothing to look for
    env = os.environ if env is None else env
    lacking = missing_model_fields()
    if not lacking:
        return None
    shown = ", ".join(lacking[:3]) + (f" and {len(lacking) - 3} more" if len(lacking) > 3 else "")
    core = build_versions().get("imednet", "?")
    head = f"known SDK defect of imednet {core}: {MODELS_WITHOUT_FIELDS} ({shown} missing)"
    return f"{head}; cause: {_contract_cause(env)}"


def _contract_cause(env: Mapping[str, str]) -> str:
    for variable in CONTRACT_VARIABLES:
        value = (env.get(variable) or "").strip()
        if value and not Path(value).is_file():
            return f"{variable}={value} is not a file"
        if value:
            return (
                f"its contract builder found no models in {variable}={value} "
                "(use the collection from the same SDK commit)"
            )
    return (
        "it builds its models at import time from an API contract it looks for outside "
        f"the package (imednet/models/engine.py: {OPENAPI_PATH}, {POSTMAN_PATH} or a "
        f"checkout's {CONTRACT_FILE}) and this install carries none; set {POSTMAN_PATH} "
        f"to the SDK's {CONTRACT_FILE} from the same commit"
    )


def contract_source(env: Mapping[str, str] | None = None) -> str | None:
    """``IMEDNET_POSTMAN_PATH=...`` (or the OpenAPI one) as set for the SDK, for banners."""
    env = os.environ if env is None else env
    named = [f"{v}={env[v].strip()}" for v in CONTRACT_VARIABLES if (env.get(v) or "").strip()]
    return ", ".join(named) or None


_STRICT_SOURCES = ("config.py", "models/base.py")


def strict_mode_variable() -> str | None:
    """The variable that turns the build's strict drift check on, or None: it has none.

    Found in the package's files, not by version: SDK main reads ``IMEDNET_STRICT_MODE``
    in its models' base (``Drift detected (additive)`` raised for unknown fields).
    """
    folder = _sdk_folder()
    if folder is None:
        return None
    for name in _STRICT_SOURCES:
        try:
            if STRICT_MODE in (folder / name).read_text(encoding="utf-8", errors="replace"):
                return STRICT_MODE
        except OSError:
            continue
    return None


# How SDK main words a response field its model lacks, with its strict check on.
_DRIFT_ADDITIVE = re.compile(
    r"Drift detected \(additive\): (?P<model>\w+) received unexpected fields: "
    r"(?P<fields>[\w$]+(?:, [\w$]+)*)"
)


def strict_drift(exc: BaseException) -> tuple[str, tuple[str, ...]] | None:
    """(model, fields) when ``exc`` (or its cause) is the strict check rejecting fields.

    The response carried fields the build's model does not define: the SDK's drift from
    the API it talks to (the sandbox's default sends only documented fields).
    """
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        match = _DRIFT_ADDITIVE.search(str(current))
        if match:
            return match["model"], tuple(match["fields"].split(", "))
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def describe_strict_drift(model: str, fields: tuple[str, ...]) -> str:
    """One line naming the SDK's drift: the fields its model lacks."""
    named = ", ".join(f"{model}.{f}" for f in fields)
    return (
        f"SDK drift: the SDK's {model} model does not define {named}, which its data "
        f"carries; the strict drift check ({STRICT_MODE}=1) rejects it (a finding about the "
        "SDK build, not the target: the default sandbox sends only documented fields)"
    )


def apply_strict(requested: bool) -> str:
    """Turn the build's strict drift check on for this process (and its children).

    Returns what the banner says: on (naming the variable), off, or requested on a
    build that has no such check.
    """
    if not requested:
        return "off"
    variable = strict_mode_variable()
    if variable is None:
        return "requested, but this build has no strict drift check"
    os.environ[variable] = "1"
    return f"on ({variable}=1)"
