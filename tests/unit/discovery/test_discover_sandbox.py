"""``discover`` against a real sandbox server: picks, overrides, absence, API errors, call count."""

from __future__ import annotations

import pytest
from discovery_support import Audit, sdk_for, settings_for
from imednet.errors import ApiError, ForbiddenError, UnauthorizedError

from imednet_live.discovery.rules import NoEligibleEntityError, NoLiveDataError, discover
from imednet_live.sandbox import seed

DISCOVERY_CALLS = sorted(
    ("GET", r) for r in ("studies", "forms", "variables", "sites", "subjects", "intervals")
)


def test_default_picks_first_eligible_entity_of_each_kind(default_sb):
    with sdk_for(default_sb) as sdk:
        found = discover(sdk, settings_for(default_sb))
    assert found.study() == seed.STUDY_KEY
    form = found.form()
    assert (form.form_key, form.form_id) == (seed.FORM_KEY, seed.FORM_ID)  # not the disabled one
    assert {(v.name, v.type) for v in form.variables} == set(seed.FORM_VARIABLES.items())
    # Reads take the first returned entity, whatever its status.
    assert found.site().site_id == seed.SITE_INACTIVE_ID
    assert found.subject().subject_id == seed.SUBJECT_SCREENED[0]
    # Writes take the first eligible one: "Enrollment Open" counts, "Inactive" never does.
    write_site = found.site(for_write=True)
    assert (write_site.site_id, write_site.site_name) == (seed.SITE_OPEN_ID, seed.SITE_OPEN_NAME)
    assert write_site.status == "Enrollment Open"
    write_subject = found.subject(for_write=True)
    assert (write_subject.subject_id, write_subject.subject_key) == seed.SUBJECT_ENROLLED
    interval = found.interval()
    assert (interval.interval_id, interval.interval_name) == (
        seed.INTERVAL_SCREENING_ID,
        seed.INTERVAL_SCREENING_NAME,
    )


def test_discovery_makes_one_fixed_set_of_list_calls(default_sb):
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:
        discover(sdk, settings_for(default_sb))
    assert sorted(audit.since_mark()) == DISCOVERY_CALLS


def test_study_override_is_used_without_asking_for_studies(default_sb):
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:
        found = discover(sdk, settings_for(default_sb, study_key=seed.SECOND_STUDY_KEY))
    assert found.study() == seed.SECOND_STUDY_KEY
    assert found.study_overridden
    assert ("GET", "studies") not in audit.since_mark()


def test_form_override_is_used_without_asking_for_forms(default_sb):
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:
        found = discover(sdk, settings_for(default_sb, form_key=seed.FORM_AE_KEY))
    form = found.form()
    assert form.form_key == seed.FORM_AE_KEY
    assert form.form_id == seed.FORM_AE_ID  # looked up through its variables
    assert {v.name for v in form.variables} == set(seed.AE_VARIABLES)
    assert ("GET", "forms") not in audit.since_mark()


def test_unknown_form_override_is_not_validated(default_sb):
    with sdk_for(default_sb) as sdk:
        found = discover(sdk, settings_for(default_sb, form_key="NO_SUCH_FORM"))
    assert found.form().form_key == "NO_SUCH_FORM"
    assert found.form().form_id == 0
    assert found.form().variables == ()


def test_both_overrides_skip_studies_and_forms(default_sb):
    audit = Audit(default_sb)
    audit.mark()
    with sdk_for(default_sb) as sdk:
        discover(sdk, settings_for(default_sb, study_key=seed.STUDY_KEY, form_key=seed.FORM_KEY))
    resources = {resource for _, resource in audit.since_mark()}
    assert resources == {"variables", "sites", "subjects", "intervals"}


def test_unknown_study_override_propagates_the_api_error(default_sb):
    with sdk_for(default_sb) as sdk, pytest.raises(ApiError) as caught:
        discover(sdk, settings_for(default_sb, study_key="NO-SUCH-STUDY"))
    assert isinstance(caught.value, ForbiddenError)
    assert not isinstance(caught.value, NoEligibleEntityError)
    assert caught.value.status_code == 403
    assert caught.value.response  # the body travels with the error


def test_rejected_keys_propagate_as_401_not_as_absence(default_sb):
    with (
        sdk_for(default_sb, api_key="wrong-key") as sdk,
        pytest.raises(UnauthorizedError) as caught,
    ):
        discover(sdk, settings_for(default_sb))
    assert caught.value.status_code == 401


def test_empty_environment_is_no_live_data_after_a_single_call(empty_sb):
    audit = Audit(empty_sb)
    audit.mark()
    with sdk_for(empty_sb) as sdk:
        found = discover(sdk, settings_for(empty_sb))
    assert audit.since_mark() == [("GET", "studies")]
    with pytest.raises(NoLiveDataError, match=r"^No studies available to these credentials$"):
        found.study()


def test_no_eligible_form_is_no_live_data_but_reads_still_work(no_form_sb):
    with sdk_for(no_form_sb) as sdk:
        found = discover(sdk, settings_for(no_form_sb))
    with pytest.raises(NoLiveDataError) as caught:
        found.form()
    assert str(caught.value) == f"No eligible subject-record forms for study {seed.STUDY_KEY}"
    assert found.site().site_id == seed.SITE_INACTIVE_ID


@pytest.mark.parametrize(
    ("accessor", "message"),
    [
        (lambda d: d.site(for_write=True), "No active sites for study {study}"),
        (lambda d: d.subject(for_write=True), "No active subjects for study {study}"),
        (lambda d: d.interval(), "No non-disabled intervals for study {study}"),
    ],
)
def test_read_only_environment_names_each_missing_write_entity(read_only_sb, accessor, message):
    with sdk_for(read_only_sb) as sdk:
        found = discover(sdk, settings_for(read_only_sb))
    assert found.form().form_key == seed.FORM_KEY
    assert found.site().site_id == seed.SITE_INACTIVE_ID  # reads are unaffected
    with pytest.raises(NoEligibleEntityError) as caught:
        accessor(found)
    assert str(caught.value) == message.format(study=seed.STUDY_KEY)
