"""Deterministic sensitivity analysis (parity.dsa): ranges from the distributions' 2.5th and
97.5th percentiles, tornado bars recomputed by hand from model runs, one-way and two-way
analyses against direct runs, the threshold price of treatment B, and scenarios."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import SICK_SICKER, STRATEGIES

import parity
from parity import dsa

Z975 = 1.959963984540054
WTP = 100_000.0


@pytest.fixture(scope="module")
def model() -> parity.Model:
    return parity.load(SICK_SICKER)


@pytest.fixture(scope="module")
def tornado(model: parity.Model) -> pd.DataFrame:
    return dsa.tornado(model)


def run_summary(model: parity.Model, overrides: dict[str, float] | None = None) -> pd.DataFrame:
    return model.run(overrides=overrides, keep_trace=False, keep_cycles=False).summary


def inmb(summary: pd.DataFrame, strategy: str, comparator: str, wtp: float = WTP) -> float:
    """Incremental net monetary benefit by hand: wtp * dQALYs - dCost."""
    nmb = wtp * summary["qalys"] - summary["cost"]
    return float(nmb[strategy] - nmb[comparator])


def icer(summary: pd.DataFrame, strategy: str, comparator: str) -> float:
    d_cost = summary.loc[strategy, "cost"] - summary.loc[comparator, "cost"]
    d_qalys = summary.loc[strategy, "qalys"] - summary.loc[comparator, "qalys"]
    return float(d_cost / d_qalys)


# ---- ranges ----------------------------------------------------------------------------------


def test_ranges_cover_every_parameter_with_a_distribution(model: parity.Model) -> None:
    ranges = dsa.parameter_ranges(model)
    table = model.parameter_table()
    with_distribution = list(table.loc[table["distribution"] != "", "name"])
    assert list(ranges["parameter"]) == with_distribution
    assert list(ranges.columns) == ["parameter", "low", "high", "basis"]
    assert (ranges["low"] < ranges["high"]).all()
    assert ranges.set_index("parameter").loc["r_HS1", "basis"] == (
        "2.5th-97.5th percentile of gamma(shape=30, scale=0.005)"
    )


def test_lognormal_ranges_are_exact_quantiles(model: parity.Model) -> None:
    ranges = dsa.parameter_ranges(model).set_index("parameter")
    for name, meanlog, sdlog in [("hr_S1", math.log(3), 0.01), ("hr_S2", math.log(10), 0.02)]:
        assert ranges.loc[name, "low"] == pytest.approx(math.exp(meanlog - Z975 * sdlog), rel=1e-12)
        assert ranges.loc[name, "high"] == pytest.approx(math.exp(meanlog + Z975 * sdlog), rel=1e-12)


def test_ranges_hold_95_percent_of_the_psa_samples(model: parity.Model) -> None:
    """For every distribution (gamma, beta, lognormal), about 2.5% of the PSA's draws fall
    below the range and 2.5% above it, within 4 binomial standard errors."""
    n = 12_000
    samples = model.psa(n, 9, progress=False).parameters
    ranges = dsa.parameter_ranges(model).set_index("parameter")
    tolerance = 4 * math.sqrt(0.025 * 0.975 / n)
    for name, row in ranges.iterrows():
        below = (samples[name] < row["low"]).mean()
        above = (samples[name] > row["high"]).mean()
        assert abs(below - 0.025) < tolerance, (name, below)
        assert abs(above - 0.025) < tolerance, (name, above)


def test_other_percentiles_and_given_bounds(model: parity.Model) -> None:
    narrow = dsa.parameter_ranges(model, 0.25, 0.75).set_index("parameter")
    wide = dsa.parameter_ranges(model).set_index("parameter")
    assert (narrow["low"] > wide["low"]).all() and (narrow["high"] < wide["high"]).all()
    assert narrow.loc["hr_S2", "high"] == pytest.approx(math.exp(math.log(10) + 0.6744897501960817 * 0.02), rel=1e-12)
    given = dsa.parameter_ranges(model, given={"c_trtB": (5000, 30000), "c_D": (0, 100)}).set_index("parameter")
    assert tuple(given.loc["c_trtB", ["low", "high", "basis"]]) == (5000.0, 30000.0, "given bounds")
    assert tuple(given.loc["c_D", ["low", "high"]]) == (0.0, 100.0)  # no distribution: added
    assert len(given) == 17


# ---- the outcome -----------------------------------------------------------------------------


def test_default_outcome_is_the_preferred_strategy_against_the_runner_up(model: parity.Model) -> None:
    """At the model's wtp (100,000) B has the highest NMB and AB the next highest (1,966,005
    against SoC's 1,950,907), so the default outcome is the INMB of B vs AB."""
    nb = model.run(keep_trace=False, keep_cycles=False).net_benefit([WTP])
    ranking = list(nb.sort_values("net_monetary_benefit", ascending=False)["strategy"])
    assert ranking[:2] == ["B", "AB"]
    what = dsa.outcome(model)
    assert (what.measure, what.strategy, what.comparator, what.wtp) == (
        "incremental_net_monetary_benefit", ranking[0], ranking[1], WTP,
    )
    # Naming one side picks the best other strategy for the other side.
    assert dsa.outcome(model, strategy="A").comparator == "B"
    assert dsa.outcome(model, comparator="B").strategy == "AB"
    assert dsa.outcome(model, wtp=20_000).strategy == "SoC"
    # Non-incremental measures need no comparator.
    assert dsa.outcome(model, "qalys").comparator == ""


