"""Target resolution for every combination of credentials and IMEDNET_TARGET."""

from __future__ import annotations

import pytest

from imednet_live.core.settings import ConfigError
from imednet_live.matrix.target import TargetKind, resolve_target

NONE: dict[str, str] = {}
API_ONLY = {"IMEDNET_API_KEY": "k"}
SEC_ONLY = {"IMEDNET_SECURITY_KEY": "s"}
BOTH = {"IMEDNET_API_KEY": "k", "IMEDNET_SECURITY_KEY": "s"}


@pytest.mark.parametrize(
    ("creds", "forced", "expected"),
    [
        (NONE, None, TargetKind.SANDBOX),
        (BOTH, None, TargetKind.LIVE),
        (NONE, "sandbox", TargetKind.SANDBOX),
        (BOTH, "sandbox", TargetKind.SANDBOX),
        (API_ONLY, "sandbox", TargetKind.SANDBOX),
        (BOTH, "live", TargetKind.LIVE),
        (BOTH, " LIVE ", TargetKind.LIVE),
    ],
)
def test_resolves(creds: dict[str, str], forced: str | None, expected: TargetKind) -> None:
    env = dict(creds)
    if forced is not None:
        env["IMEDNET_TARGET"] = forced
    assert resolve_target(env).kind is expected


@pytest.mark.parametrize(
    ("creds", "missing"),
    [
        (NONE, "IMEDNET_API_KEY and IMEDNET_SECURITY_KEY are not set"),
        (API_ONLY, "IMEDNET_SECURITY_KEY is not set"),
        (SEC_ONLY, "IMEDNET_API_KEY is not set"),
    ],
)
def test_forced_live_without_credentials_is_an_error_not_a_fallback(
    creds: dict[str, str], missing: str
) -> None:
    with pytest.raises(ConfigError, match=missing) as info:
        resolve_target({**creds, "IMEDNET_TARGET": "live"})
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("creds", [API_ONLY, SEC_ONLY])
def test_half_credentials_are_an_error(creds: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="set both"):
        resolve_target(creds)


def test_unknown_target_names_the_variable() -> None:
    with pytest.raises(
        ConfigError,
        match=r"IMEDNET_TARGET must be 'live', 'sandbox' or 'replay', not 'prod'",
    ):
        resolve_target({"IMEDNET_TARGET": "prod"})


def test_blank_credentials_count_as_absent() -> None:
    assert resolve_target({"IMEDNET_API_KEY": "  ", "IMEDNET_SECURITY_KEY": ""}).kind is (
        TargetKind.SANDBOX
    )


def test_description_is_one_line_without_secrets() -> None:
    line = resolve_target({"IMEDNET_API_KEY": "secret-a", "IMEDNET_SECURITY_KEY": "secret-b"})
    text = line.describe()
    assert text == "target: live (credentials are set)"
    assert "secret" not in text


@pytest.mark.parametrize("creds", [NONE, API_ONLY, BOTH])
def test_replay_needs_no_credentials_and_names_its_recording(creds: dict[str, str]) -> None:
    target = resolve_target({**creds, "IMEDNET_TARGET": "replay"})
    assert (target.kind, target.recording) == (TargetKind.REPLAY, "reports")
    assert target.describe().startswith("target: replay (forced by IMEDNET_TARGET=replay")
    other = resolve_target({"IMEDNET_TARGET": "replay", "IMEDNET_REPLAY_DIR": "/tmp/night"})
    assert other.recording == "/tmp/night"
    assert "recordings from /tmp/night" in other.describe()
