"""Code points for n-gram hashing."""

from __future__ import annotations

import numpy as np

from corpus.text.code_points import code_points


def test_every_character_is_one_code_point_as_uint64() -> None:
    codes = code_points("本a\n𠮷")  # 𠮷 is outside the Basic Multilingual Plane
    assert codes.dtype == np.uint64
    assert codes.tolist() == [0x672C, 0x61, 0x0A, 0x20BB7]
    assert len(code_points("")) == 0
