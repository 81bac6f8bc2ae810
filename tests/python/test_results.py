"""parity.Results: the shapes and columns of its tables, and the arithmetic that ties them
together (per-cycle contributions sum to the totals, NMB = wtp x QALYs - cost, ...)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from helpers import STRATEGIES, two_state_model

import parity

N_CYCLES = 75
STATES = ["H", "S1", "S2", "D"]


@pytest.fixture(params=["sick_sicker", "sick_sicker_age"])
def results(request: pytest.FixtureRequest) -> parity.Results:
    """Both validation models: the age model adds transition rewards and time-varying rows."""
    return request.getfixturevalue(f"{request.param}_results")


def test_summary_shape(results: parity.Results) -> None:
    summary = results.summary
    assert summary.index.name == "strategy"
    assert list(summary.index) == STRATEGIES
    assert list(summary.columns) == [
        "cost", "qalys", "life_years",
        "cost_undiscounted", "qalys_undiscounted", "life_years_undiscounted",
    ]
    assert summary.notna().all().all()


def test_costs_tidy_and_by_category(results: parity.Results) -> None:
    costs = results.costs
    assert list(costs.columns) == ["strategy", "category", "discounted", "undiscounted"]
    assert results.categories == ["health_care", "treatment"]
    assert len(costs) == len(STRATEGIES) * 2
    by_category = results.costs_by_category
    assert list(by_category.index) == STRATEGIES
    assert list(by_category.columns) == ["health_care", "treatment"]
    # The categories add up to the total cost.
    np.testing.assert_allclose(by_category.sum(axis=1), results.summary["cost"], rtol=1e-14)
    undiscounted = costs.groupby("strategy")["undiscounted"].sum()
    np.testing.assert_allclose(
        undiscounted[STRATEGIES], results.summary["cost_undiscounted"], rtol=1e-14
    )
    # SoC pays for no treatment; AB pays for both treatments.
    assert by_category.loc["SoC", "treatment"] == 0
    assert by_category.loc["AB", "treatment"] > by_category.loc["A", "treatment"] > 0


def test_trace_shape_and_rows_sum_to_one(results: parity.Results) -> None:
    trace = results.trace
    assert list(trace.columns) == ["strategy", "cycle", *STATES]
    assert len(trace) == len(STRATEGIES) * (N_CYCLES + 1)
    for strategy in STRATEGIES:
        assert list(trace[trace["strategy"] == strategy]["cycle"]) == list(range(N_CYCLES + 1))
    np.testing.assert_allclose(trace[STATES].sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (trace[STATES] >= 0).all().all()
    # Dead is absorbing: its share never falls.
    for _, group in trace.groupby("strategy"):
        assert (np.diff(group["D"].to_numpy()) >= 0).all()


def test_cycles_shape(results: parity.Results) -> None:
    cycles = results.cycles
    assert list(cycles.columns) == [
        "strategy", "cycle", "time", "age", "outcome", "value", "weight", "discount",
        "contribution",
    ]
    outcomes = ["health_care", "treatment", "qalys", "life_years"]
    assert len(cycles) == len(STRATEGIES) * len(outcomes) * (N_CYCLES + 1)
    assert sorted(cycles["outcome"].unique()) == sorted(outcomes)
    first = cycles.iloc[0]
    assert (first["cycle"], first["time"], first["age"]) == (0, 0.0, 25.0)
    assert cycles["age"].max() == 100.0


def test_cycle_contributions_sum_to_the_totals(results: parity.Results) -> None:
    cycles = results.cycles
    np.testing.assert_allclose(
        cycles["contribution"], cycles["weight"] * cycles["discount"] * cycles["value"], rtol=0
    )
    sums = cycles.groupby(["strategy", "outcome"])["contribution"].sum()
    summary = results.summary
    for strategy in STRATEGIES:
        assert sums[strategy, "qalys"] == pytest.approx(summary.loc[strategy, "qalys"], rel=1e-12)
        assert sums[strategy, "life_years"] == pytest.approx(
            summary.loc[strategy, "life_years"], rel=1e-12
        )
    costs = results.costs.set_index(["strategy", "category"])["discounted"]
    for (strategy, category), total in costs.items():
        assert sums[strategy, category] == pytest.approx(total, rel=1e-12, abs=1e-9)
    # Undiscounted totals: the same sums without the discount factor.
    undiscounted = (cycles["weight"] * cycles["value"]).groupby(
        [cycles["strategy"], cycles["outcome"]]
    ).sum()
    for strategy in STRATEGIES:
        assert undiscounted[strategy, "qalys"] == pytest.approx(
            summary.loc[strategy, "qalys_undiscounted"], rel=1e-12
        )


def test_cycle_discount_factors_are_three_percent_from_cycle_0(results: parity.Results) -> None:
    cycles = results.cycles
    soc = cycles[(cycles["strategy"] == "SoC") & (cycles["outcome"] == "qalys")]
    np.testing.assert_allclose(soc["discount"], 1.03 ** -soc["cycle"].to_numpy(), rtol=1e-14)


def test_discounted_totals_do_not_exceed_undiscounted(results: parity.Results) -> None:
    summary = results.summary
    for what in ("cost", "qalys", "life_years"):
        assert (summary[what] <= summary[f"{what}_undiscounted"]).all()
        assert (summary[what] > 0).all()
    costs = results.costs
    assert (costs["discounted"] <= costs["undiscounted"]).all()


def test_net_benefit(results: parity.Results) -> None:
    wtps = [0, 20_000, 100_000, 10_000_000]
    nb = results.net_benefit(wtps)
    assert list(nb.columns) == [
        "wtp", "strategy", "net_monetary_benefit", "net_health_benefit", "optimal",
    ]
    assert len(nb) == len(wtps) * len(STRATEGIES)
    summary = results.summary
    cost = nb["strategy"].map(summary["cost"])
    qalys = nb["strategy"].map(summary["qalys"])
    np.testing.assert_allclose(nb["net_monetary_benefit"], nb["wtp"] * qalys - cost, rtol=1e-14)
    positive = nb["wtp"] > 0
    np.testing.assert_allclose(
        nb.loc[positive, "net_health_benefit"],
        (qalys - cost / nb["wtp"])[positive],
        rtol=1e-12,
    )
    optimal = nb[nb["optimal"]].set_index("wtp")["strategy"]
    assert list(optimal.index) == wtps  # exactly one optimal strategy per wtp
    assert optimal[0] == "SoC"  # nothing is worth paying for: the cheapest
    assert optimal[100_000] == "B"  # between B's and AB's ICERs
    assert optimal[10_000_000] == "AB"  # the most QALYs
    for wtp, group in nb.groupby("wtp"):
        best = group.loc[group["net_monetary_benefit"].idxmax(), "strategy"]
        assert optimal[wtp] == best


def test_net_benefit_defaults_to_the_models_wtp(results: parity.Results) -> None:
    assert results.wtp == [100000.0]
    nb = results.net_benefit()
    assert set(nb["wtp"]) == {100000.0}
    pd.testing.assert_frame_equal(nb, results.net_benefit(100000))


def test_icers_table(results: parity.Results) -> None:
    icers = results.icers()
    assert list(icers.columns) == [
        "strategy", "cost", "effect", "status", "comparator", "incremental_cost",
        "incremental_effect", "icer", "note",
    ]
    assert list(icers["cost"]) == sorted(icers["cost"])
    frontier = icers[icers["status"] == "frontier"]
    np.testing.assert_allclose(
        frontier["icer"].iloc[1:],
        (frontier["incremental_cost"] / frontier["incremental_effect"]).iloc[1:],
        rtol=1e-14,
    )
    assert (np.diff(frontier["icer"].iloc[1:]) >= 0).all()  # ICERs rise along the frontier


def test_results_table(results: parity.Results) -> None:
    table = results.table()
    assert table.index.name == "strategy"
    assert list(table.columns) == [
        "cost", "qalys", "life_years", "status", "comparator", "incremental_cost",
        "incremental_qalys", "icer", "note",
    ]
    assert list(table.index) == ["SoC", "B", "A", "AB"]  # sorted by cost
    icers = results.icers().set_index("strategy")
    pd.testing.assert_series_equal(table["icer"], icers["icer"])
    assert table.loc["B", "comparator"] == "SoC"
    assert table.loc["SoC", "comparator"] == ""
    pd.testing.assert_series_equal(
        table["qalys"], results.summary.loc[table.index, "qalys"]
    )


def test_text_table_shows_blanks_not_nan(results: parity.Results) -> None:
    text = repr(results)
    assert "nan" not in text.lower()
    assert "None" not in text
    for strategy in STRATEGIES:
        assert re.search(rf"^{strategy}\s", text, flags=re.M), strategy
    soc_line = next(line for line in text.splitlines() if line.startswith("SoC "))
    assert soc_line.split()[-1] == "frontier"  # nothing printed after SoC's status
    assert "dominated by B" in text


def test_html_table_contains_each_strategy(results: parity.Results) -> None:
    html = results._repr_html_()
    assert html.count("<table") == 1
    for strategy in STRATEGIES:
        assert f"<th>{strategy}</th>" in html
    assert "nan" not in html.lower()
    assert results.model_name in html
    icer_b = results.table().loc["B", "icer"]
    assert f"{icer_b:,.0f}" in html


def test_trace_and_cycles_need_to_be_kept(sick_sicker: parity.Model) -> None:
    bare = sick_sicker.run(keep_trace=False, keep_cycles=False)
    with pytest.raises(ValueError, match="keep_trace=True"):
        bare.trace
    with pytest.raises(ValueError, match="keep_cycles=True"):
        bare.cycles
    pd.testing.assert_frame_equal(bare.summary, sick_sicker.run().summary, check_exact=True)


@pytest.mark.parametrize("q", [0.02, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("n", [1, 7, 40])
def test_closed_form_life_years(q: float, n: int) -> None:
    # Start-of-cycle counting, no discounting: LY = sum_{t<n} (1-q)^t = (1 - (1-q)^n) / q.
    summary = two_state_model(q=q, n_cycles=n, correction="start").run().summary
    expected = (1 - (1 - q) ** n) / q
    assert summary.loc["Usual care", "life_years"] == pytest.approx(expected, rel=1e-12)
    assert summary.loc["Usual care", "life_years_undiscounted"] == pytest.approx(
        expected, rel=1e-12
    )
    assert summary.loc["Usual care", "qalys"] == pytest.approx(0.8 * expected, rel=1e-12)
    assert summary.loc["Usual care", "cost"] == pytest.approx(1000 * expected, rel=1e-12)


def test_closed_form_with_discounting_and_end_of_cycle_counting() -> None:
    # End-of-cycle counting, 5% discounting: LY = sum_{t=1..n} ((1-q)/1.05)^t.
    q, n = 0.1, 30
    summary = two_state_model(q=q, n_cycles=n, correction="end", discount_rate=0.05).run().summary
    x = (1 - q) / 1.05
    expected = x * (1 - x**n) / (1 - x)
    assert summary.loc["Usual care", "life_years"] == pytest.approx(expected, rel=1e-12)


def test_cost_category_named_like_an_outcome_is_refused() -> None:
    m = two_state_model()
    m.reward("Alive", qalys=5)
    with pytest.raises(parity.ModelError, match="'qalys' cannot be a cost category.*Rename"):
        m.run()


def test_savings_and_costs_by_payer_follow_the_categories() -> None:
    model = two_state_model(n_cycles=3, cost=100.0)
    model.strategies("Service")
    model.parameter("c_service", 30.0, source="test")
    model.reward("Alive", strategy="Service", nhs_mental_health="c_service", nhs_acute="c_alive * 0.5")
    model.cost_category("nhs_acute", payer="nhs_acute", cash_releasing=True)
    model.cost_category("nhs_mental_health", payer="nhs_mental_health")
    results = model.run()
    alive_years = results.summary.loc["Usual care", "life_years"]
    by_payer = results.costs_by_payer
    assert by_payer.loc["Usual care", "nhs_acute"] == pytest.approx(100.0 * alive_years)
    assert by_payer.loc["Service", "nhs_acute"] == pytest.approx(50.0 * alive_years)
    assert by_payer.loc["Service", "nhs_mental_health"] == pytest.approx(30.0 * alive_years)
    savings = results.savings().set_index("category")
    assert list(savings["strategy"].unique()) == ["Service"]
    assert savings.loc["nhs_acute", "saving"] == pytest.approx(50.0 * alive_years)
    assert bool(savings.loc["nhs_acute", "cash_releasing"]) is True
    assert savings.loc["nhs_mental_health", "saving"] == pytest.approx(-30.0 * alive_years)
    assert bool(savings.loc["nhs_mental_health", "cash_releasing"]) is False
    with pytest.raises(ValueError, match="is not a strategy"):
        results.savings("Nobody")


def test_perspective_sets_the_cost_of_icers_and_psa() -> None:
    model = two_state_model(n_cycles=3, cost=100.0)
    model.strategies("Service")
    model.parameter("c_quality", 1000.0, source="test", distribution="gamma",
                    distribution_parameters="shape=4; rate=0.004")
    model.reward("Alive", strategy="Service", wider_society="c_quality")
    model.cost_category("nhs_acute", payer="nhs_acute")
    model.cost_category("wider_society", payer="wider_society")
    everything = model.run().summary["cost"]
    model.set(perspective="nhs_pss")
    results = model.run()
    alive_years = results.summary.loc["Usual care", "life_years"]
    assert results.summary.loc["Service", "cost"] == pytest.approx(100.0 * alive_years)
    assert everything["Service"] == pytest.approx(1100.0 * alive_years)
    assert results.costs_by_category.loc["Service", "wider_society"] == pytest.approx(1000.0 * alive_years)
    psa = model.psa(n=3, seed=1)
    # c_quality varies, but wider society is outside the perspective: the PSA cost does not.
    assert psa.costs[:, 1] == pytest.approx([100.0 * alive_years] * 3)
    with pytest.raises(parity.InputError, match="did you mean 'nhs_pss'"):
        model.set(perspective="nhs_pps")
