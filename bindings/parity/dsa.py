"""Deterministic sensitivity analysis as pandas tables: one-way ranges and tornado diagrams,
two-way grids, threshold values and named scenarios. The model runs and root finding happen in
the C++ core (``core/dsa.cpp``); definitions are in ``docs/methods/deterministic-sensitivity.md``.

Every analysis reports one *outcome* of the model: by default the incremental net monetary
benefit of the base case's preferred strategy against the runner-up at the model's first
willingness to pay. Choose another with ``measure`` (``net_monetary_benefit``, ``incremental_net_monetary_benefit``,
``icer``, ``cost``, ``qalys``, ``life_years``), ``strategy``, ``comparator`` and ``wtp``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import _core

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model


def outcome(
    model: "Model",
    measure: str = "incremental_net_monetary_benefit",
    strategy: str | None = None,
    comparator: str | None = None,
    wtp: float | None = None,
) -> _core.DsaOutcome:
    """The outcome a sensitivity analysis reports, with defaults a decision maker would pick.

    For incremental measures without a named strategy, the base case's preferred strategy
    (highest net monetary benefit at ``wtp``) is compared with the runner-up, so the analysis
    asks what could overturn the current decision.
    """
    if wtp is None:
        wtp = float(list(model.spec.settings.wtp)[0])
    names = [s.name for s in model.spec.strategies]
    incremental = measure in ("incremental_net_monetary_benefit", "icer")
    if incremental and len(names) > 1 and (strategy is None or comparator is None):
        base = model.run(keep_trace=False, keep_cycles=False).summary
        ranking = list((float(wtp) * base["qalys"] - base["cost"]).sort_values(ascending=False).index)
        if strategy is None:
            strategy = ranking[0] if comparator != ranking[0] else ranking[1]
        if comparator is None:
            comparator = next(n for n in ranking if n != strategy)
    strategy = strategy if strategy is not None else names[0]
    return _core.DsaOutcome(measure, strategy, comparator or "", float(wtp))


def parameter_ranges(
    model: "Model",
    lower_percentile: float = 0.025,
    upper_percentile: float = 0.975,
    given: Mapping[str, tuple[float, float]] | None = None,
) -> pd.DataFrame:
    """Low and high values for one-way analysis: percentiles of each parameter's distribution,
    replaced or added to by ``given`` bounds ``{name: (low, high)}``."""
    ranges = _core.parameter_ranges(model.compile(), lower_percentile, upper_percentile, _given(given))
    return pd.DataFrame(
        [{"parameter": r.parameter, "low": r.low, "high": r.high, "basis": r.basis} for r in ranges],
        columns=["parameter", "low", "high", "basis"],
    )


def _given(given: Mapping[str, tuple[float, float]] | None) -> list[_core.ParameterRange]:
    return [
        _core.ParameterRange(name, float(low), float(high), "given bounds")
        for name, (low, high) in (given or {}).items()
    ]


def tornado(
    model: "Model",
    *,
    measure: str = "incremental_net_monetary_benefit",
    strategy: str | None = None,
    comparator: str | None = None,
    wtp: float | None = None,
    lower_percentile: float = 0.025,
    upper_percentile: float = 0.975,
    given: Mapping[str, tuple[float, float]] | None = None,
    parameters: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One-way analysis of every parameter with a range, sorted by swing (largest first).

    Returns
    -------
    pandas.DataFrame
        ``parameter, low, high, base_value, outcome_low, outcome_high, base_outcome, swing,
        basis``; ``attrs["outcome"]`` describes the outcome.
    """
    compiled = model.compile()
    what = outcome(model, measure, strategy, comparator, wtp)
    ranges = _core.parameter_ranges(compiled, lower_percentile, upper_percentile, _given(given))
    if parameters is not None:
        wanted = set(parameters)
        unknown = wanted - {r.parameter for r in ranges}
        if unknown:
            raise _core.ModelError(
                f"no range for {', '.join(sorted(unknown))}: give it a distribution or bounds in `given`"
            )
        ranges = [r for r in ranges if r.parameter in wanted]
    bars = _core.tornado(compiled, ranges, what)
    table = pd.DataFrame(
        [
            {
                "parameter": b.parameter,
                "low": b.low,
                "high": b.high,
                "base_value": b.base_value,
                "outcome_low": b.outcome_low,
                "outcome_high": b.outcome_high,
                "base_outcome": b.base_outcome,
                "swing": b.swing,
                "basis": b.basis,
            }
            for b in bars
        ],
        columns=[
            "parameter", "low", "high", "base_value", "outcome_low", "outcome_high",
            "base_outcome", "swing", "basis",
        ],
    )
    table.attrs["outcome"] = what.describe()
    table.attrs["measure"] = what.measure
    table.attrs["currency"] = model.spec.settings.currency
    table.attrs["price_year"] = model.spec.settings.price_year
    return table


