"""account / summarize / problems on dask DataFrames (partitioned parquet) on a distributed.LocalCluster.

The claim tested: the dask path gives what the pandas path gives on the same rows — to 1e-12 —
on a mixed table with bad rows, fallbacks, feedstock and output flows, read from several parquet
files whose index restarts in each file; and a few values by hand, from GB/T 2589 (原煤 0.7143
kgce/kg, 电力 当量值 1.229 kgce/kWh).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import tanfeng  # noqa: E402
from tanfeng import FactorFallbackWarning, InputError  # noqa: E402

NUMERIC = ["tce", "tce_excl_feedstock", "co2_t"]
# each account() says the 烟煤 fallback once, on the client (tested below); the other tests need not hear it
pytestmark = pytest.mark.filterwarnings("ignore::tanfeng.errors.FactorFallbackWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    # threads in this process: starts in well under a second, and exercises the scheduler
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def mixed(n_repeat: int = 4) -> pd.DataFrame:
    """Good rows, bad rows (negative, missing, unknown carrier, blank unit, bad year), a carrier
    converted by its NCV (烟煤: FactorFallbackWarning), 原料用能, 外供 and measured NCV rows."""
    base = pd.DataFrame({
        "企业": ["甲", "甲", "乙", "乙", "丙", "丙", None, "丁", "丁", "戊", "戊", "己", "庚"],
        "月份": [1, 2, 1, 2, 1, 2, 1, 1, 2, 3, 3, 1, 2],
        "能源品种": ["原煤", "电力", "天然气", "柴油", "烟煤", "蒸汽", "原煤", "焦炭", "不存在的煤", "电力", "原煤", "柴油",
                 "原煤"],
        "消费量": [1000.0, 100.0, -5.0, 200.0, 50.0, 30.0, 10.0, 120.0, 1.0, 5.0, np.nan, 3.0, 7.0],
        "计量单位": ["吨", "万千瓦时", "万立方米", "吨", "吨", "吨", "吨", "吨", "吨", "kWh", "吨", "", "吨"],
        "用途": ["", "", "", "原料", "", "", "", "feedstock", "", "", "", "", ""],
        "流向": ["", "", "", "", "", "", "外供", "", "", "output", "", "", ""],
        "低位发热量": ["", "", "", "", "", "", "", "28 GJ/t", "", "", "", "", ""],
        "year": [2022, 2022, 2023, 2022, 2022, 2022, 2022, 2022, 2022, 2022, 2022, 2022, 1800],
        "region": ["浙江", "浙江", "江苏", *["浙江"] * 10],
    })
    return pd.concat([base] * n_repeat, ignore_index=True)


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four files (index 0…k in each, as exports are), carrier dictionary-encoded in two."""
    d = tmp_path_factory.mktemp("records")
    df = mixed()
    for i, (a, b) in enumerate([(0, 7), (7, 20), (20, 21), (21, len(df))]):
        part = df.iloc[a:b].reset_index(drop=True)
        if i % 2:
            part = part.assign(能源品种=part["能源品种"].astype("category"))
        part.to_parquet(d / f"part-{i}.parquet")
    return d


def pandas_twin(ddf: object) -> pd.DataFrame:
    """The same rows as one pandas frame, labelled as the pandas user would have them."""
    return ddf.compute().reset_index(drop=True)  # type: ignore[attr-defined]


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert got.index.equals(want.index)
    for c in want.columns:
        if c in NUMERIC:
            np.testing.assert_allclose(got[c].to_numpy(), want[c].to_numpy(), rtol=1e-12, atol=0)
        elif isinstance(want[c].dtype, pd.CategoricalDtype):
            assert isinstance(got[c].dtype, pd.CategoricalDtype), c
            assert got[c].astype(object).equals(want[c].astype(object)), c
        else:
            assert got[c].dtype == want[c].dtype, c
            assert got[c].astype(object).fillna("").equals(want[c].astype(object).fillna("")), c


