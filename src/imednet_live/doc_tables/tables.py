"""Each generated table, by the name its marker uses, rendered from one registry.

Adding a table: a function here returning its markdown, one entry in ``TABLES``, and a
``<!-- generated:NAME -->`` / ``<!-- /generated -->`` pair in a document; ``nox -s docs``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from imednet_live.charter.classification import FailureKind
from imednet_live.charter.outcomes import SessionOutcomes, TestOutcome, Violation
from imednet_live.core.env_schema import EnvVar, Reader, VarScope
from imednet_live.core.env_vars import ENV_VARS
from imednet_live.core.profiles import DISTRIBUTIONS, PROFILES, SESSIONS
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.doc_tables.layout import layout
from imednet_live.doc_tables.markdown import code, table
from imednet_live.sandbox.scenarios import SCENARIOS
from imednet_live.smoke.exits import SMOKE_RESULTS

OBSERVATIONS = "REAL-API-OBSERVATIONS.md"  # ../shared/imednet-api/, cited by row id


def _readers(var: EnvVar) -> str:
    return ", ".join(r.value for r in var.read_by)


def _default(var: EnvVar) -> str:
    return "set by the session" if var.set_by_nox else var.default


def env_vars_charter() -> str:
    rows = [v for v in ENV_VARS if v.scope is VarScope.CHARTER]
    return table(
        ("Variable", "Meaning", "Required", "Default", "Read by"),
        (
            (code(v.name), v.meaning, "always" if v.required else "optional", v.default,
             _readers(v))
            for v in rows
        ),
    )  # fmt: skip


def env_vars_harness() -> str:
    rows = [v for v in ENV_VARS if v.scope is not VarScope.CHARTER]
    return table(
        ("Variable", "Meaning", "Scope", "Default", "Read by"),
        ((code(v.name), v.meaning, v.scope.value, _default(v), _readers(v)) for v in rows),
    )


def smoke_env_vars() -> str:
    rows = [v for v in ENV_VARS if Reader.SMOKE in v.read_by]
    return table(
        ("Variable", "Meaning", "Required", "Default"),
        ((code(v.name), v.meaning, "yes" if v.required else "no", v.default) for v in rows),
    )


def smoke_exit_codes() -> str:
    return table(
        ("Exit", "Annotation", "Runbook meaning", "What to do"),
        (
            (f"**{int(r.exit)}** {r.exit.label}", r.annotation, r.meaning, r.action)
            for r in SMOKE_RESULTS
        ),
    )


def scenarios() -> str:
    return table(
        ("name", "what it reproduces", "observation"),
        (
            (code(s.name), s.description, f"{s.observation} ({OBSERVATIONS})" if s.observation
             else "—")
            for s in SCENARIOS.values()
        ),
    )  # fmt: skip


def scenario_names() -> str:
    return "Scenarios: " + ", ".join(code(name) for name in SCENARIOS) + "."


def charter_outcomes() -> str:
    """Charter section 6: every skip category and failure kind with its condition."""
    skips = ((s.condition, s.outcome, code(s.value)) for s in SkipCategory)
    fails = ((f.condition, f.outcome, code(f.value)) for f in FailureKind)
    return table(("Condition", "Outcome", "Skip category or failure kind"), (*skips, *fails))


def skip_categories() -> str:
    return table(
        ("Category", "When", "Outcome", "Do"),
        ((code(s.value), s.condition, s.outcome, s.action) for s in SkipCategory),
    )


def failure_kinds() -> str:
    return table(
        ("`failure_kind`", "When", "The failure shows", "Do"),
        ((code(f.value), f.condition, f.outcome, f.action) for f in FailureKind),
    )


def sessions() -> str:
    return table(
        ("session", "profile venv", "what it does"),
        ((code(name), venv, does) for s in SESSIONS for name, venv, does in s.rows()),
    )


def _expected_skips(name: str) -> str:
    profile = PROFILES[name]
    skips = []
    if profile.absent_packages:
        absent = ", ".join(sorted(DISTRIBUTIONS[p] for p in profile.absent_packages))
        skips.append(f"{code(SkipCategory.DEPENDENCY_MISSING.value)} for tests needing {absent}")
    if not profile.allow_mutation:
        skips.append(f"{code(SkipCategory.MUTATION_NOT_ALLOWED.value)} for mutating tests")
    return "; ".join(skips) or "none: every test runs"


def profiles() -> str:
    return table(
        ("profile", "extras", "optional packages importable", "writes", "expected skips",
         "what it proves"),
        (
            (code(p.name), ", ".join(p.extras),
             ", ".join(sorted(DISTRIBUTIONS[n] for n in p.packages)) or "none",
             "yes" if p.allow_mutation else "no", _expected_skips(p.name), p.description)
            for p in PROFILES.values()
        ),
    )  # fmt: skip


def _type_name(annotation: Any) -> str:
    """A field's type as a reader of the JSON file thinks of it."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type_name(a) for a in args)
    if origin is typing.Literal:
        return " / ".join(str(a) for a in args)
    if origin in (list, dict):
        inner = ", ".join(_type_name(a) for a in args)
        return f"{origin.__name__}[{inner}]"
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _fields(model: type[BaseModel]) -> str:
    return table(
        ("field", "type", "meaning"),
        (
            (code(name), _type_name(f.annotation), f.description or "")
            for name, f in model.model_fields.items()
        ),
    )


TABLES: dict[str, Callable[[], str]] = {
    "env-vars-charter": env_vars_charter,
    "env-vars-harness": env_vars_harness,
    "smoke-env-vars": smoke_env_vars,
    "smoke-exit-codes": smoke_exit_codes,
    "scenarios": scenarios,
    "scenario-names": scenario_names,
    "charter-outcomes": charter_outcomes,
    "skip-categories": skip_categories,
    "failure-kinds": failure_kinds,
    "sessions": sessions,
    "profiles": profiles,
    "layout": layout,
    "outcomes-session-fields": lambda: _fields(SessionOutcomes),
    "outcomes-test-fields": lambda: _fields(TestOutcome),
    "outcomes-violation-fields": lambda: _fields(Violation),
}


def render(name: str) -> str:
    return TABLES[name]()


def names() -> Iterable[str]:
    return TABLES.keys()