def one_way(
    model: "Model",
    parameter: str,
    values: Iterable[float],
    *,
    measure: str = "incremental_net_monetary_benefit",
    strategy: str | None = None,
    comparator: str | None = None,
    wtp: float | None = None,
) -> pd.DataFrame:
    """The outcome and each strategy's net monetary benefit as one parameter varies."""
    what = outcome(model, measure, strategy, comparator, wtp)
    curve = _core.one_way(model.compile(), parameter, [float(v) for v in values], what)
    table = pd.DataFrame({parameter: curve.values, "outcome": curve.outcome})
    for name, nmb in zip(curve.strategies, curve.net_monetary_benefit):
        table[f"nmb_{name}"] = nmb
    table["optimal"] = [curve.strategies[i] for i in curve.optimal]
    table.attrs["outcome"] = what.describe()
    return table


def two_way(
    model: "Model",
    parameter_x: str,
    x: Iterable[float],
    parameter_y: str,
    y: Iterable[float],
    *,
    measure: str = "incremental_net_monetary_benefit",
    strategy: str | None = None,
    comparator: str | None = None,
    wtp: float | None = None,
) -> pd.DataFrame:
    """The outcome and the optimal strategy over a grid of two parameters (tidy: one row per
    grid point)."""
    what = outcome(model, measure, strategy, comparator, wtp)
    grid = _core.two_way(model.compile(), parameter_x, [float(v) for v in x], parameter_y, [float(v) for v in y], what)
    xs, ys = np.meshgrid(grid.x, grid.y)  # y-major, as the core stores the grid
    table = pd.DataFrame(
        {
            parameter_x: xs.reshape(-1),
            parameter_y: ys.reshape(-1),
            "outcome": grid.outcome,
            "optimal": [grid.strategies[i] for i in grid.optimal],
        }
    )
    table.attrs["outcome"] = what.describe()
    return table


def thresholds(
    model: "Model",
    parameter: str,
    low: float | None = None,
    high: float | None = None,
    *,
    measure: str = "incremental_net_monetary_benefit",
    strategy: str | None = None,
    comparator: str | None = None,
    wtp: float | None = None,
    scan_points: int = 101,
) -> pd.DataFrame:
    """Values of ``parameter`` in [low, high] at which the decision changes: where the
    incremental NMB of ``strategy`` vs ``comparator`` is zero (its ICER equals ``wtp``), or,
    for other measures, where the strategy with the highest NMB changes. ``low``/``high``
    default to the parameter's one-way range."""
    compiled = model.compile()
    if low is None or high is None:
        ranges = {r.parameter: r for r in _core.parameter_ranges(compiled)}
        if parameter not in ranges:
            raise _core.ModelError(
                f"parameter '{parameter}' has no distribution to take a range from: give low and high"
            )
        low = ranges[parameter].low if low is None else low
        high = ranges[parameter].high if high is None else high
    what = outcome(model, measure, strategy, comparator, wtp)
    found = _core.thresholds(compiled, parameter, float(low), float(high), what, int(scan_points))
    return pd.DataFrame(
        [
            {
                "parameter": parameter,
                "threshold": t.value,
                "preferred_below": t.below,
                "preferred_above": t.above,
                "description": t.description,
            }
            for t in found
        ],
        columns=["parameter", "threshold", "preferred_below", "preferred_above", "description"],
    )


def scenarios(
    model: "Model", scenarios: Mapping[str, Mapping[str, float]], descriptions: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Named sets of parameter values run side by side with the base case.

    Returns
    -------
    pandas.DataFrame
        ``scenario, strategy, cost, qalys, life_years`` (discounted), the base case first.
    """
    descriptions = descriptions or {}
    specs = [
        _core.Scenario(name, {k: float(v) for k, v in overrides.items()}, descriptions.get(name, ""))
        for name, overrides in scenarios.items()
    ]
    rows = []
    for result in _core.run_scenarios(model.compile(), specs):
        for s in result.outcomes.strategies:
            rows.append(
                {
                    "scenario": result.scenario,
                    "strategy": s.strategy,
                    "cost": s.total_cost,
                    "qalys": s.qalys,
                    "life_years": s.life_years,
                }
            )
    return pd.DataFrame(rows)