def test_account_on_parquet_equals_the_pandas_path(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    with pytest.warns(FactorFallbackWarning, match="烟煤"):  # said once, on the client
        result = tanfeng.account(ddf, errors="report", region="浙江")
    assert type(result).__module__.startswith("dask")
    got = result.compute()
    records = pandas_twin(ddf)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FactorFallbackWarning)
        want = tanfeng.account(records, errors="report", region="浙江")
    assert_same(got, want)
    assert got.index.tolist() == list(range(52))  # numbered across files, as one table
    # by hand, GB/T 2589: 1000 t 原煤 × 0.7143 = 714.3 tce; 100 万kWh × 1.229 t/万kWh = 122.9 tce;
    # 外供 5 kWh electricity: −5 × 0.0001229 = −0.0006145 tce; 原料用能 counts in tce only
    for start in (0, 13, 26, 39):
        assert got.loc[start, "tce"] == pytest.approx(714.3, rel=1e-12)
        assert got.loc[start + 1, "tce"] == pytest.approx(122.9, rel=1e-12)
        assert got.loc[start + 9, "tce"] == pytest.approx(-0.0006145, rel=1e-12)
        assert got.loc[start + 3, "tce_excl_feedstock"] == 0.0 and got.loc[start + 3, "tce"] > 0
        # 外供 10 t 原煤 (blank enterprise): −10 × 0.7143 = −7.143 tce
        assert got.loc[start + 6, "tce"] == pytest.approx(-7.143, rel=1e-12)
    bad = got["problem"] != ""
    # negative gas, unknown carrier, bad year, missing quantity, blank unit: 5 of 12 per copy
    assert bad.sum() == 4 * 5 and got.loc[bad, "tce"].isna().all()
    assert got.loc[~bad, "tce"].notna().all()
    # every partition shares one set of categories: the pandas path's
    assert result["tce_factor"].dtype.categories.tolist() == sorted(
        {*want["tce_factor"].cat.categories, "measured-ncv"})


def test_summarize_aggregates_on_the_workers_and_equals_pandas(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FactorFallbackWarning)
        result = tanfeng.account(ddf, errors="report", region="浙江")
        want = tanfeng.summarize(tanfeng.account(pandas_twin(ddf), errors="report", region="浙江"),
                                 by=["企业", "月份"])
    got = tanfeng.summarize(result, by=["企业", "月份"])
    assert isinstance(got, pd.DataFrame)
    assert list(got.columns) == list(want.columns)
    common = want.index.intersection(got.index)
    assert len(common) == len(want)
    pd.testing.assert_frame_equal(got.loc[want.index], want, rtol=1e-12, check_dtype=False)
    # the rows of the blank enterprise are their own group: totals add up to the whole
    assert got["rows"].sum() == 52
    assert got["tce"].sum() == pytest.approx(result["tce"].sum().compute(), rel=1e-12)
    total = tanfeng.summarize(result)
    assert total["rows"].iloc[0] == 52 and total["rows_with_problems"].iloc[0] == 20