# ---- tornado ---------------------------------------------------------------------------------


def test_tornado_is_sorted_by_swing(tornado: pd.DataFrame) -> None:
    assert list(tornado.columns) == [
        "parameter", "low", "high", "base_value", "outcome_low", "outcome_high", "base_outcome",
        "swing", "basis",
    ]
    assert len(tornado) == 16
    swings = tornado["swing"].to_numpy()
    assert np.all(np.diff(swings) <= 0)
    np.testing.assert_allclose(swings, np.abs(tornado["outcome_high"] - tornado["outcome_low"]), rtol=1e-12)
    assert tornado["parameter"].iloc[0] == "u_S1"
    assert tornado.attrs["outcome"] == "incremental NMB of B vs AB at 100,000 per QALY"
    assert tornado.attrs["currency"] == "USD"


def test_tornado_bars_equal_runs_by_hand(model: parity.Model, tornado: pd.DataFrame) -> None:
    base = run_summary(model)
    base_outcome = inmb(base, "B", "AB")
    np.testing.assert_allclose(tornado["base_outcome"], base_outcome, rtol=1e-12)
    values = model.parameter_values()
    ranges = dsa.parameter_ranges(model).set_index("parameter")
    for row in tornado.head(5).itertuples():
        assert row.base_value == values[row.parameter]
        assert (row.low, row.high) == (ranges.loc[row.parameter, "low"], ranges.loc[row.parameter, "high"])
        low = inmb(run_summary(model, {row.parameter: row.low}), "B", "AB")
        high = inmb(run_summary(model, {row.parameter: row.high}), "B", "AB")
        assert row.outcome_low == pytest.approx(low, rel=1e-9), row.parameter
        assert row.outcome_high == pytest.approx(high, rel=1e-9), row.parameter
    # c_trtB is paid in both B and AB: it cannot move B vs AB.
    assert tornado.set_index("parameter").loc["c_trtB", "swing"] < 1e-6


def test_tornado_of_another_outcome_and_a_subset(model: parity.Model) -> None:
    table = dsa.tornado(
        model, measure="icer", strategy="B", comparator="SoC", parameters=["c_trtB", "u_S1", "c_H"]
    )
    assert sorted(table["parameter"]) == ["c_H", "c_trtB", "u_S1"]
    row = table.set_index("parameter").loc["c_trtB"]
    assert row["outcome_high"] == pytest.approx(icer(run_summary(model, {"c_trtB": row["high"]}), "B", "SoC"), rel=1e-9)
    assert row["base_outcome"] == pytest.approx(icer(run_summary(model), "B", "SoC"), rel=1e-12)
    given = dsa.tornado(model, given={"c_trtB": (5000, 30000)}, strategy="B", comparator="SoC")
    row = given.set_index("parameter").loc["c_trtB"]
    assert (row["low"], row["high"], row["basis"]) == (5000, 30000, "given bounds")
    assert given["parameter"].iloc[0] == "c_trtB"
    with pytest.raises(parity.ModelError, match="no range for c_D"):
        dsa.tornado(model, parameters=["c_D"])


