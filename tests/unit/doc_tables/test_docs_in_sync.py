"""The docs' fact tables equal what the code's registries render, and drift is named.

The committed README.md and docs/*.md are checked as they are; the failure paths run
on a copy in tmp_path, with a registry grown or a document edited by hand.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from imednet_live.charter.classification import FailureKind
from imednet_live.core.env_schema import EnvVar, Reader, VarScope
from imednet_live.core.env_vars import ENV_VARS
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.doc_tables import DOCUMENTS, TABLES, DocBlockError, check, sync
from imednet_live.doc_tables import tables as tables_module
from imednet_live.doc_tables.__main__ import main
from imednet_live.sandbox.scenarios import SCENARIOS, Scenario

BLOCK = re.compile(r"<!-- generated:([a-z0-9-]+) -->\n(.*?)<!-- /generated -->", re.DOTALL)


@pytest.fixture
def docs_copy(repo_root: Path, tmp_path: Path) -> Path:
    for document in DOCUMENTS:
        target = tmp_path / document
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo_root / document, target)
    return tmp_path


def generated_text(root: Path) -> str:
    """Everything inside the generated blocks of every document."""
    return "\n".join(
        body for doc in DOCUMENTS for _, body in BLOCK.findall((root / doc).read_text())
    )


def test_committed_docs_equal_what_the_code_generates(repo_root: Path) -> None:
    drifts = check(repo_root, TABLES)
    assert not drifts, "\n".join(d.describe() for d in drifts)


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("environment variable", [v.name for v in ENV_VARS]),
        ("sandbox scenario", list(SCENARIOS)),
        ("skip category", [c.value for c in SkipCategory]),
        ("failure kind", [k.value for k in FailureKind]),
    ],
)
def test_every_registry_entry_is_in_a_generated_table(
    repo_root: Path, kind: str, names: list[str]
) -> None:
    text = generated_text(repo_root)
    missing = [name for name in names if f"`{name}`" not in text]
    assert not missing, f"{kind}(s) in no generated docs table: {missing}; run: nox -s docs"


def test_a_variable_missing_from_its_table_is_reported_by_name(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = EnvVar("IMEDNET_LIVE_NEW_KNOB", "a new knob", VarScope.HARNESS, (Reader.LIVE,))
    monkeypatch.setattr(tables_module, "ENV_VARS", (*ENV_VARS, new))
    [drift] = check(docs_copy, TABLES)
    message = drift.describe()
    assert drift.document == "docs/charter.md"
    assert drift.table == "env-vars-harness"
    assert "docs/charter.md: table env-vars-harness differs from the code" in message
    assert "missing from the doc: IMEDNET_LIVE_NEW_KNOB" in message
    assert "+| `IMEDNET_LIVE_NEW_KNOB` | a new knob | harness |" in message


def test_a_new_scenario_is_reported_in_every_table_that_lists_scenarios(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grown = {**SCENARIOS, "odd-states": Scenario("odd-states", "job states in lower case")}
    monkeypatch.setattr(tables_module, "SCENARIOS", grown)
    drifts = {(d.document, d.table): d.describe() for d in check(docs_copy, TABLES)}
    assert set(drifts) == {("docs/sandbox.md", "scenarios"), ("README.md", "scenario-names")}
    assert "missing from the doc: odd-states" in drifts[("docs/sandbox.md", "scenarios")]
    assert "`odd-states`" in drifts[("README.md", "scenario-names")]


def test_a_row_deleted_or_edited_by_hand_is_reported_by_name(docs_copy: Path) -> None:
    charter = docs_copy / "docs" / "charter.md"
    text = charter.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| `IMEDNET_RUN_E2E` |"))
    text = text.replace(row + "\n", "")
    text = text.replace("| `IMEDNET_BATCH_ID` | a known batch", "| `IMEDNET_BATCH_ID` | some batch")
    charter.write_text(text)
    [drift] = check(docs_copy, TABLES)
    message = drift.describe()
    assert drift.table == "env-vars-charter"
    assert "missing from the doc: IMEDNET_RUN_E2E" in message
    assert "changed: IMEDNET_BATCH_ID" in message


def test_a_row_the_code_no_longer_has_is_reported_as_not_in_the_code(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tuple(v for v in ENV_VARS if v.name != "IMEDNET_BATCH_ID")
    monkeypatch.setattr(tables_module, "ENV_VARS", kept)
    [drift] = check(docs_copy, TABLES)
    assert "not in the code: IMEDNET_BATCH_ID" in drift.describe()


def test_sync_rewrites_only_the_blocks_and_then_check_is_clean(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    smoke = docs_copy / "docs" / "smoke.md"
    before = smoke.read_text()
    study = next(v for v in ENV_VARS if v.name == "IMEDNET_STUDY_KEY")
    renamed = tuple(replace(v, meaning="pin THE study") if v is study else v for v in ENV_VARS)
    monkeypatch.setattr(tables_module, "ENV_VARS", renamed)
    drifts = sync(docs_copy, TABLES)
    assert {(d.document, d.table) for d in drifts} == {
        ("docs/charter.md", "env-vars-charter"),
        ("docs/smoke.md", "smoke-env-vars"),
    }
    after = smoke.read_text()
    assert "| `IMEDNET_STUDY_KEY` | pin THE study |" in after
    outside = BLOCK.sub("", before), BLOCK.sub("", after)
    assert outside[0] == outside[1]  # the prose is untouched
    assert check(docs_copy, TABLES) == []


def test_an_unknown_table_name_is_one_line_naming_document_and_table(docs_copy: Path) -> None:
    runbook = docs_copy / "docs" / "runbook.md"
    runbook.write_text(runbook.read_text() + "\n<!-- generated:no-such -->\n<!-- /generated -->\n")
    with pytest.raises(DocBlockError, match=r"docs/runbook.md: unknown generated table 'no-such'"):
        check(docs_copy, TABLES)


def test_an_unclosed_block_is_an_error(docs_copy: Path) -> None:
    sandbox = docs_copy / "docs" / "sandbox.md"
    sandbox.write_text(sandbox.read_text() + "\n<!-- generated:scenarios -->\n| x |\n")
    with pytest.raises(DocBlockError, match=r"docs/sandbox.md: unbalanced generated block"):
        check(docs_copy, TABLES)


def test_a_table_that_no_document_shows_is_an_error(docs_copy: Path) -> None:
    extra = {**TABLES, "orphan": lambda: "| a |\n|---|"}
    with pytest.raises(DocBlockError, match=r"generated table\(s\) orphan appear in no document"):
        check(docs_copy, extra)


def test_command_exit_codes(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--check", str(docs_copy)]) == 0
    monkeypatch.setattr(tables_module, "SCENARIOS", {})
    assert main(["--check", str(docs_copy)]) == 1
    out, err = capsys.readouterr()
    assert "docs/sandbox.md: table scenarios differs from the code" in out
    assert "not in the code: default" in out
    assert "run: nox -s docs" in err
    assert main([str(docs_copy)]) == 0
    assert "rewrote docs/sandbox.md: table scenarios" in capsys.readouterr().out
    assert main(["--check", str(docs_copy)]) == 0
    (docs_copy / "README.md").write_text("<!-- generated:nope -->\n<!-- /generated -->\n")
    assert main(["--check", str(docs_copy)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: README.md: unknown generated table 'nope'")


def test_a_stray_closing_marker_is_an_error_but_prose_may_quote_it(docs_copy: Path) -> None:
    smoke = docs_copy / "docs" / "smoke.md"
    smoke.write_text(smoke.read_text() + "\nQuoted: `<!-- /generated -->` is fine.\n")
    assert check(docs_copy, TABLES) == []
    smoke.write_text(smoke.read_text() + "\n<!-- /generated -->\n")
    with pytest.raises(DocBlockError, match=r"docs/smoke.md: unbalanced generated block"):
        check(docs_copy, TABLES)
