"""One SandboxOptions value starts a sandbox however it is started."""

from __future__ import annotations

import pytest

from imednet_live import sandbox
from imednet_live.sandbox.options import SandboxOptions, options_for


def test_running_takes_the_options_value_or_its_fields_not_both() -> None:
    options = options_for(scenario="empty", fail=("GET /nothing=503",))
    assert options == SandboxOptions(scenario="empty", fault_rules=options.fault_rules)
    with sandbox.running(options) as sb:
        assert sb.scenario == "empty"
        assert sb.study_keys == []
    both = sandbox.running(options, scenario="default")
    with pytest.raises(TypeError, match="SandboxOptions or its fields, not both"):
        both.__enter__()


@pytest.mark.parametrize(
    "options",
    [
        SandboxOptions(),
        options_for(
            scenario="sparse",
            latency_ms=25,
            fail=("GET /a/*=500", "POST /b=503"),
            subjects=40,
            job_seconds=60,
        ),
        options_for(scenario="success-state", job_seconds=0, seed_from="reports"),
    ],
)
def test_a_sandbox_process_is_started_with_the_same_value(options: SandboxOptions) -> None:
    """The noxfile's sandbox process: ``cli_args`` there, ``serve``'s parser back here."""
    from imednet_live.cli import build_parser, serve_options

    args = build_parser().parse_args(["sandbox", "serve", *options.cli_args()])
    assert serve_options(args) == options


def test_a_sandbox_process_never_carries_keys_on_its_command_line() -> None:
    with pytest.raises(sandbox.SandboxConfigError, match="default keys only"):
        options_for(api_key="another-key-0123").cli_args()
