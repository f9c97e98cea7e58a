"""Wording the clinical review corrected (../shared/domain.md)."""

from __future__ import annotations


def test_the_mesoderm_is_the_embryos_middle_layer_not_a_target(kb):
    text = kb.general.what_is_mesotherapy
    assert "middle layer of the embryo" in text
    assert "layer of tissue it targets" not in text
