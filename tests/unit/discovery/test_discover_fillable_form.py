"""Discovery picks only forms with a variable the harness can fill (the real API rejects an
empty ``data``, W7): a variable-less form is passed over, and a study with no other form has
no eligible form at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from discovery_support import sdk_for, settings_for

from imednet_live.discovery.record_data import sample_record_data
from imednet_live.discovery.rules import NoLiveDataError, discover
from imednet_live.sandbox import SandboxHandle, running, seed
from imednet_live.sandbox.backend import ListQuery


@pytest.fixture
def private_sb() -> Iterator[SandboxHandle]:
    with running() as sb:
        yield sb


def _edit(sb: SandboxHandle, resource: str) -> list[dict[str, object]]:
    """The stored items themselves (a fresh sandbox per test, edited before any request)."""
    return sb.backend.items(seed.STUDY_KEY, resource, ListQuery())


def _strip_variables(sb: SandboxHandle, form_key: str) -> None:
    for variable in _edit(sb, "variables"):
        if variable["formKey"] == form_key:
            variable["formKey"], variable["formId"] = "RETIRED", -1


def _discover(sb: SandboxHandle):
    with sdk_for(sb) as sdk:
        return discover(sdk, settings_for(sb), use_cache=False)


def test_a_form_without_variables_is_passed_over_for_the_next_eligible_one(private_sb):
    _strip_variables(private_sb, seed.FORM_KEY)
    for form in _edit(private_sb, "forms"):
        if form["formKey"] == seed.FORM_AE_KEY:
            form["subjectRecordReport"] = True
    form = _discover(private_sb).form()
    assert form.form_key == seed.FORM_AE_KEY
    assert sample_record_data(form)  # something to write


def test_a_study_whose_only_eligible_form_has_no_variables_has_no_eligible_form(private_sb):
    _strip_variables(private_sb, seed.FORM_KEY)
    with pytest.raises(NoLiveDataError, match="No eligible subject-record forms for study"):
        _discover(private_sb).form()


def test_variables_of_unknown_types_only_do_not_make_a_form_fillable(private_sb):
    for variable in _edit(private_sb, "variables"):
        if variable["formKey"] == seed.FORM_KEY:
            variable["variableType"] = "signature-pad"
    with pytest.raises(NoLiveDataError):
        _discover(private_sb).form()
