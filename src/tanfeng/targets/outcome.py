"""`WhatIf`: the result of :func:`tanfeng.targets.whatif` — chosen actions and their proof."""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ..cells import Text, say

__all__ = ["WhatIf"]

_TOTAL_ZH = {"n_actions": "行动数", "phase_out": "淘汰", "upgrade": "整治", "cost": "费用（万元）",
             "jobs": "涉及人数", "energy_freed_tce": "腾出用能（tce）", "co2_reduced_t": "减少碳排放（tCO2）",
             "objective": "目标值"}


#: Columns `whatif` adds to the candidates (the rest are the user's own).
_STANDARD = ("enterprise", "town", "action", "energy_freed_tce", "co2_reduced_t", "cost", "jobs", "earliest",
             "problem", "valid", "eligible", "reason", "chosen", "greedy")
_COLUMNS_ZH = {"earliest": "最早完成月份", "eligible": "可选", "reason": "不可选原因", "chosen": "选中",
               "greedy": "贪心方案选中", "set": "方案", "constraint": "约束", "kind": "类型", "town": "镇乡（街道）",
               "limit": "限值", "unit": "单位", "achieved": "方案达到", "slack": "余量", "shadow_price": "影子价格",
               "binding": "起约束作用", "best_possible": "最多可达", "missing": "至少缺", "alone": "单独即不可达"}
#: The text (``factors/rules/texts/whatif.csv``) that names each status in a summary.
_STATUS = {"optimal": "whatif_optimal", "time_limit": "whatif_time_limit", "infeasible": "whatif_infeasible"}
_CHOSEN_ZH = {"enterprise": "企业", "town": "镇乡（街道）", "action": "行动", "energy_freed_tce": "腾出用能（tce）",
              "co2_reduced_t": "减少碳排放（tCO2）", "cost": "费用（万元）", "jobs": "涉及人数"}


