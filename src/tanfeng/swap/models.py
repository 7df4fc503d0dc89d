"""The project under review and the results of :func:`~tanfeng.swap.check` and
:func:`~tanfeng.swap.plan` (pydantic models)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..cells import Text
from .rules import RegionType

__all__ = ["Finding", "Line", "LineResult", "Project", "Severity", "SwapCheck", "SwapPlan"]

Severity = Literal["error", "warning", "info"]


def _tuple(v: Any) -> Any:
    if v is None:
        return ()
    if isinstance(v, str):
        return tuple(s.strip() for s in v.replace("，", "|").replace(",", "|").split("|") if s.strip())
    return v


class Line(BaseModel):
    """One production line (产线) of a new project: what it makes and how much capacity it adds."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    id: str = ""
    product: str
    new_capacity: float = Field(ge=0)
    capacity_unit: str
    conditions: tuple[str, ...] = ()
    region_type: RegionType | None = None

    _conds = field_validator("conditions", mode="before")(_tuple)

    @model_validator(mode="after")
    def _default_id(self) -> Line:
        if not self.id:
            object.__setattr__(self, "id", self.product)
        return self


class Project(BaseModel):
    """A new project (新建项目) that must retire capacity and energy elsewhere.

    Give one line with ``product``, ``new_capacity`` and ``capacity_unit``, or several with
    ``lines``. ``new_tce`` is the project's new energy use (新增能耗, tce per year); ``province``
    decides provincial rules (浙江's suspensions) and, with ``city`` or ``county``, whether the
    project is in a 大气污染防治重点区域 (or pass ``region_type``). ``conditions`` are
    project-level cases of the rules (e.g. ``converter_to_eaf``).

    Examples
    --------
    >>> p = Project(id="A", sector="钢铁", product="粗钢", new_capacity=100,
    ...             capacity_unit="万吨/年", province="浙江", city="绍兴", county="诸暨")
    >>> p.lines[0].id, p.lines[0].new_capacity
    ('粗钢', 100.0)
    """

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    id: str
    sector: str
    province: str
    city: str | None = None
    county: str | None = None
    region_type: RegionType | None = None
    new_tce: float | None = Field(default=None, ge=0)
    conditions: tuple[str, ...] = ()
    product: str | None = None
    new_capacity: float | None = Field(default=None, ge=0)
    capacity_unit: str | None = None
    lines: tuple[Line, ...] = ()

    _conds = field_validator("conditions", mode="before")(_tuple)

    @model_validator(mode="after")
    def _one_line(self) -> Project:
        if not self.lines:
            missing = [k for k in ("product", "new_capacity", "capacity_unit") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"give lines=[...] or product, new_capacity and capacity_unit (missing {missing})")
            line = Line(product=str(self.product), new_capacity=float(self.new_capacity or 0.0),
                        capacity_unit=str(self.capacity_unit))
            object.__setattr__(self, "lines", (line,))
        ids = [ln.id for ln in self.lines]
        if len(set(ids)) != len(ids):
            raise ValueError(f"line ids must differ: {ids}")
        return self


class Finding(BaseModel):
    """One thing a reviewer should know: a stable ``code`` and a Chinese sentence."""

    code: str
    severity: Severity
    message: str
    source_id: str | None = None
    line: str | None = None


class LineResult(BaseModel):
    """Capacity requirement and what the counted sources provide, for one line."""

    line: str
    product: str
    capacity_unit: str
    new_capacity: float
    region_type: RegionType
    key_region_document: str | None
    retire_per_new: float
    rule_ids: tuple[str, ...]
    required_capacity: float
    provided_capacity: float
    covered_new_capacity: float
    capacity_shortfall: float
    ok: bool


