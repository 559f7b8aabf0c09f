"""The pre-flight surface check: findings named in one line, matched to later exceptions,
and kept in the venv only while every input is unchanged (stand-in snapshots, no SDK)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from imednet_live.charter.classification import SDK_SURFACE_CHANGE, surface_change_in
from imednet_live.core.env_vars import POSTMAN_PATH
from imednet_live.sdk import surface_check
from imednet_live.sdk.surface_check import Finding, SurfaceCheck, findings_between

BASE: dict[str, Any] = {
    "version": "1.0",
    "endpoints": {
        "records": {"get": "(study_key, item_id) -> Record", "list": "(study_key=) -> list"},
        "record_revisions": {"list": "(study_key=) -> list"},
    },
    "models": {"Subject": ["subject_key", "subject_status"], "Keyword": ["key"]},
}


def _after(**changes: Any) -> dict[str, Any]:
    after: dict[str, Any] = {
        "version": "1.1",
        "endpoints": {k: dict(v) for k, v in BASE["endpoints"].items()},
        "models": {k: list(v) for k, v in BASE["models"].items()},
    }
    after.update(changes)
    return after


RENAMED = _after(models={"Subject": ["subject_key", "status"], "Keyword": ["key"]})


def _check(after: dict[str, Any], covers: tuple[str, ...] = ()) -> SurfaceCheck:
    found, declared = findings_between(BASE, after, covers)
    return SurfaceCheck("imednet 1.1 (imednet-1.1-py3-none-any.whl)", "1.0", declared, tuple(found))


def test_a_renamed_field_is_one_line_naming_the_old_and_the_new_member() -> None:
    result = _check(RENAMED)
    assert result.line() == (
        "undeclared SDK surface change in imednet 1.1 (imednet-1.1-py3-none-any.whl): "
        "Subject.subject_status is gone (1.0 snapshot has it; Subject.status is new)"
    )
    assert result.status() == result.line()


def test_removed_methods_endpoints_and_changed_signatures_are_named() -> None:
    records = {"get": "(study_key, item_id, extra) -> Record", "fetch": "(study_key=) -> list"}
    endpoints = {"records": records}
    result = _check(_after(endpoints=endpoints))
    assert [f.text for f in result.findings] == [
        "sdk.record_revisions is gone (1.0 snapshot has it)",
        "sdk.records.get() takes (study_key, item_id, extra) -> Record, not "
        "(study_key, item_id) -> Record (1.0 snapshot)",
        "sdk.records.list is gone (1.0 snapshot has it; sdk.records.fetch is new)",
    ]


def test_declared_differences_are_counted_not_reported() -> None:
    result = _check(RENAMED, covers=("model Subject.subject_status: removed",))
    assert result.line() is None
    assert result.status() == (
        "SDK surface of imednet 1.1 (imednet-1.1-py3-none-any.whl): as the 1.0 snapshot, "
        "less 1 declared differences"
    )
    with pytest.raises(surface_check.UndeclaredSurfaceChange, match="subject_status is gone"):
        _check(RENAMED).raise_if_undeclared()


class Subject(BaseModel):
    status: str = ""


class RecordsEndpoint:
    def get(self, study_key: str, item_id: int, extra: int) -> None: ...


class AsyncRecordRevisionsEndpoint: ...


def _raised(action: Any) -> BaseException:
    try:
        action()
    except Exception as exc:
        return exc
    raise AssertionError("nothing raised")


def test_an_attribute_error_naming_a_finding_is_that_finding() -> None:
    """Pydantic's own message, as our discovery meets it on the renamed build."""
    result = _check(RENAMED)
    exc = _raised(lambda: Subject().subject_status)  # type: ignore[attr-defined]
    info = surface_change_in(exc, result)
    assert info is not None
    assert info.kind == SDK_SURFACE_CHANGE
    assert info.headline == (
        f"{result.line()}; raised AttributeError: 'Subject' object has no attribute "
        "'subject_status'"
    )


