"""统一社会信用代码 check digit (GB 32100-2015), checked against hand computations."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanfeng.credit_code import (
    CHARSET,
    WEIGHTS,
    check_character,
    check_credit_codes,
    failures,
    normalize,
    validate,
)
from tanfeng.errors import InputError

# A published code (阿里巴巴（中国）有限公司), checked by hand:
#   characters 9 1 3 3 0 1 0 0 7 9 9 6 5 5 0 5 8
#   weights    1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
#   products   9 3 27 81 0 26 0 0 140 261 225 78 40 120 0 150 224  -> sum 1384
#   1384 mod 31 = 1384 - 44*31 = 20;  31 - 20 = 11  -> CHARSET[11] = "B"
REAL = "91330100799655058B"


def test_weights_are_powers_of_three_mod_31() -> None:
    # 3^0..3^16 mod 31, typed from GB 32100-2015 附录A
    assert WEIGHTS.tolist() == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY" and len(CHARSET) == 31


def test_hand_computed_examples() -> None:
    assert check_character(REAL[:17]) == "B"
    # all zeros: sum 0 -> 31 - 0 = 31 -> written "0"
    assert check_character("0" * 17) == "0"
    # "1" then zeros: 1*1 = 1 -> 31 - 1 = 30 -> "Y"
    assert check_character("1" + "0" * 16) == "Y"
    # zeros then "1": 1*28 = 28 -> 31 - 28 = 3 -> "3"
    assert check_character("0" * 16 + "1") == "3"
    # "A" (value 10) first: 10*1 = 10 -> 21 -> "M" (A..H = 10..17, J=18, K=19, L=20, M=21)
    assert check_character("A" + "0" * 16) == "M"


def test_validate_reasons_keep_index() -> None:
    s = pd.Series([REAL, "91330100799655058C", "123", None, "91330100799655O58B", "000000000000000000"],
                  index=list("abcdef"))
    out = validate(s)
    assert out.index.tolist() == list("abcdef")
    assert out.tolist() == ["", "credit_code_check_digit", "credit_code_length", "credit_code_missing",
                            "credit_code_charset", ""]


def test_normalisation_full_width_lower_case_spaces() -> None:
    typed = "９１３３０１００７９９６５５０５８ｂ"  # full-width, lower-case b
    assert normalize(pd.Series([typed, " 9133 0100799655058b "])).tolist() == [REAL, REAL]
    assert validate([typed]).tolist() == [""]


def test_wrong_check_digit_reported_with_its_row() -> None:
    codes = pd.Series([REAL, "91330100799655058C"], index=["甲公司", "乙公司"])
    with pytest.raises(InputError) as exc:
        check_credit_codes(codes)
    f = exc.value.failures
    assert f["row"].tolist() == ["乙公司"]
    assert f["reason"].tolist() == ["credit_code_check_digit"]
    assert "'B'" in f["suggestion"].iloc[0]  # the expected check character is named


def test_duplicates_name_every_row() -> None:
    codes = pd.Series([REAL, "000000000000000000", REAL.lower()], index=[10, 11, 12])
    f = failures(codes)
    dup = f[f["reason"] == "credit_code_duplicate"]
    assert dup["row"].tolist() == [10, 12]
    assert "10" in dup["suggestion"].iloc[1]  # points at the first row with that code


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17), st.sampled_from(CHARSET))
def test_check_character_round_trip(body: str, other: str) -> None:
    good = body + check_character(body)
    assert validate([good]).tolist() == [""]
    if other != good[-1]:
        assert validate([body + other]).tolist() == ["credit_code_check_digit"]


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_vectorised_matches_scalar_sum(body: str) -> None:
    # the scalar definition, written out: 31 - Σ v_i * 3^i mod 31, 31 -> 0
    total = sum(CHARSET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    assert check_character(body) == CHARSET[(31 - total % 31) % 31]
