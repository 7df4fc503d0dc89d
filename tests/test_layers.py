"""The package's imports point one way and use only public names (docs/architecture.md).

Walks every module of ``src/tanfeng`` (its AST: nothing is imported) and fails on

* an import of a higher layer (ground <- vocabulary <- factors <- accounting <- policy <- face);
* a private name (``_x``) imported from another top-level module or package;
* a private attribute (``obj._x``) that only another module's classes define — reaching into
  another module's objects (``fs._select``);
* a function longer than `MAX_FUNCTION_LINES` lines of code (docstring not counted).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "tanfeng"

#: Top-level modules and packages of tanfeng by layer (docs/architecture.md).
LAYERS: dict[int, set[str]] = {
    0: {"errors", "_resources", "_rules", "cells", "defaults", "_milp", "_html"},
    1: {"units", "carriers", "regions", "industries", "credit_code", "steam", "gas"},
    2: {"factors", "resolver", "testing", "substitution"},
    3: {"accounting"},
    4: {"screening", "swap", "targets", "per_mu", "plans"},
    5: {"io", "plotting", "report", "cli", "datasets", "statement", "_accessor"},
}
LAYER_OF = {m: layer for layer, mods in LAYERS.items() for m in mods}
MAX_FUNCTION_LINES = 120


def _modules() -> Iterator[tuple[str, bool, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        is_init = parts[-1] == "__init__"
        if is_init:
            parts = parts[:-1]
        yield ".".join(parts), is_init, ast.parse(path.read_text(encoding="utf-8"))


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(module: str, is_init: bool, tree: ast.Module) -> Iterator[tuple[str, str, int]]:
    """(target module, imported name, line) of every ``from … import …`` of tanfeng."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = (module if is_init else module.rsplit(".", 1)[0]).split(".")
            base = base[: len(base) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if target == "tanfeng" or target.startswith("tanfeng."):
            for alias in node.names:
                yield target, alias.name, node.lineno


MODULES = list(_modules())


def test_every_module_has_a_layer() -> None:
    unknown = sorted({_area(m) for m, _, _ in MODULES if _area(m) and _area(m) not in LAYER_OF})
    assert unknown == [], "add new modules to LAYERS here and in docs/architecture.md"


def test_imports_point_down_the_layers() -> None:
    bad = []
    for module, is_init, tree in MODULES:
        area = _area(module)
        if not area:
            continue
        for target, name, line in _imports(module, is_init, tree):
            to = _area(target) or name  # ``from tanfeng import units``
            if to in LAYER_OF and LAYER_OF[to] > LAYER_OF[area]:
                bad.append(f"{module}:{line} imports {target}.{name} (layer {LAYER_OF[to]} > {LAYER_OF[area]})")
    assert bad == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_taken_across_modules() -> None:
    bad = []
    for module, is_init, tree in MODULES:
        for target, name, line in _imports(module, is_init, tree):
            if _private(name) and _area(target) != _area(module):
                bad.append(f"{module}:{line} imports {name} from {target}")
    assert bad == []


def test_no_private_attribute_of_another_modules_objects() -> None:
    defined: dict[str, set[str]] = {}  # private attribute -> modules whose classes define it
    for module, _, tree in MODULES:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for sub in ast.walk(node):
                    if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) and _private(sub.name):
                        defined.setdefault(sub.name, set()).add(module)
                    if isinstance(sub, ast.Attribute) and _private(sub.attr) and isinstance(sub.ctx, ast.Store):
                        defined.setdefault(sub.attr, set()).add(module)
    bad = []
    for module, _, tree in MODULES:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            owners = defined.get(node.attr, set())
            if owners and module not in owners and isinstance(node.ctx, ast.Load):
                bad.append(f"{module}:{node.lineno} uses {ast.unparse(node)} (defined in {sorted(owners)})")
    assert bad == []


def _code_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    n = (fn.end_lineno or fn.lineno) - fn.lineno + 1
    first = fn.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        n -= (first.end_lineno or first.lineno) - first.lineno + 1
    return n


def test_functions_are_short() -> None:
    long = {}
    for module, _, tree in MODULES:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _code_lines(node) > MAX_FUNCTION_LINES:
                long[f"{module.removeprefix('tanfeng.')}.{node.name}"] = _code_lines(node)
    assert long == {}