def test_the_cause_of_a_wrapping_error_is_found() -> None:
    def wrapped() -> None:
        try:
            Subject().subject_status  # type: ignore[attr-defined]  # noqa: B018
        except AttributeError as exc:
            raise RuntimeError("discovery failed") from exc

    info = surface_change_in(_raised(wrapped), _check(RENAMED))
    assert info is not None
    assert info.kind == SDK_SURFACE_CHANGE


def test_signature_and_endpoint_findings_match_type_and_attribute_errors() -> None:
    endpoints = {"records": {"get": "(study_key, item_id, extra) -> Record"}}
    result = _check(_after(endpoints=endpoints))
    call = _raised(lambda: RecordsEndpoint().get("S", 1))  # type: ignore[call-arg]
    found = surface_check.match([call], result)
    assert found is not None
    assert found[0].member == "get"
    assert found[0].signature
    gone = _raised(lambda: AsyncRecordRevisionsEndpoint().list)  # type: ignore[attr-defined]
    assert surface_check.match([gone], result) is None  # the endpoint is gone, not its method
    no_endpoint = AttributeError("'ImednetSDK' object has no attribute 'record_revisions'")
    found = surface_check.match([no_endpoint], result)
    assert found is not None
    assert found[0].text.startswith("sdk.record_revisions is gone")


def test_an_unrelated_error_or_a_clean_build_is_left_alone() -> None:
    result = _check(RENAMED)
    other_owner = AttributeError("'Site' object has no attribute 'subject_status'")
    assert surface_check.match([other_owner], result) is None
    assert surface_check.match([KeyError("subject_status")], result) is None
    assert surface_check.match([AttributeError("x")], _check(_after())) is None
    assert surface_check.match([AttributeError("x")], None) is None


def test_a_result_survives_the_trip_to_an_xdist_worker() -> None:
    result = _check(RENAMED)
    assert SurfaceCheck.from_json(result.to_json()) == result
    assert isinstance(SurfaceCheck.from_json(result.to_json()).findings[0], Finding)


def test_a_result_is_kept_until_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []

    def check_installed() -> SurfaceCheck:
        taken.append(1)
        return _check(RENAMED)

    monkeypatch.setattr(surface_check, "check_installed", check_installed)
    first = surface_check.check({}, cache_dir=tmp_path)
    assert surface_check.check({}, cache_dir=tmp_path) == first
    assert len(taken) == 1
    contract = tmp_path / "collection.json"
    contract.write_text("{}")
    surface_check.check({POSTMAN_PATH: str(contract)}, cache_dir=tmp_path)  # main's models
    assert len(taken) == 2
    contract.write_text('{"item": []}')
    surface_check.check({POSTMAN_PATH: str(contract)}, cache_dir=tmp_path)
    assert len(taken) == 3


def test_a_build_that_cannot_be_checked_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []

    def check_installed() -> SurfaceCheck:
        taken.append(1)
        return SurfaceCheck("imednet 9", problem="ImportError: no ImednetSDK")

    monkeypatch.setattr(surface_check, "check_installed", check_installed)
    assert surface_check.check({}, cache_dir=tmp_path).status() == (
        "SDK surface of imednet 9 not checked: ImportError: no ImednetSDK"
    )
    surface_check.check({}, cache_dir=tmp_path)
    assert len(taken) == 2
    assert list(tmp_path.iterdir()) == []


def test_the_fingerprint_follows_the_sdk_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in ``imednet`` first on sys.path: editing one of its files is a new key."""
    package = tmp_path / "imednet"
    package.mkdir()
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    # find_spec answers from sys.modules first: a worker that imported the SDK would hide it.
    monkeypatch.delitem(sys.modules, "imednet", raising=False)
    before = surface_check.fingerprint({})
    assert surface_check.fingerprint({}) == before
    (package / "models.py").write_text("class Subject: ...\n")
    assert surface_check.fingerprint({}) != before
