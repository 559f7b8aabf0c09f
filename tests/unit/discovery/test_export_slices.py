"""Exports bounded by form: sizing forms costs one one-item probe each, never a record
listing; the smallest forms are chosen; the sandbox answers the SDK's whitelist filters
(``formIds``, ``variableNames``) so ``export_to_sql(form_whitelist=...)`` reads one form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from discovery_support import Audit, sdk_for

from imednet_live import sandbox
from imednet_live.discovery.pages import FormSize, form_sizes, smallest_forms
from imednet_live.sandbox import SandboxHandle, seed

SUBJECTS = 300  # records span several 100-item pages on the big forms
STUDY = seed.STUDY_KEY


@pytest.fixture(scope="module")
def scaled_sb() -> Iterator[SandboxHandle]:
    with sandbox.running(subjects=SUBJECTS) as sb:
        yield sb


def _seeded_counts() -> Counter[int]:
    return Counter(r["formId"] for r in seed.build(SUBJECTS)[0].resources["records"])


def _records_queries(sb: SandboxHandle, since: int) -> list[dict[str, list[str]]]:
    return [
        parse_qs(e["query"])
        for e in sb.requests()[since:]
        if e["path"].endswith(f"/studies/{STUDY}/records")
    ]


def test_form_sizes_costs_one_one_item_probe_per_form(scaled_sb: SandboxHandle) -> None:
    with sdk_for(scaled_sb) as sdk:
        forms = [(f.form_id, f.form_key) for f in sdk.forms.list(STUDY)]
        audit = Audit(scaled_sb)
        audit.mark()
        since = len(scaled_sb.requests())
        sizes = form_sizes(sdk, STUDY, forms)
    assert audit.since_mark() == [("GET", "records")] * len(forms)
    queries = _records_queries(scaled_sb, since)
    assert [q["size"] for q in queries] == [["1"]] * len(forms)
    assert [q["filter"] for q in queries] == [[f"formId=={i}"] for i, _ in forms]
    seeded = _seeded_counts()
    assert {s.form_id: s.records for s in sizes} == {i: seeded[i] for i, _ in forms}


def test_the_smallest_form_with_records_on_a_scaled_study_is_the_site_form(
    scaled_sb: SandboxHandle,
) -> None:
    with sdk_for(scaled_sb) as sdk:
        forms = [(f.form_id, f.form_key) for f in sdk.forms.list(STUDY)]
        sizes = form_sizes(sdk, STUDY, forms)
    (smallest,) = smallest_forms(sizes)
    assert (smallest.form_key, smallest.records) == (seed.FORM_SITE_KEY, 2)
    assert [s.form_key for s in smallest_forms(sizes, minimum=3)] == [seed.FORM_AE_KEY]


def _size(form_id: int, records: int) -> FormSize:
    return FormSize(form_id, f"F{form_id}", records)


def test_smallest_forms_skips_empty_forms_and_breaks_ties_by_form_id() -> None:
    sizes = [_size(5, 40), _size(1, 0), _size(4, 7), _size(2, 7), _size(3, 900)]
    assert smallest_forms(sizes) == [_size(2, 7)]
    assert smallest_forms(sizes, n=3) == [_size(2, 7), _size(4, 7), _size(5, 40)]
    assert smallest_forms(sizes, minimum=8) == [_size(5, 40)]
    assert smallest_forms(sizes, minimum=0, n=9)[0] == _size(2, 7)  # never an empty form
    assert smallest_forms([_size(1, 0)]) == []


def test_sandbox_answers_the_sdks_whitelist_filters(scaled_sb: SandboxHandle) -> None:
    seeded = _seeded_counts()
    with sdk_for(scaled_sb) as sdk:
        on_ae = sdk.records.list(STUDY, formIds=[seed.FORM_AE_ID])
        two = sdk.records.list(STUDY, formIds=[seed.FORM_AE_ID, seed.FORM_SITE_ID])
        ae_variables = sdk.variables.list(STUDY, formIds=[seed.FORM_AE_ID])
        one = ae_variables[0].variable_name
        named = sdk.variables.list(STUDY, formIds=[seed.FORM_AE_ID], variableNames=[one])
        # variableNames on records picks columns, not rows: every AE record still comes back
        ae_named = sdk.records.list(STUDY, formIds=[seed.FORM_AE_ID], variableNames=[one])
    assert {r.form_id for r in on_ae} == {seed.FORM_AE_ID}
    assert len(on_ae) == seeded[seed.FORM_AE_ID]
    assert len(two) == seeded[seed.FORM_AE_ID] + seeded[seed.FORM_SITE_ID]
    assert {v.form_id for v in ae_variables} == {seed.FORM_AE_ID}
    assert [v.variable_name for v in named] == [one]
    assert len(ae_named) == len(on_ae)


def test_export_to_sql_with_a_form_whitelist_reads_only_that_form(
    scaled_sb: SandboxHandle, tmp_path: Path
) -> None:
    from imednet.integrations.export import export_to_sql
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'slice.db'}"
    since = len(scaled_sb.requests())
    with sdk_for(scaled_sb) as sdk:
        export_to_sql(sdk, STUDY, "records", url, form_whitelist=[seed.FORM_SITE_ID])
    queries = _records_queries(scaled_sb, since)
    assert len(queries) == 1, queries  # one page: the site form's two records
    assert queries[0]["filter"] == [f"formIds=={seed.FORM_SITE_ID};studyKey=={STUDY}"]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            forms = [row[0] for row in conn.execute(text('SELECT "formId" FROM records'))]
    finally:
        engine.dispose()
    assert forms == [seed.FORM_SITE_ID] * 2