class WhatIf(BaseModel):
    """Which candidate actions meet what remains of the targets at the least cost (or disruption).

    ``status``: ``optimal`` (proved within ``mip_rel_gap``), ``time_limit`` (the best found, with
    its proven ``gap``) or ``infeasible`` (then ``shortfall`` and ``message`` say which target
    cannot be met and by how much). ``candidates`` is the input table (same rows, order and
    index) plus the standard columns, ``eligible``, ``reason`` (why not eligible), ``chosen``
    and ``greedy`` (in the greedy answer). ``totals`` compares the chosen set with the greedy
    one; ``constraints`` lists every constraint with its limit, what the chosen set achieves,
    the slack, the LP shadow price (objective saved per unit the constraint is loosened, in the
    LP relaxation) and ``binding`` — a positive shadow price: the constraint drives the cost,
    though whole actions may still overshoot it (a positive slack).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    ok: bool
    status: Literal["optimal", "time_limit", "infeasible"]
    message: str
    objective: dict[str, float]
    objective_value: float
    bound: float
    gap: float
    greedy_objective: float
    solver_status: str
    seconds: float
    need_tce: float
    need_co2: float
    budget: float | None
    deadline: dt.date | None
    lang: Literal["zh", "en"] = "zh"
    candidates: pd.DataFrame = Field(repr=False)
    totals: pd.DataFrame = Field(repr=False)
    constraints: pd.DataFrame = Field(repr=False)
    shortfall: pd.DataFrame = Field(repr=False)
    stages: dict[str, Any] = Field(default_factory=dict, repr=False)

    @property
    def chosen(self) -> pd.DataFrame:
        """The chosen candidate rows."""
        return self.candidates[self.candidates["chosen"].to_numpy(dtype=bool)]

    @property
    def greedy(self) -> pd.DataFrame:
        """The rows of the greedy answer (cheapest per share of what is needed, in turn)."""
        return self.candidates[self.candidates["greedy"].to_numpy(dtype=bool)]

    @property
    def greedy_ratio(self) -> float:
        """``objective_value / greedy_objective`` (< 1: the optimum is cheaper than greedy)."""
        if not (math.isfinite(self.greedy_objective) and self.greedy_objective > 0):
            return math.nan
        return self.objective_value / self.greedy_objective

    @property
    def binding(self) -> list[str]:
        """Names of the binding constraints."""
        return self.constraints.loc[self.constraints["binding"], "constraint"].tolist()

    def tables(self, lang: str = "zh") -> dict[str, pd.DataFrame]:
        """Sheets for a workbook: the chosen actions, every candidate (tanfeng's reading, the
        user's other columns, ``eligible, reason, chosen, greedy``), the totals, the
        constraints and, when infeasible, the shortfall. ``lang="zh"``: Chinese headers."""
        from .actions import _ACTION_ZH, ACTION_COLUMNS
        from .candidates import CANDIDATE_COLUMNS, _find

        c = self.candidates
        given = [k for k in c.columns if k not in _STANDARD]
        read = set(_find(c[given], {**ACTION_COLUMNS, **CANDIDATE_COLUMNS}, None).values())
        std = [k for k in (*_CHOSEN_ZH, "earliest") if k in c.columns]
        every = c[std + [k for k in given if k not in read] + ["eligible", "reason", "chosen", "greedy"]]
        every = every.assign(action=every["action"].map(_ACTION_ZH).fillna(every["action"]),
                             earliest=every["earliest"].astype(str).replace("None", ""))
        frames = {"chosen": every[every["chosen"].to_numpy(dtype=bool)].drop(columns=["eligible", "reason", "chosen"]),
                  "candidates": every, "totals": self.totals.rename_axis("set").reset_index(),
                  "constraints": self.constraints.drop(columns="measure"), "shortfall": self.shortfall}
        if self.shortfall.empty:
            frames.pop("shortfall")
        if not self.ok:  # no plan: what was read, and what is missing
            frames.pop("chosen")
            frames.pop("totals")
        if lang != "zh":
            return frames
        names = {"chosen": "选中行动", "candidates": "全部候选", "totals": "汇总", "constraints": "约束",
                 "shortfall": "缺口"}
        zh = {**_CHOSEN_ZH, **_TOTAL_ZH, **_COLUMNS_ZH}
        if "totals" in frames:
            frames["totals"]["set"] = frames["totals"]["set"].map({"chosen": "最优方案", "greedy": "贪心方案"})
        return {names[k]: v.rename(columns=zh) for k, v in frames.items()}

    def summary(self) -> str:
        """A few lines for a report, in the result's language (``lang``)."""
        if self.status == "infeasible" or not self.ok:
            return self.message
        t = self.totals.loc["chosen"]
        lines = [say("whatif_summary", self.lang, n=int(t["n_actions"]), out=int(t["phase_out"]),
                     up=int(t["upgrade"]), cost=t["cost"], jobs=t["jobs"], tce=t["energy_freed_tce"],
                     co2=t["co2_reduced_t"]),
                 "  " + say("whatif_solution", self.lang, status=Text(_STATUS[self.status]), gap=self.gap,
                            obj=self.objective_value, g=self.greedy_objective, ratio=self.greedy_ratio)]
        if self.binding:
            names = say("cells_list_separator", self.lang).join(self.binding)
            lines.append("  " + say("whatif_binding", self.lang, names=names))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        from .._html import table

        head = html.escape(self.summary()).replace("\n", "<br>")
        sheets = self.tables(self.lang)
        order = (("汇总", "约束", "缺口", "选中行动") if self.lang == "zh"
                 else ("totals", "constraints", "shortfall", "chosen"))  # every candidate: in tables()
        title = say("whatif_title", self.lang)
        return (f"<div><p><b>{title}</b><br>{head}</p>"
                + "".join(table(sheets[k], caption=k) for k in order if k in sheets) + "</div>")