# ---- one-way and two-way ---------------------------------------------------------------------


def test_one_way_at_the_base_value_is_the_base_outcome(model: parity.Model, tornado: pd.DataFrame) -> None:
    values = [10_000.0, 13_000.0, 20_000.0]
    curve = dsa.one_way(model, "c_trtB", values, strategy="B", comparator="SoC")
    assert list(curve.columns) == ["c_trtB", "outcome", *[f"nmb_{s}" for s in STRATEGIES], "optimal"]
    assert list(curve["c_trtB"]) == values
    base = run_summary(model)
    assert curve.loc[1, "outcome"] == pytest.approx(inmb(base, "B", "SoC"), rel=1e-12)
    for i, v in enumerate(values):
        summary = run_summary(model, {"c_trtB": v})
        nmb = WTP * summary["qalys"] - summary["cost"]
        for s in STRATEGIES:
            assert curve.loc[i, f"nmb_{s}"] == pytest.approx(nmb[s], rel=1e-12)
        assert curve.loc[i, "optimal"] == nmb.idxmax()
    assert list(curve["optimal"]) == ["B", "B", "SoC"]
    # With the default outcome, the base value gives the tornado's base outcome.
    default = dsa.one_way(model, "u_S1", [0.75])
    assert default["outcome"].item() == pytest.approx(tornado["base_outcome"].iloc[0], rel=1e-12)


def test_two_way_grid_matches_direct_runs(model: parity.Model) -> None:
    x = [5000.0, 13000.0, 30000.0]
    y = [0.6, 0.9]
    grid = dsa.two_way(model, "c_trtB", x, "u_S1", y, strategy="B", comparator="SoC")
    assert grid.shape == (6, 4)
    assert list(grid.columns) == ["c_trtB", "u_S1", "outcome", "optimal"]
    assert sorted(zip(grid["c_trtB"], grid["u_S1"])) == sorted((a, b) for a in x for b in y)
    for corner in [(5000.0, 0.6), (30000.0, 0.9), (30000.0, 0.6)]:
        row = grid[(grid["c_trtB"] == corner[0]) & (grid["u_S1"] == corner[1])].iloc[0]
        summary = run_summary(model, {"c_trtB": corner[0], "u_S1": corner[1]})
        nmb = WTP * summary["qalys"] - summary["cost"]
        assert row["outcome"] == pytest.approx(inmb(summary, "B", "SoC"), rel=1e-9)
        assert row["optimal"] == nmb.idxmax()
    assert grid["optimal"].nunique() > 1  # the grid crosses a decision boundary


def test_a_parameter_that_varies_with_time_is_refused(sick_sicker_age: parity.Model) -> None:
    with pytest.raises(parity.ModelError, match="r_HD"):
        dsa.one_way(sick_sicker_age, "r_HD", [0.001, 0.002])


# ---- thresholds ------------------------------------------------------------------------------


def test_threshold_price_of_treatment_b(model: parity.Model) -> None:
    found = dsa.thresholds(model, "c_trtB", 5000, 30000, strategy="B", comparator="SoC", measure="icer", wtp=WTP)
    assert list(found.columns) == ["parameter", "threshold", "preferred_below", "preferred_above", "description"]
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["parameter"], row["preferred_below"], row["preferred_above"]) == ("c_trtB", "B", "SoC")
    assert row["threshold"] == pytest.approx(16_931, abs=0.5)  # docs/methods/deterministic-sensitivity.md
    summary = run_summary(model, {"c_trtB": row["threshold"]})
    assert icer(summary, "B", "SoC") == pytest.approx(WTP, rel=1e-6)
    assert abs(inmb(summary, "B", "SoC")) < 1e-6 * summary.loc["B", "cost"]


