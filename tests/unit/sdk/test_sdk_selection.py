"""IMEDNET_SDK and friends: parsing, per-profile filtering, constraints, matrix builds."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from imednet_live.core import env_vars
from imednet_live.core.profiles import PROFILES
from imednet_live.core.settings import ConfigError
from imednet_live.sdk.matrix_builds import (
    PINNED,
    build_label,
    parse_matrix,
    shared_builds,
    wheel_builds,
)
from imednet_live.sdk.selection import (
    CLI_EXTRA,
    SpecKind,
    filtered_constraints,
    install_failure_line,
    parse_selection,
)


def make_wheel(folder: Path, name: str, version: str, metadata: str = "") -> Path:
    """A minimal wheel: only its METADATA matters to the selection."""
    path = folder / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(
            f"{name.replace('-', '_')}-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{metadata}",
        )
    return path


def test_unset_is_the_pinned_release() -> None:
    selection = parse_selection({env_vars.SDK: "  "})
    assert not selection
    assert selection.describe() == "the pinned release (constraints)"


@pytest.mark.parametrize(
    ("value", "requirement"),
    [
        ("==0.5.6", "imednet[cli]==0.5.6"),
        ("0.5.6", "imednet[cli]==0.5.6"),
        (">=0.6,<0.9", "imednet[cli]>=0.6,<0.9"),
    ],
)
def test_version_specifiers(value: str, requirement: str) -> None:
    (spec,) = parse_selection({env_vars.SDK: value}).specs
    assert spec.kind is SpecKind.VERSION
    assert spec.requirement() == requirement


def test_bad_specifier_names_the_variable_and_value() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_selection({env_vars.SDK: "==not a version"})
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("IMEDNET_SDK='==not a version' is not a version specifier")


def test_wheel_path_relative_to_cwd_with_declared_extras(tmp_path: Path) -> None:
    make_wheel(tmp_path, "imednet", "0.8.0", "Provides-Extra: cli\nProvides-Extra: export\n")
    (spec,) = parse_selection({env_vars.SDK: "imednet-0.8.0-py3-none-any.whl"}, cwd=tmp_path).specs
    assert spec.kind is SpecKind.ARCHIVE
    assert spec.extras == (CLI_EXTRA,)
    assert spec.requirement() == (
        f"imednet[cli] @ {(tmp_path / 'imednet-0.8.0-py3-none-any.whl').as_uri()}"
    )


def test_wheel_without_cli_extra_asks_for_none(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "imednet", "0.5.6", "Provides-Extra: pandas\n")
    (spec,) = parse_selection({env_vars.SDK: str(wheel)}).specs
    assert spec.requirement() == f"imednet @ {wheel.as_uri()}"


def test_wheel_of_another_distribution_is_refused(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "imednet-workflows", "0.6.0")
    with pytest.raises(ConfigError, match="is a imednet-workflows build, but IMEDNET_SDK"):
        parse_selection({env_vars.SDK: str(wheel)})


def test_missing_path_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        parse_selection({env_vars.SDK_AIRFLOW: str(tmp_path / "nope.whl")})
    other = tmp_path / "imednet.txt"
    other.write_text("x")
    with pytest.raises(ConfigError, match="is not a wheel"):
        parse_selection({env_vars.SDK: str(other)})


def test_source_checkout_is_editable(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'imednet'\n")
    (spec,) = parse_selection({env_vars.SDK: str(tmp_path)}).specs
    assert spec.kind is SpecKind.SOURCE
    assert spec.editable
    with pytest.raises(ConfigError, match=r"has no pyproject\.toml or setup\.py"):
        parse_selection({env_vars.SDK: str(tmp_path / "..")})


def test_profiles_get_only_what_their_dependencies_allow(tmp_path: Path) -> None:
    selection = parse_selection(
        {
            env_vars.SDK: str(make_wheel(tmp_path, "imednet", "0.8.0")),
            env_vars.SDK_WORKFLOWS: str(make_wheel(tmp_path, "imednet-workflows", "0.6.0")),
            env_vars.SDK_AIRFLOW: str(
                make_wheel(tmp_path, "apache-airflow-providers-imednet", "0.6.0")
            ),
        }
    )
    names = {
        name: [s.dist.name for s in selection.for_profile(profile)]
        for name, profile in PROFILES.items()
    }
    assert names == {
        "core": ["imednet"],  # workflows needs pandas, the provider needs Airflow
        "exports": ["imednet", "imednet-workflows"],
        "airflow": ["imednet", "imednet-workflows", "apache-airflow-providers-imednet"],
        "mutating": ["imednet", "imednet-workflows", "apache-airflow-providers-imednet"],
    }
    left_out = [s.dist.name for s in selection.left_out(PROFILES["core"])]
    assert left_out == ["imednet-workflows", "apache-airflow-providers-imednet"]


def test_constraints_lose_only_the_selected_pins() -> None:
    text = (
        "# header\nimednet==0.5.0\n    # via imednet-live\nimednet-workflows==0.1\nhttpx==0.28.1\n"
    )
    assert filtered_constraints(text, ("imednet",)) == (
        "# header\n    # via imednet-live\nimednet-workflows==0.1\nhttpx==0.28.1\n"
    )


def test_install_failure_is_one_line_with_uv_cause() -> None:
    output = (
        "Using Python 3.11 environment at: .nox/smoke\n"
        "error: No solution found when resolving dependencies\n"
        "  cause: Because there is no version of imednet==9.9.9 and you require it, "
        "we can conclude that your requirements are unsatisfiable.\n"
    )
    line = install_failure_line(parse_selection({env_vars.SDK: "==9.9.9"}), output)
    assert line == (
        "cannot install IMEDNET_SDK='==9.9.9': No solution found when resolving dependencies: "
        "Because there is no version of imednet==9.9.9 and you require it, "
        "we can conclude that your requirements are unsatisfiable"
    )


def test_install_failure_with_pip_output() -> None:
    output = "ERROR: Could not find a version that satisfies the requirement imednet==9.9.9\n"
    line = install_failure_line(parse_selection({env_vars.SDK: "9.9.9"}), output)
    assert line.endswith("Could not find a version that satisfies the requirement imednet==9.9.9")


def test_wheel_builds_group_companions_by_their_imednet_range(tmp_path: Path) -> None:
    old = make_wheel(tmp_path, "imednet", "0.6.0")
    new = make_wheel(tmp_path, "imednet", "0.8.0")
    flows = make_wheel(
        tmp_path, "imednet-workflows", "0.6.0", "Requires-Dist: imednet (>=0.8.0,<0.9)\n"
    )
    builds = wheel_builds(tmp_path)
    assert builds == [
        {env_vars.SDK: str(old)},
        {env_vars.SDK: str(new), env_vars.SDK_WORKFLOWS: str(flows)},
    ]
    assert [build_label(b) for b in builds] == ["imednet-0.6.0", "imednet-0.8.0+1"]


def test_matrix_assigns_archives_by_file_name(tmp_path: Path) -> None:
    core = make_wheel(tmp_path, "imednet", "0.8.0")
    flows = make_wheel(tmp_path, "imednet-workflows", "0.6.0")
    builds = parse_matrix(f"{PINNED}; ==0.5.6 ;{core} {flows}", tmp_path)
    assert builds == [
        {},
        {env_vars.SDK: "==0.5.6"},
        {env_vars.SDK: str(core), env_vars.SDK_WORKFLOWS: str(flows)},
    ]
    assert build_label({}) == PINNED
    with pytest.raises(ConfigError, match="names IMEDNET_SDK twice"):
        parse_matrix("==0.5.6 ==0.6.0", tmp_path)
    with pytest.raises(ConfigError, match="names no build"):
        parse_matrix(" ; ", tmp_path)


def make_monorepo(root: Path, *folders: str) -> Path:
    """The SDK's monorepo layout: a workspace pyproject and one project per package."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.uv.workspace]\nmembers = ['packages/*']\n")
    for folder in folders:
        (root / folder).mkdir(parents=True)
        (root / folder / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return root


MONOREPO = ("packages/core", "packages/plugins-workflows", "packages/providers-airflow")


def test_a_monorepo_root_selects_its_three_packages_editable(tmp_path: Path) -> None:
    root = make_monorepo(tmp_path / "sdk", *MONOREPO)
    selection = parse_selection({env_vars.SDK: "sdk"}, tmp_path)
    targets = {s.dist.name: (s.kind, s.target) for s in selection.specs}
    assert targets == {
        "imednet": (SpecKind.SOURCE, str(root / "packages/core")),
        "imednet-workflows": (SpecKind.SOURCE, str(root / "packages/plugins-workflows")),
        "apache-airflow-providers-imednet": (
            SpecKind.SOURCE, str(root / "packages/providers-airflow"),
        ),
    }  # fmt: skip
    assert all(s.editable for s in selection.specs)
    assert selection.specs[0].extras == (CLI_EXTRA,)
    assert not selection.gaps
    # Filtered per profile as any selection: core holds neither pandas nor Airflow.
    assert [s.dist.name for s in selection.for_profile(PROFILES["core"])] == ["imednet"]


def test_a_companion_variable_wins_over_the_monorepo(tmp_path: Path) -> None:
    make_monorepo(tmp_path / "sdk", *MONOREPO)
    wheel = make_wheel(tmp_path, "imednet-workflows", "0.6.0")
    selection = parse_selection({env_vars.SDK: "sdk", env_vars.SDK_WORKFLOWS: str(wheel)}, tmp_path)
    kinds = {s.dist.name: s.kind for s in selection.specs}
    assert kinds["imednet-workflows"] is SpecKind.ARCHIVE
    assert kinds["apache-airflow-providers-imednet"] is SpecKind.SOURCE


def test_a_monorepo_missing_a_package_is_a_gap_naming_path_and_package(tmp_path: Path) -> None:
    root = make_monorepo(tmp_path / "sdk", "packages/core", "packages/providers-airflow")
    selection = parse_selection({env_vars.SDK: str(root)})
    assert [s.dist.name for s in selection.specs] == ["imednet", "apache-airflow-providers-imednet"]
    assert selection.gaps_for(PROFILES["core"]) == ()  # core would not hold workflows anyway
    (gap,) = selection.gaps_for(PROFILES["exports"])
    line = gap.line(PROFILES["exports"])
    assert "\n" not in line
    assert str(root) in line
    assert "packages/plugins-workflows (imednet-workflows)" in line
    assert "dependency-missing" in line


def test_a_checkout_with_no_installable_package_is_one_line(tmp_path: Path) -> None:
    root = make_monorepo(tmp_path / "sdk")
    (root / "packages" / "core").mkdir(parents=True)  # a folder, but no project in it
    with pytest.raises(ConfigError) as raised:
        parse_selection({env_vars.SDK: str(root)})
    message = str(raised.value)
    assert "\n" not in message
    assert str(root) in message
    assert "packages/core" in message
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match=r"no pyproject\.toml or setup\.py nor packages/core"):
        parse_selection({env_vars.SDK: str(empty)})


def test_a_monorepo_in_the_matrix_is_one_build(tmp_path: Path) -> None:
    make_monorepo(tmp_path / "sdk", *MONOREPO)
    assert parse_matrix("sdk", tmp_path) == [{env_vars.SDK: "sdk"}]


def test_main_joins_the_shared_builds_with_its_collection_as_the_build_contract(
    tmp_path: Path,
) -> None:
    """A folder of wheels with the collection beside them (../shared/sdk/main-84b2fd36/)."""
    release = make_wheel(tmp_path, "imednet", "0.8.0")
    main = tmp_path / "main-84b2fd36"
    main.mkdir()
    core = make_wheel(main, "imednet", "0.8.0+main.84b2fd36")
    flows = make_wheel(
        main, "imednet-workflows", "0.6.0+main.84b2fd36", "Requires-Dist: imednet<1.0.0,>=0.8.0\n"
    )
    collection = main / "imednet.postman_collection.json"
    collection.write_text("{}")
    builds = shared_builds(tmp_path)
    assert builds == [
        {env_vars.SDK: str(release)},
        {
            env_vars.SDK: str(core),
            env_vars.SDK_WORKFLOWS: str(flows),
            env_vars.POSTMAN_PATH: str(collection),
        },
    ]
    # The contract is not a distribution: the label counts the companion only.
    assert build_label(builds[1]) == "imednet-0.8.0+main.84b2fd36+1"


def test_a_matrix_build_carries_its_contract_file(tmp_path: Path) -> None:
    core = make_wheel(tmp_path, "imednet", "0.8.0+main.84b2fd36")
    collection = tmp_path / "imednet.postman_collection.json"
    collection.write_text("{}")
    spec = tmp_path / "mednet.yaml"
    spec.write_text("openapi: 3.0.0\n")
    builds = parse_matrix(f"{core} {collection.name}; ==0.5.6 mednet.yaml", tmp_path)
    assert builds == [
        {env_vars.SDK: str(core), env_vars.POSTMAN_PATH: collection.name},
        {env_vars.SDK: "==0.5.6", env_vars.OPENAPI_PATH: "mednet.yaml"},
    ]
    with pytest.raises(ConfigError, match=r"nowhere\.json \(the build's IMEDNET_POSTMAN_PATH\)"):
        parse_matrix(f"{core} nowhere.json", tmp_path)