def test_keys_are_resolved_once_on_the_client_never_per_partition(
        client: object, parquet_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tanfeng.resolver as resolver

    calls: list[str] = []
    real = resolver.resolve_key

    def counting(fs: object, carrier: str, *args: object, **kwargs: object) -> object:
        calls.append(carrier)
        return real(fs, carrier, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(resolver, "resolve_key", counting)
    fs = tanfeng.FactorSet.from_dir(tmp_path)  # a factor set of its own: nothing resolved yet
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    result = tanfeng.account(ddf, factors=fs, errors="report", region="浙江")
    on_client = len(calls)
    # keys with a known carrier and a unit: 原煤 t 2022, 电力 万kWh, 电力 kWh, 天然气 万m3 2023 江苏,
    # 柴油 t, 烟煤 t, 蒸汽 t, 焦炭 t — and 原煤 t of the row whose year 1800 is refused (read
    # without a year): 9, each resolved once for 52 rows
    assert on_client == 9
    assert (~result["tce"].isna()).sum().compute() == 4 * 8
    assert len(calls) == on_client  # the workers (threads here, sharing this module) resolved nothing


def test_errors_raise_names_global_rows(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FactorFallbackWarning)
        result = tanfeng.account(ddf, region="浙江")  # lazy: nothing raised yet
        with pytest.raises(InputError) as exc:
            result.compute()
        with pytest.raises(InputError) as whole:
            tanfeng.account(pandas_twin(ddf), region="浙江")
    f = exc.value.failures
    # the first bad partition raised: its failures are the pandas path's for those rows, by global label
    expected = whole.value.failures
    assert set(f["row"]) <= set(expected["row"])
    assert len(f) and f.reset_index(drop=True).equals(
        expected[expected["row"].isin(f["row"])].reset_index(drop=True))
    # an InputError crosses process boundaries (workers in other processes) intact
    again = pickle.loads(pickle.dumps(exc.value))
    assert isinstance(again, InputError) and again.failures.equals(f)


def test_problems_collects_the_failure_table(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FactorFallbackWarning)
        got = tanfeng.problems(tanfeng.account(ddf, errors="report", region="浙江"))
        records = pandas_twin(ddf)
        on_pandas = tanfeng.problems(tanfeng.account(records, errors="report", region="浙江"))
        with pytest.raises(InputError) as exc:
            tanfeng.account(records, region="浙江")
    assert got.equals(exc.value.failures) and on_pandas.equals(exc.value.failures)
    # row 2 of the second copy: 天然气 −5 万m3 -> quantity_negative on 消费量
    assert got.loc[got["row"] == 15, ["column", "reason"]].values.tolist() == [["消费量", "quantity_negative"]]
    assert sorted(set(got["reason"])) == ["carrier_unknown", "quantity_missing", "quantity_negative",
                                          "unit_missing", "year_out_of_range"]


def test_known_divisions_keep_their_labels(client: object) -> None:
    df = mixed(2).set_axis(pd.RangeIndex(100, 126))
    ddf = dd.from_pandas(df, npartitions=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FactorFallbackWarning)
        got = tanfeng.account(ddf, errors="report", basis="both", region="浙江").compute()
        want = tanfeng.account(ddf.compute(), errors="report", basis="both", region="浙江")
    assert got.index.tolist() == list(range(100, 126))
    assert_same(got, want)
    assert want["tce_substitution"].notna().any()


def test_a_missing_column_is_said_before_any_work(client: object) -> None:
    ddf = dd.from_pandas(pd.DataFrame({"能源品种": ["原煤"], "计量单位": ["吨"]}), npartitions=1)
    with pytest.raises(InputError, match="quantity"):
        tanfeng.account(ddf)


def test_import_tanfeng_and_the_pandas_path_never_import_dask() -> None:
    # `import tanfeng` imports no dask at all; accounting a pandas table imports no dask.dataframe
    # and no distributed (pint itself imports dask.base when dask is installed, for dask arrays)
    code = ("import sys, pandas as pd, tanfeng; "
            "seen = lambda: sorted({m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')}); "
            "at_import = seen(); "
            "r = tanfeng.account(pd.DataFrame({'carrier': ['原煤'], 'quantity': [1], 'unit': ['t']}), errors='report'); "
            "tanfeng.summarize(r); tanfeng.problems(r); "
            "print(at_import, [m for m in seen() if m.startswith(('dask.dataframe', 'distributed'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"


def test_messages_and_blank_labels_in_the_clients_language(client: object, parquet_dir: Path) -> None:
    from tanfeng.cells import get_language, set_language

    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    before = get_language()
    set_language("en")
    try:
        result = tanfeng.account(ddf, errors="report", region="浙江")
        got = result["problem"].compute()
        want = tanfeng.account(pandas_twin(ddf), errors="report", region="浙江")["problem"]
        summary = tanfeng.summarize(result, by="企业")
    finally:
        set_language(before)
    assert got.equals(want) and (got != "").sum() == 20
    assert "(blank)" in summary.index and summary.loc["(blank)", "rows"] == 4  # the 4 rows with no 企业


def test_cli_totals_from_parquet_on_dask_and_on_pandas(client: object, parquet_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tanfeng.cli import main

    pattern = str(parquet_dir / "*.parquet")
    address = client.scheduler.address  # type: ignore[attr-defined]
    common = ["--by", "企业,月份", "--errors", "report", "--region", "浙江"]
    assert main(["account", pattern, "--out", str(tmp_path / "dask.parquet"), *common,
                 "--engine", "dask", "--scheduler", address]) == 0
    assert "100% Completed" in capsys.readouterr().out  # dask's own progress bar
    assert main(["account", pattern, "--out", str(tmp_path / "pandas.parquet"), *common]) == 0  # small: pandas
    on_dask, on_pandas = pd.read_parquet(tmp_path / "dask.parquet"), pd.read_parquet(tmp_path / "pandas.parquet")
    want = tanfeng.summarize(tanfeng.account(pandas_twin(dd.read_parquet(pattern)), errors="report", region="浙江"),
                             by=["企业", "月份"]).reset_index()
    for got in (on_dask, on_pandas):
        assert got[["企业", "月份", "rows"]].astype(str).values.tolist() == want[["企业", "月份", "rows"]].astype(str).values.tolist()
        np.testing.assert_allclose(got["tce"], want["tce"], rtol=1e-12)
    # the failure table beside the totals: 5 bad rows in each of 4 copies
    assert len(pd.read_csv(tmp_path / "dask.problems.csv")) == 20
    # --errors raise: the first bad partition's rows, by global row, and exit code 1
    assert main(["account", pattern, "--out", str(tmp_path / "x.parquet"), "--engine", "dask",
                 "--scheduler", address]) == 1
    err = capsys.readouterr().err
    assert "quantity_negative" in err and not (tmp_path / "x.parquet").exists()


def test_the_result_records_the_resolved_keys(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    got = tanfeng.account(ddf, errors="report", region="浙江").compute().attrs["tanfeng"]
    want = tanfeng.account(pandas_twin(ddf), errors="report", region="浙江").attrs["tanfeng"]
    assert got["factor_set"] == want["factor_set"] and got["fallbacks"] == want["fallbacks"]
    # the same 计算依据 (which factor for which key), without the row counts only the whole table knows
    strip = [{k: v for k, v in key.items() if k != "rows"} for key in want["keys"]]
    assert [{k: v for k, v in key.items() if k != "rows"} for key in got["keys"]] == strip


def test_distinct_rows_are_those_of_drop_duplicates() -> None:
    from tanfeng.accounting.partitioned import distinct_rows

    df = pd.DataFrame({"a": pd.Categorical(["x", None, "x", "y", None, "y"]), "b": [1, 2, 1, np.nan, 2, np.nan],
                       "c": ["u", "", "u", "u", "", "v"]})
    assert distinct_rows(df).equals(df.drop_duplicates())  # rows 0, 1, 3, 5: missing values are values
    assert distinct_rows(df).index.tolist() == [0, 1, 3, 5]
    years = pd.DataFrame({"y": pd.array([2022, None, 2022, None], dtype="Int64"), "n": np.array([1, 1, 1, 2])})
    assert distinct_rows(years).index.tolist() == [0, 1, 3]


def test_fallbacks_are_said_once_on_the_client_never_by_the_workers(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    with warnings.catch_warnings(record=True) as on_pandas:
        warnings.simplefilter("always")
        tanfeng.account(pandas_twin(ddf), errors="report", region="浙江")
    with warnings.catch_warnings(record=True) as said:  # the worker threads share these filters
        warnings.simplefilter("always")
        result = tanfeng.account(ddf, errors="report", region="浙江")
        at_account = len(said)
        result.compute()
        tanfeng.summarize(result, by="企业")
        tanfeng.explain(ddf, region="浙江")
    fallbacks = [str(w.message) for w in said[:at_account] if issubclass(w.category, FactorFallbackWarning)]
    assert fallbacks and fallbacks == [str(w.message) for w in on_pandas if issubclass(w.category, FactorFallbackWarning)]
    assert any("烟煤" in f for f in fallbacks)
    # computing ran every partition (four files) and resolved nothing: nothing more was said, but
    # explain(), which resolves the keys again on the client, said them once more
    later = [str(w.message) for w in said[at_account:] if issubclass(w.category, FactorFallbackWarning)]
    assert later == fallbacks


def test_a_key_first_seen_in_the_last_partition(client: object) -> None:
    # 焦炭 and the 2023 江苏 electricity appear only in the last of three partitions
    df = pd.DataFrame({"能源品种": ["原煤", "原煤", "电力", "电力", "焦炭", "电力"],
                       "消费量": [1000.0, 10.0, 100.0, 1.0, 2.0, 10.0],
                       "计量单位": ["吨", "吨", "万千瓦时", "万千瓦时", "吨", "万千瓦时"],
                       "year": [2022, 2022, 2022, 2022, 2022, 2023],
                       "region": ["浙江", "浙江", "浙江", "浙江", "浙江", "江苏"]})
    ddf = dd.from_pandas(df, npartitions=3, sort=False)
    assert ddf.npartitions == 3 and "焦炭" in ddf.partitions[2].compute()["能源品种"].tolist()
    got = tanfeng.account(ddf).compute()
    assert_same(got, tanfeng.account(ddf.compute()))  # the same rows, as dask typed them
    # by hand, GB/T 2589-2008 表A.1: 焦炭 0.9714 kgce/kg → 2 t × 0.9714 = 1.9428 tce
    assert got.loc[4, "tce"] == pytest.approx(1.9428, rel=1e-12)


def test_explain_counts_rows_per_key_on_the_workers(client: object, parquet_dir: Path) -> None:
    ddf = dd.read_parquet(str(parquet_dir / "*.parquet"))
    got = tanfeng.explain(ddf, region="浙江")
    want = tanfeng.explain(pandas_twin(ddf), region="浙江")
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got, want)
    # 原煤 吨 2022 浙江: rows 0 (甲), 6 (外供, no enterprise) and 10 (missing quantity, still
    # counted on its key) of each of the 4 copies = 12; the row of year 1800 is read without a year
    coal = got[(got["carrier"] == "raw_coal") & (got["year"] == 2022)]
    assert coal["rows"].tolist() == [12]
    assert got["rows"].sum() == want["rows"].sum()


def test_group_sums_are_those_of_pandas_groupby() -> None:
    from tanfeng.accounting.partitioned import _regroup

    rng = np.random.default_rng(7)
    n = 2000
    df = pd.DataFrame({"town": pd.Categorical(rng.choice(["陶朱", "店口", None], n)),
                       "ent": rng.choice(np.array(["a", "b", "", None], dtype=object), n),
                       "month": rng.choice([1.0, 2.0, np.nan], n),
                       "tce": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 50.0, n)),
                       "_rows": np.ones(n, dtype=np.int64)})
    keys, sums = ["town", "ent", "month"], ["tce", "_rows"]
    got = _regroup(df, keys, sums).sort_values(keys).reset_index(drop=True)
    want = df.groupby(keys, dropna=False, observed=True, sort=True)[sums].sum().reset_index()
    assert got[keys].astype(object).fillna("NA").values.tolist() == want[keys].astype(object).fillna("NA").values.tolist()
    np.testing.assert_allclose(got["tce"], want["tce"], rtol=1e-12)  # a NaN tce adds nothing, as in pandas
    assert got["_rows"].dtype == np.int64 and got["_rows"].tolist() == want["_rows"].tolist()
    assert got["_rows"].sum() == n and len(_regroup(df.iloc[:0], keys, sums)) == 0
    # whole-number keys (enterprise codes, months) are counted in place: the same groups
    ints = pd.DataFrame({"ent": rng.integers(10**6, 10**6 + 500, n), "month": rng.integers(1, 13, n).astype(np.int8),
                         "tce": rng.gamma(2.0, 50.0, n)})
    got = _regroup(ints, ["ent", "month"], ["tce"]).sort_values(["ent", "month"]).reset_index(drop=True)
    want = ints.groupby(["ent", "month"])["tce"].sum().reset_index()
    assert got[["ent", "month"]].values.tolist() == want[["ent", "month"]].values.tolist()
    assert got["month"].dtype == np.int8
    np.testing.assert_allclose(got["tce"], want["tce"], rtol=1e-12)
    # nullable whole numbers with a missing value (a year column with blanks): a group of their own
    nullable = pd.DataFrame({"year": pd.array([2022, None, 2022, 2023], dtype="Int64"), "tce": [1.0, 2.0, 3.0, 4.0]})
    got = _regroup(nullable, ["year"], ["tce"])
    assert {(None if pd.isna(y) else int(y)): t for y, t in zip(got["year"], got["tce"])} == {2022: 4.0, None: 2.0, 2023: 4.0}


def test_two_spellings_of_one_carrier_on_dask(client: object) -> None:
    # 电力 and 外购电力 are one carrier: equal keys, resolved alike; one spelling per partition
    df = pd.DataFrame({"能源品种": ["电力", "原煤", "外购电力", "外购电力", "原煤"],
                       "消费量": [100.0, 1000.0, 10.0, 1.0, 10.0],
                       "计量单位": ["万千瓦时", "吨", "万千瓦时", "万千瓦时", "吨"]})
    ddf = dd.from_pandas(df, npartitions=2, sort=False)
    got = tanfeng.account(ddf).compute()
    assert_same(got, tanfeng.account(ddf.compute()))
    # by hand, GB/T 2589 当量值 1.229 tce per 万kWh: 10 万kWh → 12.29 tce, 1 → 1.229
    assert got["tce"].tolist()[2:4] == pytest.approx([12.29, 1.229], rel=1e-12)
    e = tanfeng.explain(ddf)
    # one row per key value on dask, with the rows of both spellings: 1 + 2 = 3
    assert sorted(e[["carrier", "unit", "rows"]].values.tolist()) == [["electricity", "万千瓦时", 3], ["raw_coal", "吨", 2]]
    # the same table on pandas: one row per key value, not one per spelling
    on_pandas = tanfeng.explain(ddf.compute())
    assert sorted(on_pandas[["carrier", "unit", "rows"]].values.tolist()) == [["electricity", "万千瓦时", 3], ["raw_coal", "吨", 2]]
