from __future__ import annotations

from imednet_live.redaction import MASK, redact, redact_headers


def test_every_occurrence_and_overlaps_are_masked() -> None:
    text = "key=abc123 again abc123, longer abc1234"
    out = redact(text, ["abc123", "abc1234", ""])
    assert "abc123" not in out
    assert out.count(MASK) == 3


def test_headers_are_masked_by_name() -> None:
    assert redact_headers({"X-API-Key": "k", "Accept": "json"}) == {
        "X-API-Key": MASK,
        "Accept": "json",
    }
