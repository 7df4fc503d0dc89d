"""The public API: every re-exported name resolves lazily, and functions show an example."""

from __future__ import annotations

import inspect
import subprocess
import sys

import tanfeng


def test_every_public_name_resolves() -> None:
    for name in tanfeng.__all__:
        assert getattr(tanfeng, name) is not None, name


def test_public_functions_and_models_have_runnable_examples() -> None:
    missing = []
    for name in tanfeng.__all__:
        obj = getattr(tanfeng, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException | Warning):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and ">>>" not in (inspect.getdoc(obj) or ""):
            missing.append(name)
    assert not missing


def test_import_is_light() -> None:
    # nothing heavy at import: no scipy, matplotlib, openpyxl, and no unit registry built
    code = ("import sys, tanfeng; heavy = [m for m in ('scipy', 'matplotlib', 'openpyxl', 'tanfeng.units') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
