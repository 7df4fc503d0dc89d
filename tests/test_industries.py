"""GB/T 4754-2017 codes: the table, normalisation of real-world spellings, suggestions."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanfeng import industries
from tanfeng.industries import UnknownIndustryError, lookup, normalize, parse, suggest, table

# --- the table ---------------------------------------------------------------------------------

def test_sections_c_and_d_are_complete() -> None:
    t = table()
    div = t["code"].str[:2]
    c = t[div.isin([str(d) for d in range(13, 44)]) & (t["level"] != "section")]
    d = t[div.isin(["44", "45", "46"]) & (t["level"] != "section")]
    # GB/T 4754-2017 制造业: 31 大类, 179 中类, 609 小类; section D: 3 大类, 9 中类, 18 小类
    assert c["level"].value_counts().to_dict() == {"class": 609, "group": 179, "division": 31}
    assert d["level"].value_counts().to_dict() == {"class": 18, "group": 9, "division": 3}


def test_table_is_a_tree_with_marks() -> None:
    t = table()
    assert t["code"].is_unique
    levels = {"section": 1, "division": 2, "group": 3, "class": 4}
    for code, level, parent in zip(t["code"], t["level"], t["parent"]):
        assert len(code) == levels[level]
        if level == "division":
            assert t.at[parent, "level"] == "section"
        elif level in ("group", "class"):
            assert t.at[parent, "level"] == ("division" if level == "group" else "group")
            assert code.startswith(parent)
    assert set(t["confidence"]) <= {"secondary", "unverified"}
    assert set(t["source"]) == {"gbt4754-2017"}
    from tanfeng.screening.rules import _shipped_tables

    assert "gbt4754-2017" in _shipped_tables()["sources"]  # the source is defined beside the rules
    assert (t["name_zh"].str.strip() != "").all()


def test_codes_the_rules_and_zhuji_use_are_there() -> None:
    t = table()
    for code, name in [("1711", "棉纺纱加工"), ("1712", "棉织造加工"), ("1713", "棉印染精加工"),
                       ("1751", "化纤织造加工"), ("1752", "化纤织物染整精加工"), ("1761", "针织或钩针编织物织造"),
                       ("1762", "针织或钩针编织物印染精加工"), ("1771", "床上用品制造"), ("1830", "服饰制造"),
                       ("3391", "黑色金属铸造"), ("3392", "有色金属铸造"), ("2614", "有机化学原料制造"),
                       ("3011", "水泥制造"), ("3251", "铜压延加工"), ("4412", "热电联产")]:
        assert t.at[code, "name_zh"] == name
    classes = t[t["level"] == "class"]["code"]
    # classes per division, counted in the standard: 22: 221(2)+222(3)+223(2); 25: 2511 2519 2521-2524
    # 2529 2530 2541 2542; 28: 2811 2812 2821-2826 2829 2831 2832; 31: 3110-3140; 44: 4411-4417 4419 4420 4430
    for div, n in {"22": 7, "25": 10, "28": 11, "31": 4, "44": 10}.items():
        assert (classes.str[:2] == div).sum() == n


# --- normalisation -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [2614, 2614.0, "2614", "C2614", "c2614", " C 2614 ", "２６１４", "Ｃ２６１４",
                                 "2614 有机化学原料制造", "2614有机化学原料制造", "C2614-有机化学原料制造",
                                 "(2614)", "2614.0", "有机化学原料制造", "2614 有机化学原料"])
def test_spellings_of_one_class(raw: object) -> None:
    assert parse(raw).code == "2614"


def test_divisions_groups_and_leading_zeros() -> None:
    assert parse("26").code == "26"
    assert parse("C26").code == "26"
    assert parse("261").code == "261"
    assert parse(6).code == "06"          # a division typed as a number loses its zero
    assert lookup("44").level == "division"
    assert lookup("3011").parent == "301"


def test_other_sections_are_accepted_without_names() -> None:
    r = lookup("5191")
    assert (r.name_zh, r.confidence, r.section) == (None, "not_in_table", "F")


def test_unknown_codes_get_the_nearest_real_ones() -> None:
    # 26xx classes nearest 2699: 2689 (|2689-2699| = 10), 2684 (15), 2683 (16)
    p = parse("2699")
    assert (p.code, p.reason) == (None, "industry_code_unknown")
    assert list(p.suggestions) == ["2689", "2684", "2683"]
    # same group first: 1713 (1 away), 1712 (2), 1711 (3)
    assert suggest("1714") == ["1713", "1712", "1711"]
    with pytest.raises(KeyError):
        lookup("1714")
    with pytest.raises(UnknownIndustryError, match="1713 棉印染精加工"):
        lookup("1714")


@pytest.mark.parametrize("raw, reason", [
    ("D2614", "industry_section_mismatch"), ("2614 无机盐制造", "industry_name_mismatch"),
    ("26141", "industry_code_malformed"), ("abc", "industry_code_malformed"), ("99", "industry_code_unknown"),
    (None, "industry_code_missing"), ("", "industry_code_missing"), (float("nan"), "industry_code_missing"),
])
def test_bad_codes_say_why(raw: object, reason: str) -> None:
    p = parse(raw)
    assert p.code is None and p.reason == reason and p.reason in industries.REASONS


def test_name_mismatch_suggests_the_name_s_code() -> None:
    assert "2613" in parse("2614 无机盐制造").suggestions  # 2613 is 无机盐制造


def test_normalize_keeps_index_and_order() -> None:
    s = pd.Series(["C2614", 3011, "２６１４", None, "1714"], index=["e", "d", "c", "b", "a"])
    out = normalize(s)
    assert list(out.index) == ["e", "d", "c", "b", "a"]
    assert out["code"].tolist() == ["2614", "3011", "2614", None, None]
    assert out["reason"].tolist() == ["", "", "", "industry_code_missing", "industry_code_unknown"]
    assert out.loc["a", "suggestion"].startswith("1713 棉印染精加工")


# --- properties --------------------------------------------------------------------------------

_CLASSES = table().query("level == 'class'")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(_CLASSES["code"])), st.sampled_from(["plain", "letter", "wide", "int", "named"]))
def test_every_class_survives_every_spelling(code: str, style: str) -> None:
    name = _CLASSES.at[code, "name_zh"]
    section = "C" if int(code[:2]) <= 43 else "D"
    raw: object = {"plain": code, "letter": f"{section}{code}",
                   "wide": code.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                   "int": int(code), "named": f"{code} {name}"}[style]
    assert parse(raw).code == code


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=12))
def test_parse_never_raises(text: str) -> None:
    p = parse(text)
    assert (p.code is None) == bool(p.reason)