def test_thresholds_over_all_strategies(model: parity.Model) -> None:
    found = dsa.thresholds(model, "c_trtB", 0, 40000, measure="net_monetary_benefit", strategy="B")
    assert len(found) >= 1
    for row in found.itertuples():
        assert row.preferred_below != row.preferred_above
        eps = 1e-6 * max(1.0, abs(row.threshold))
        below = run_summary(model, {"c_trtB": row.threshold - 1000 * eps})
        above = run_summary(model, {"c_trtB": row.threshold + 1000 * eps})
        assert (WTP * below["qalys"] - below["cost"]).idxmax() == row.preferred_below
        assert (WTP * above["qalys"] - above["cost"]).idxmax() == row.preferred_above
        at = run_summary(model, {"c_trtB": row.threshold})
        nmb = WTP * at["qalys"] - at["cost"]
        assert nmb[row.preferred_below] == pytest.approx(nmb[row.preferred_above], rel=1e-9)
    assert found["threshold"].iloc[-1] == pytest.approx(16_931, abs=0.5)  # B -> SoC


def test_thresholds_default_to_the_one_way_range(model: parity.Model) -> None:
    # B vs SoC changes at c_trtB = 16,931, above the 97.5th percentile (15,883): nothing found.
    found = dsa.thresholds(model, "c_trtB", strategy="B", comparator="SoC")
    assert found.empty
    assert list(found.columns) == ["parameter", "threshold", "preferred_below", "preferred_above", "description"]
    # u_S1 overturns B vs AB inside its range (the tornado's bar crosses zero).
    found = dsa.thresholds(model, "u_S1")
    assert len(found) == 1
    low, high = dsa.parameter_ranges(model).set_index("parameter").loc["u_S1", ["low", "high"]]
    assert low < found["threshold"].item() < high
    with pytest.raises(parity.ModelError, match="c_D"):
        dsa.thresholds(model, "c_D")  # no distribution, no bounds


# ---- scenarios -------------------------------------------------------------------------------


def test_scenarios_run_after_the_base_case(model: parity.Model) -> None:
    table = dsa.scenarios(
        model,
        {"cheap B": {"c_trtB": 5000}, "sick is worse": {"u_S1": 0.6, "u_S2": 0.4}},
        {"cheap B": "treatment B at 5,000 a year"},
    )
    assert list(table.columns) == ["scenario", "strategy", "cost", "qalys", "life_years"]
    assert list(table["scenario"].unique()) == ["base case", "cheap B", "sick is worse"]
    assert list(table["strategy"]) == STRATEGIES * 3
    by = table.set_index(["scenario", "strategy"])
    base = run_summary(model)
    cheap = run_summary(model, {"c_trtB": 5000})
    worse = run_summary(model, {"u_S1": 0.6, "u_S2": 0.4})
    for s in STRATEGIES:
        for column in ["cost", "qalys", "life_years"]:
            assert by.loc[("base case", s), column] == pytest.approx(base.loc[s, column], rel=1e-12)
            assert by.loc[("cheap B", s), column] == pytest.approx(cheap.loc[s, column], rel=1e-12)
            assert by.loc[("sick is worse", s), column] == pytest.approx(worse.loc[s, column], rel=1e-12)
    # Cheaper B changes the costs of B and AB only; worse health states change QALYs only.
    changed = by.loc["cheap B", "cost"] != by.loc["base case", "cost"]
    assert list(changed[changed].index) == ["B", "AB"]
    assert (by.loc["sick is worse", "qalys"] < by.loc["base case", "qalys"]).all()
    assert (by.loc["sick is worse", "cost"] == by.loc["base case", "cost"]).all()


def test_a_scenario_with_an_unknown_parameter_raises(model: parity.Model) -> None:
    with pytest.raises(parity.ModelError, match="c_trtb.*did you mean 'c_trtB'"):
        dsa.scenarios(model, {"typo": {"c_trtb": 5000}})
