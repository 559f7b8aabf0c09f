"""Pieces of a value that a shortened repr cut in two are replaced on either side of ``...``."""

from __future__ import annotations

from imednet_live.recording.cut_values import replace_cut

VALUES = {"PAT-5521": "subj-aaaa", "Mrs Quennell": "name-bbbb"}


def test_the_head_and_the_tail_of_a_cut_value_are_replaced() -> None:
    assert replace_cut("{'k': 'PAT-55...'}", VALUES) == "{'k': 'subj-aaaa...'}"
    assert replace_cut("'...ennell lives'", VALUES) == "'...name-bbbb lives'"
    assert replace_cut("a PAT...5521 b", VALUES) == "a subj-aaaa...subj-aaaa b"


def test_text_without_a_cut_or_with_unknown_pieces_is_kept() -> None:
    assert replace_cut("PAT-55 and PAT", VALUES) == "PAT-55 and PAT"
    assert replace_cut("ordinary te...xt", VALUES) == "ordinary te...xt"
    assert replace_cut("PA...21", VALUES) == "PA...21"  # two characters name no one
    assert replace_cut("PAT-55.... [ 18%]", VALUES) == "PAT-55.... [ 18%]"  # a run of dots


def test_values_learnt_later_are_found_in_the_same_registry() -> None:
    values = dict(VALUES)
    assert replace_cut("x ELM-RO...", values) == "x ELM-RO..."
    values["ELM-ROW-7"] = "addr-cccc"
    assert replace_cut("x ELM-RO...", values) == "x addr-cccc..."