class _Result(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    project_id: str
    on: dt.date
    ok: bool
    lines: list[LineResult]
    new_tce: float | None
    energy_ratio_required: float
    required_tce: float | None
    provided_tce: float | None
    energy_shortfall_tce: float | None
    findings: list[Finding]
    sources: pd.DataFrame = Field(repr=False)
    allocations: pd.DataFrame = Field(repr=False)

    def _one(self, name: str) -> Any:
        vals = [getattr(ln, name) for ln in self.lines]
        if len(vals) == 1:
            return vals[0]
        if name in ("required_capacity", "provided_capacity", "capacity_shortfall", "new_capacity") \
                and len({ln.capacity_unit for ln in self.lines}) == 1:
            return float(sum(vals))
        return None

    @property
    def required_capacity(self) -> float | None:
        """Capacity to retire (新建产能 × 置换比例), in the line's unit; summed over lines of one unit."""
        return self._one("required_capacity")

    @property
    def provided_capacity(self) -> float | None:
        """Capacity retired by the counted sources."""
        return self._one("provided_capacity")

    @property
    def capacity_shortfall(self) -> float | None:
        """Retired capacity still missing (0 when covered)."""
        return self._one("capacity_shortfall")

    @property
    def capacity_unit(self) -> str | None:
        units = {ln.capacity_unit for ln in self.lines}
        return units.pop() if len(units) == 1 else None

    @property
    def retire_per_new(self) -> float | None:
        """The line's ratio (退出:建设) when the project has one line."""
        return self._one("retire_per_new")

    @property
    def capacity_ratio(self) -> float | None:
        """Provided retired capacity per unit of new capacity (one line)."""
        if len(self.lines) != 1 or self.lines[0].new_capacity == 0:
            return None
        return self.lines[0].provided_capacity / self.lines[0].new_capacity

    @property
    def energy_ratio(self) -> float | None:
        """Achieved ``provided_tce / new_tce``."""
        if self.new_tce is None or self.provided_tce is None or self.new_tce == 0:
            return None
        return self.provided_tce / self.new_tce

    def findings_frame(self) -> pd.DataFrame:
        """Findings as a table (code, severity, message, source_id, line)."""
        cols = ["code", "severity", "message", "source_id", "line"]
        return pd.DataFrame([f.model_dump() for f in self.findings], columns=cols)

    def summary(self) -> str:
        """A few lines for a report, in the language of `tanfeng.cells.get_language`."""
        out = [str(Text("swap_project", project=self.project_id, on=self.on,
                        verdict=Text("swap_pass" if self.ok else "swap_fail")))]
        for ln in self.lines:
            out.append("  " + str(Text("swap_line", line=ln.line, new=ln.new_capacity, unit=ln.capacity_unit,
                                       ratio=ln.retire_per_new, required=ln.required_capacity,
                                       provided=ln.provided_capacity, short=ln.capacity_shortfall)))
        if self.new_tce is not None and self.required_tce is not None:
            out.append("  " + str(Text("swap_energy", new=self.new_tce, required=self.required_tce,
                                       ratio=self.energy_ratio_required, provided=self.provided_tce or 0,
                                       short=self.energy_shortfall_tce or 0)))
        for f in self.findings:
            if f.severity != "info":
                out.append(f"  [{f.code}] {f.message}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        from .._html import table

        lines = html.escape(self.summary()).replace("\n", "<br>")
        out = f"<div><p><b>{type(self).__name__}</b><br>{lines}</p>"
        if len(self.allocations):
            cols = [c for c in ("source_id", "line", "product", "share", "capacity", "capacity_unit",
                                "energy_tce") if c in self.allocations.columns]
            out += table(self.allocations[cols], "计入的来源 / sources counted")
        if self.findings:
            out += table(self.findings_frame(), "提示 / findings")
        return out + "</div>"


class SwapCheck(_Result):
    """Result of :func:`~tanfeng.swap.check`: does the swap add up, and is every source eligible?

    ``ok`` is True when every line's capacity and the energy are covered and no finding has
    severity ``error``. ``sources`` is the input table (same rows, order and index) plus
    ``line``, ``retire_per_new``, ``capacity_counted`` (in the line's unit),
    ``energy_counted_tce``, ``counted`` and ``reasons``. ``allocations`` lists the counted
    sources in the ledger's terms (what :meth:`Ledger.record` writes).
    """


class SwapPlan(_Result):
    """Result of :func:`~tanfeng.swap.plan`: the chosen sources and the proof of optimality.

    ``status`` is ``optimal`` (proved within ``mip_rel_gap``), ``time_limit`` (the best found,
    with its proven ``gap``) or ``infeasible`` (then ``capacity_shortfall`` and
    ``energy_shortfall_tce`` say what is missing even with every eligible source).
    ``chosen`` has one row per chosen (source, line) with the share used.
    """

    objective: str
    status: Literal["optimal", "time_limit", "infeasible"]
    solver_status: str
    gap: float
    objective_value: float
    bound: float
    greedy_objective: float
    seconds: float
    stages: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def chosen(self) -> pd.DataFrame:
        """The chosen (source, line) pairs: share used, capacity, energy, price."""
        return self.allocations

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"

    def summary(self) -> str:
        head = super().summary()
        gap = "—" if math.isinf(self.gap) else f"{self.gap:.2e}"
        return head + "\n  " + str(Text("swap_solver", objective=self.objective, status=self.status,
                                         solver=self.solver_status, gap=gap, n=len(self.chosen), secs=self.seconds))
