"""Results of a deterministic run as tidy pandas tables, rendered as HTML in Jupyter."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from . import _core
from .cea import icer_table, net_benefit_table


class Results:
    """Costs by category, QALYs, life-years and the cohort trace of every strategy.

    Totals are corrected (within-cycle correction) and discounted unless the column says
    ``undiscounted``. Costs are in the model's currency and price year.
    """

    def __init__(self, outcomes: _core.Outcomes, spec: _core.ModelSpec) -> None:
        self._outcomes = outcomes
        self.model_name: str = spec.name
        self.currency: str = spec.settings.currency
        self.price_year: str = spec.settings.price_year
        self.cycle_length: float = spec.settings.cycle_length
        self.start_age: float = spec.settings.start_age
        self.wtp: list[float] = list(spec.settings.wtp)
        self.strategies: list[str] = [s.strategy for s in outcomes.strategies]
        self.categories: list[str] = list(outcomes.categories)
        self.states: list[str] = list(outcomes.states)

    # ---- totals ---------------------------------------------------------------------------

    @property
    def summary(self) -> pd.DataFrame:
        """One row per strategy: total cost, QALYs, life-years (discounted and undiscounted)."""
        rows = []
        for s in self._outcomes.strategies:
            rows.append(
                {
                    "strategy": s.strategy,
                    "cost": s.total_cost,
                    "qalys": s.qalys,
                    "life_years": s.life_years,
                    "cost_undiscounted": s.total_cost_undiscounted,
                    "qalys_undiscounted": s.qalys_undiscounted,
                    "life_years_undiscounted": s.life_years_undiscounted,
                }
            )
        return pd.DataFrame(rows).set_index("strategy")

    @property
    def costs(self) -> pd.DataFrame:
        """Tidy costs: ``strategy, category, discounted, undiscounted``."""
        rows = []
        for s in self._outcomes.strategies:
            for c, d, u in zip(self.categories, s.costs, s.costs_undiscounted):
                rows.append({"strategy": s.strategy, "category": c, "discounted": d, "undiscounted": u})
        return pd.DataFrame(rows, columns=["strategy", "category", "discounted", "undiscounted"])

    @property
    def costs_by_category(self) -> pd.DataFrame:
        """Discounted costs as a strategy x category table."""
        table = self.costs.pivot(index="strategy", columns="category", values="discounted")
        return table.reindex(index=self.strategies, columns=self.categories)

    # ---- per cycle ----------------------------------------------------------------------

    def _cycle_frame(self) -> pd.DataFrame:
        n = len(self._outcomes.correction_weights)
        cycle = np.arange(n)
        return pd.DataFrame(
            {
                "cycle": cycle,
                "time": cycle * self.cycle_length,
                "age": self.start_age + cycle * self.cycle_length,
                "weight": self._outcomes.correction_weights,
                "cost_discount": self._outcomes.cost_discount,
                "outcome_discount": self._outcomes.outcome_discount,
            }
        )

    @property
    def trace(self) -> pd.DataFrame:
        """The cohort trace: one row per strategy and cycle point, one column per state."""
        frames = []
        for s in self._outcomes.strategies:
            if s.trace.shape[0] == 0:
                raise ValueError("the trace was not kept: run with keep_trace=True")
            df = pd.DataFrame(s.trace, columns=self.states)
            df.insert(0, "cycle", np.arange(len(df)))
            df.insert(0, "strategy", s.strategy)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    @property
    def cycles(self) -> pd.DataFrame:
        """Per-cycle rewards, tidy: ``strategy, cycle, time, age, outcome, value, weight,
        discount, contribution`` where contribution = weight x discount x value and the
        contributions sum to the totals."""
        base = self._cycle_frame()
        frames = []
        for s in self._outcomes.strategies:
            if s.cycle_costs.shape[0] == 0:
                raise ValueError("per-cycle rewards were not kept: run with keep_cycles=True")
            columns = {c: s.cycle_costs[:, i] for i, c in enumerate(self.categories)}
            columns["qalys"] = np.asarray(s.cycle_qalys)
            columns["life_years"] = np.asarray(s.cycle_life_years)
            for outcome, values in columns.items():
                df = base.copy()
                is_cost = outcome not in ("qalys", "life_years")
                df["discount"] = df["cost_discount"] if is_cost else df["outcome_discount"]
                df.insert(0, "strategy", s.strategy)
                df["outcome"] = outcome
                df["value"] = values
                df["contribution"] = df["weight"] * df["discount"] * df["value"]
                frames.append(df.drop(columns=["cost_discount", "outcome_discount"]))
        return pd.concat(frames, ignore_index=True)

    # ---- cost-effectiveness -------------------------------------------------------------

    def icers(self) -> pd.DataFrame:
        """Fully incremental analysis on total discounted costs and QALYs."""
        summary = self.summary
        return icer_table(self.strategies, summary["cost"].tolist(), summary["qalys"].tolist())

    def net_benefit(self, wtp: float | Iterable[float] | None = None) -> pd.DataFrame:
        """Net monetary and net health benefit at each willingness to pay (default: the
        model's ``wtp`` setting)."""
        if wtp is None:
            values: Sequence[float] = self.wtp
        elif np.isscalar(wtp):
            values = [float(wtp)]  # type: ignore[arg-type]
        else:
            values = [float(w) for w in wtp]  # type: ignore[union-attr]
        summary = self.summary
        return net_benefit_table(self.strategies, summary["cost"], summary["qalys"], values)

    def table(self) -> pd.DataFrame:
        """The results table a report shows: costs, QALYs, life-years, status and ICERs."""
        icers = self.icers().set_index("strategy")
        summary = self.summary
        out = summary[["cost", "qalys", "life_years"]].join(
            icers[["status", "incremental_cost", "incremental_effect", "icer", "note"]]
        )
        return out.loc[icers.index]

    # ---- display ------------------------------------------------------------------------

    def _caption(self) -> str:
        price = f", {self.price_year} prices" if self.price_year else ""
        return f"{self.model_name}: costs in {self.currency}{price}; discounted totals"

    def __repr__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            return f"{self._caption()}\n{self.table().to_string(float_format=_fmt)}"

    def _repr_html_(self) -> str:
        table = self.table()
        formats = {
            "cost": "{:,.0f}",
            "qalys": "{:.3f}",
            "life_years": "{:.3f}",
            "incremental_cost": "{:,.0f}",
            "incremental_effect": "{:.3f}",
            "icer": "{:,.0f}",
        }
        shown = table.copy().astype(object)
        for column, fmt in formats.items():
            shown[column] = [("" if pd.isna(v) else fmt.format(v)) for v in table[column]]
        return f"<p><b>{self._caption()}</b></p>" + shown.to_html(na_rep="")


def _fmt(x: float) -> str:
    if np.isnan(x):
        return ""
    return f"{x:,.3f}" if abs(x) < 100 else f"{x:,.0f}"
