"""Entry points checked by the input kernel beyond account(): the swap ledger file."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from tanfeng.errors import InputError
from tanfeng.swap import Ledger

ON = dt.date(2023, 6, 30)


@pytest.mark.parametrize("content", [b"", b"   \n", b"\x00\x01\x02binary\xff", b"\xff\xfe\xfa garbled"])
def test_ledger_load_refuses_empty_binary_or_garbled_files(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "台账.csv"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        Ledger.load(p)
    assert exc.value.failures["reason"].tolist() == ["ledger_unreadable"]


def test_ledger_csv_neutralises_formulas_and_reads_them_back(tmp_path: Path) -> None:
    led = Ledger()
    led.allocate("=HYPERLINK(\"x\")", "+S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on=ON,
                 note="@SUM(A1)")
    p = led.save(tmp_path / "台账.csv")
    text = p.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+S1" in text and "'@SUM(A1)" in text
    back = Ledger.load(p)
    assert back.allocations["project_id"].tolist() == ["=HYPERLINK(\"x\")"]
    assert back.allocations["source_id"].tolist() == ["+S1"] and back.allocations["note"].tolist() == ["@SUM(A1)"]


def test_a_crashed_saves_temp_file_is_removed_by_the_next_save_or_load(tmp_path: Path) -> None:
    led = Ledger()
    led.allocate("A", "S1", capacity=10, capacity_unit="万吨/年", source_capacity=100, on=ON)
    p = led.save(tmp_path / "台账.csv")
    orphan = tmp_path / ".台账.csv.abc123.tmp"
    orphan.write_text("project_id,source_id\nA,")
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    Ledger.load(p)
    assert not orphan.exists()
    orphan.write_text("half")
    os.utime(orphan, (old, old))
    led.save(p)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["台账.csv"]


# ---------------------------------------------------------------------------------------------
# units that cannot hang, and thread-safe first use


@pytest.mark.parametrize("text", ["9**9**9 t", "t" * 100_000, "2^1000 kg", "(10)**99 t"])
def test_unit_text_that_could_hang_is_refused(text: str) -> None:
    from tanfeng.errors import UnitError
    from tanfeng.units import parse_unit

    with pytest.raises(UnitError) as exc:
        parse_unit(text)
    assert exc.value.code == "unit_unparsable"


@pytest.mark.parametrize("text", ["10^4m3", "m^3", "GJ/10^4Nm3", "kg/m**3"])
def test_plain_exponents_and_magnitudes_still_parse(text: str) -> None:
    from tanfeng.units import parse_unit

    parse_unit(text)


def test_the_public_registry_raises_unit_errors_with_suggestions() -> None:
    import tanfeng
    from tanfeng.errors import TanfengError, UnitError

    with pytest.raises(UnitError) as exc:
        tanfeng.ureg("1 万千瓦吋")
    assert isinstance(exc.value, TanfengError) and "万千瓦时" in exc.value.suggestions
    # 1 千瓦·时 = 1 kW·h = 1 kWh
    assert tanfeng.ureg("1 千瓦·时").to("kWh").magnitude == 1.0
    assert tanfeng.ureg("1 kW·h").to("kWh").magnitude == 1.0


_THREADS = r'''
import threading, pandas as pd, tanfeng
df = pd.DataFrame({"carrier": ["原煤", "电力", "天然气"] * 50, "quantity": [1000, 100, 5] * 50,
                   "unit": ["t", "万kWh", "万m3"] * 50})
barrier = threading.Barrier(4)
out, errors = {}, []
def run(i):
    barrier.wait()
    try:
        out[i] = tanfeng.account(df, region="浙江", year=2022)[["tce", "co2_t"]].round(9)
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
serial = tanfeng.account(df, region="浙江", year=2022)[["tce", "co2_t"]].round(9)
assert not errors, errors
assert all(o.equals(serial) for o in out.values()), "a thread's result differs from the serial one"
print("ok")
'''


def test_first_use_from_two_threads_gives_the_serial_result(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "TANFENG_UNIT_CACHE": str(tmp_path / "cache")}  # a fresh, cold registry
    r = subprocess.run([sys.executable, "-c", _THREADS], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


# ---------------------------------------------------------------------------------------------
# FactorSet.override checks what it adds


def _row(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"carrier": "电力", "quantity": "tce_coefficient", "value": 0.300, "unit": "kgce/kWh",
                               "basis": "等价值", "data_year": 2022, "variant": "", "source": "bureau-2022",
                               "confidence": "verified"}
    return {**base, **kw}


SRC = [{"id": "bureau-2022", "title": "某县发改局 2022 等价值通知"}]


@pytest.mark.parametrize("rows, check", [
    ([_row(value="abc")], "value_numeric"),
    ([_row(value="0,3")], "value_numeric"),
    ([_row(value=-0.3)], None),
    ([_row(value=None)], None),
    ([_row(id="x1"), _row(id="x1", data_year=2021)], None),
    ([_row(), _row(value=0.31)], None),
])
def test_override_validates_what_it_adds(rows: list[dict[str, object]], check: str | None) -> None:
    from tanfeng import FactorSet
    from tanfeng.errors import FactorTableError

    with pytest.raises(FactorTableError) as exc:
        FactorSet.default().override(rows, sources=SRC)
    if check:
        assert check in set(exc.value.problems["check"])


def test_override_reads_the_value_as_every_cell_is_read() -> None:
    from tanfeng import FactorSet

    fs = FactorSet.default().override([_row(value="0.300")], sources=SRC)
    assert fs.select("electricity", "tce_coefficient", basis="等价值", year=2022).value == 0.3


# ---------------------------------------------------------------------------------------------
# swap arguments

_P = {"id": "P", "sector": "钢铁", "product": "粗钢", "new_capacity": 100, "capacity_unit": "万吨/年",
      "province": "浙江", "city": "绍兴", "county": "诸暨"}


def _src() -> object:
    import pandas as pd

    return pd.DataFrame({"source_id": ["S1"], "product": ["粗钢"], "capacity": [200], "capacity_unit": ["万吨/年"],
                         "closed_on": ["2023-01-31"]})


@pytest.mark.parametrize("kw", [{"energy_ratio": -1}, {"energy_ratio": float("nan")}, {"retire_per_new": -1.5}])
def test_swap_a_negative_ratio_is_a_rule_error(kw: dict[str, float]) -> None:
    from tanfeng.errors import RuleError
    from tanfeng.swap import check

    with pytest.raises(RuleError, match=next(iter(kw))):
        check(_P, _src(), on="2023-05-01", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("project, on, field, reason", [
    (_P, "昨天", "on", "date_invalid"), (_P, "2023-13-45", "on", "date_invalid"),
    ({**_P, "new_capacity": -5}, "2023-05-01", "new_capacity", "quantity_negative"),
    ({**_P, "new_capacity": "很多"}, "2023-05-01", "new_capacity", "quantity_not_numeric"),
])
def test_swap_a_bad_date_or_capacity_is_an_input_error_naming_the_field(
        project: dict[str, object], on: str, field: str, reason: str) -> None:
    from tanfeng.swap import check

    with pytest.raises(InputError) as exc:
        check(project, _src(), on=on)
    f = exc.value.failures
    assert f["column"].tolist() == [field] and f["reason"].tolist() == [reason]
