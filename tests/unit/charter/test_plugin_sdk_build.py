"""The SDK build under test: recorded in outcomes.json and JUnit, and its missing surfaces
turned into expected dependency-missing skips that name the package."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from plugin_support import LiveSuite, enabled_env

SURFACE_TESTS = """
    import pytest

    @pytest.mark.resource("workflows.audit_trail")
    def test_workflow():
        pass

    @pytest.mark.resource("airflow.hook")
    def test_airflow_surface():
        pass

    @pytest.mark.resource("optional_deps")
    @pytest.mark.requires_sdk("job_poller")
    def test_marked():
        pass

    @pytest.mark.resource("studies")
    def test_core():
        pass
"""


def test_outcomes_and_junit_name_the_sdk_build(suite: LiveSuite) -> None:
    suite.write("test_live.py", SURFACE_TESTS)
    junit = suite.root / "junit.xml"
    run = suite.run(f"--junitxml={junit}", env=enabled_env())
    assert run.returncode == 0, run
    outcomes = run.outcomes()
    assert outcomes["sdk_version"] == "0.5.0"
    assert outcomes["sdk_distributions"] == {"imednet": "0.5.0"}
    assert outcomes["counts"]["passed"] == 4  # 0.5.0 bundles every surface
    properties = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert properties["sdk_version"] == "0.5.0"
    assert properties["sdk:imednet"] == "0.5.0"


def test_a_build_without_workflows_or_airflow_skips_their_tests_as_expected(
    suite: LiveSuite,
) -> None:
    """A stand-in ``imednet`` package without the bundled surfaces, like 0.8's core."""
    (suite.root / "imednet").mkdir()
    (suite.root / "imednet" / "__init__.py").write_text("")
    suite.write("test_live.py", SURFACE_TESTS)
    run = suite.run(env=enabled_env())
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(["*SDK surfaces missing: workflows (imednet-workflows), *"])
    skipped = {t["nodeid"].rsplit("::", 1)[1]: t for t in run.outcomes()["tests"]}
    for name, package in (
        ("test_workflow", "imednet-workflows"),
        ("test_airflow_surface", "apache-airflow-providers-imednet"),
        ("test_marked", "imednet-workflows"),
    ):
        test = skipped[name]
        assert test["outcome"] == "skipped", test
        assert test["category"] == "dependency-missing"
        assert test["expected"] is True
        assert test["message"] == f"optional dependency {package!r} is not installed"
    assert skipped["test_core"]["outcome"] == "passed"


def test_a_build_whose_models_lack_their_fields_is_red_at_once_in_one_line(
    suite: LiveSuite,
) -> None:
    """A stand-in for an SDK main wheel: models generated from a contract it cannot find."""
    models = suite.root / "imednet" / "models"
    models.mkdir(parents=True)
    (suite.root / "imednet" / "__init__.py").write_text("")
    (models / "engine.py").write_text("")
    (models / "__init__.py").write_text(
        "from pydantic import BaseModel\nclass Study(BaseModel):\n    pass\n"
    )
    suite.write("test_live.py", SURFACE_TESTS)
    run = suite.run(env=enabled_env())
    assert run.returncode == 4, run  # a usage error: nothing ran
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, run
    assert errors[0].startswith("ERROR: "), run
    assert "known SDK defect of imednet" in errors[0]
    assert "models have no fields (Study.study_key missing)" in errors[0]
    assert "IMEDNET_POSTMAN_PATH" in errors[0]


def test_the_banner_names_the_contract_and_the_strict_check(suite: LiveSuite) -> None:
    suite.write("test_live.py", SURFACE_TESTS)
    contract = suite.root / "imednet.postman_collection.json"
    env = enabled_env(IMEDNET_POSTMAN_PATH=str(contract), IMEDNET_LIVE_SDK_STRICT="1")
    run = suite.run(env=env)
    assert run.returncode == 0, run
    run.lines.fnmatch_lines(
        [
            f"  SDK contract: IMEDNET_POSTMAN_PATH={contract}",
            # 0.5.0 has no strict drift check: said, not silently ignored.
            "  SDK strict drift check: requested, but this build has no strict drift check",
        ]
    )
