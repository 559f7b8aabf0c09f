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
