"""Charter: every no-eligible-data skip of the live suite names the entity and the study.

``skip_no_data`` and ``first_or_skip`` take the study as a required argument; this scans
tests/live for calls that leave it out or pass ``None`` (the helpers' type says ``str``,
but tests/live is not type-checked).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIVE = Path(__file__).resolve().parents[2] / "live"
HELPERS = {"skip_no_data": 1, "first_or_skip": 2}  # index of the study argument


def _calls() -> list[tuple[str, ast.Call]]:
    found = []
    for path in sorted(LIVE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in HELPERS:
                found.append((f"{path.name}:{node.lineno}", node))
    return found


def test_the_scan_finds_the_suites_skips() -> None:
    assert len(_calls()) >= 10


@pytest.mark.parametrize(("where", "call"), _calls(), ids=[w for w, _ in _calls()])
def test_each_no_data_skip_passes_a_study(where: str, call: ast.Call) -> None:
    index = HELPERS[call.func.id]  # type: ignore[attr-defined]
    study = call.args[index] if len(call.args) > index else None
    study = study or next((k.value for k in call.keywords if k.arg == "study_key"), None)
    assert study is not None, f"{where}: {call.func.id} without a study"  # type: ignore[attr-defined]
    assert not (isinstance(study, ast.Constant) and not study.value), f"{where}: study is empty"
