"""Wheel names and ``Requires-Dist`` read through ``packaging``: extras and markers honoured."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version
from test_sdk_selection import make_wheel

from imednet_live import config
from imednet_live.config import ConfigError
from imednet_live.sdk.selection import (
    archive_name_version,
    core_need,
    filtered_constraints,
    parse_matrix,
    parse_selection,
    wheel_builds,
)

CLI = "Provides-Extra: cli\n"
NEEDS_CLI_ON_310 = 'Requires-Dist: imednet[cli]>=0.8; python_version >= "3.10"\n'


def test_a_companion_needing_the_cli_extra_pairs_only_with_a_matching_core(
    tmp_path: Path,
) -> None:
    """``>=0.8`` is a range, not "any version"; the core must declare the extra it names."""
    old = make_wheel(tmp_path, "imednet", "0.6.0", CLI)
    (tmp_path / "bare").mkdir()
    bare = make_wheel(tmp_path / "bare", "imednet", "0.8.0")  # no cli extra declared
    new = make_wheel(tmp_path, "imednet", "0.8.0", CLI)
    flows = make_wheel(tmp_path, "imednet-workflows", "0.6.0", NEEDS_CLI_ON_310)
    assert wheel_builds(tmp_path) == [
        {config.SDK: str(old)},
        {config.SDK: str(new), config.SDK_WORKFLOWS: str(flows)},
    ]
    (bare.parent / flows.name).write_bytes(flows.read_bytes())
    assert wheel_builds(bare.parent) == [{config.SDK: str(bare)}]


def test_a_marker_that_does_not_apply_constrains_nothing(tmp_path: Path) -> None:
    """As for the installer: on Python 3.9 the line is not a requirement at all."""
    old = make_wheel(tmp_path, "imednet", "0.6.0", CLI)
    flows = make_wheel(tmp_path, "imednet-workflows", "0.6.0", NEEDS_CLI_ON_310)
    assert wheel_builds(tmp_path, {"python_version": "3.9"}) == [
        {config.SDK: str(old), config.SDK_WORKFLOWS: str(flows)}
    ]
    assert wheel_builds(tmp_path, {"python_version": "3.12"}) == [{config.SDK: str(old)}]


def test_only_applicable_lines_count_and_they_intersect(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path,
        "imednet-workflows",
        "0.6.0",
        'Requires-Dist: imednet (<0.9,>=0.6); python_version < "3.10"\n'
        'Requires-Dist: imednet>=0.8; python_version >= "3.10"\n'
        "Requires-Dist: imednet<0.8.5\n"
        'Requires-Dist: imednet[export]>=0.8; extra == "export"\n'
        "Requires-Dist: imednet-workflows-extra>=1\n"
        "Requires-Dist: pandas>=2\n",
    )
    need = core_need(wheel, {"python_version": "3.11"})
    assert str(need.specifier) == "<0.8.5,>=0.8"
    assert need.extras == frozenset()  # the export line applies only with that extra
    assert str(core_need(wheel, {"python_version": "3.9"}).specifier) == "<0.8.5,<0.9,>=0.6"


def test_wheel_and_sdist_names_are_parsed_as_installers_do() -> None:
    assert archive_name_version("imednet-0.8.0+main.84b2fd36-py3-none-any.whl") == (
        "imednet",
        Version("0.8.0+main.84b2fd36"),
    )
    # An sdist's name may hold dashes: it is the workflows package, not imednet.
    named = archive_name_version("imednet-workflows-0.6.0.tar.gz")
    assert named is not None
    assert named[0] == "imednet-workflows"
    assert archive_name_version("imednet.whl") is None


def test_an_invalid_wheel_name_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "imednet-latest.whl"
    bad.write_bytes(b"")
    with pytest.raises(ConfigError) as raised:
        parse_selection({config.SDK: str(bad)})
    assert str(raised.value).startswith(f"IMEDNET_SDK={str(bad)!r}: imednet-latest.whl is not")
    with pytest.raises(ConfigError, match=r"IMEDNET_LIVE_SDK_MATRIX: imednet-latest\.whl is not"):
        parse_matrix(str(bad), tmp_path)
    assert wheel_builds(tmp_path) == []  # skipped when a folder is scanned


def test_a_dashed_sdist_selects_its_own_distribution(tmp_path: Path) -> None:
    sdist = tmp_path / "imednet-workflows-0.6.0.tar.gz"
    sdist.write_bytes(b"")
    with pytest.raises(ConfigError, match="is a imednet-workflows build, but IMEDNET_SDK"):
        parse_selection({config.SDK: str(sdist)})
    (spec,) = parse_selection({config.SDK_WORKFLOWS: str(sdist)}).specs
    assert spec.dist.name == "imednet-workflows"


def test_constraints_with_markers_and_extras_lose_the_selected_pins() -> None:
    text = (
        'imednet[cli]==0.5.0 ; python_version >= "3.10"\n'
        "imednet_workflows==0.1  # pinned\n--index-url x\nhttpx==0.28.1\n"
    )
    assert filtered_constraints(text, ("imednet", "imednet-workflows")) == (
        "--index-url x\nhttpx==0.28.1\n"
    )
