"""Uncertainty of a business case: PSA (break-even probability, intervals), named scenarios and
the ROI tornado, against hand-computed cases."""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import parity  # noqa: E402
from parity import _core  # noqa: E402
from parity import business_case_uncertainty as bcu  # noqa: E402
from parity import business_case_uncertainty_plots as bcu_plots  # noqa: E402
from parity.budget_impact import budget_impact, cohort_sizing  # noqa: E402
from parity.business_case import run_business_case  # noqa: E402

PCPM = Path(__file__).resolve().parents[2] / "params" / "pcpm"

CASE = """key,value,source,notes
strategy,service,test,
comparator,usual,test,
population,100000,test,
incidence,0.0001,test,
uptake,0.5;1,test,
horizon_years,2,test,
investment_categories,mh_service,test,
"""


def saving_case(
    folder: Path, distribution: str = "normal", parameters: str = "mean=100; sd=50", *,
    uncertain: str = "c_saved",
) -> Path:
    """People with a lasting condition cost the acute trust 1000 a year; a service costing
    c_course = 80 a year per person saves them c_saved a year. 100,000 people, incidence 1 in
    10,000, uptake 0.5 then 1: 5 people enter in year 1 and 10 in year 2, and everyone stays.

    Net savings: year 1 = 5 (c_saved - 80), year 2 = 15 (c_saved - 80); each year's sign is
    that of c_saved - 80, and ROI = (20 c_saved - 20 x 80) / (20 x 80) = c_saved / 80 - 1.
    """
    m = parity.Model("saving", n_cycles=2, correction="start", price_year="2024/25")
    m.states("Ill")
    m.strategies("usual", "service")
    m.parameter("c_acute", 1000, source="test")
    m.parameter(
        "c_saved", 100, source="test",
        distribution=distribution if uncertain == "c_saved" else "",
        distribution_parameters=parameters if uncertain == "c_saved" else "",
    )
    m.parameter("c_course", 80, source="test")
    m.parameter(
        "p_unused", 1, source="test",
        distribution=distribution if uncertain == "p_unused" else "",
        distribution_parameters=parameters if uncertain == "p_unused" else "",
    )
    m.transition("Ill", "Ill", 1)
    m.reward("Ill", strategy="usual", acute="c_acute")
    m.reward("Ill", strategy="service", acute="c_acute - c_saved", mh_service="c_course")
    m.initial(Ill=1)
    m.cost_category("acute", payer="nhs_acute", cash_releasing=False)
    m.cost_category("mh_service", payer="nhs_mental_health", cash_releasing=True)
    m.to_folder(folder)
    (folder / "business_case.csv").write_text(CASE)
    return folder


def test_psa_whose_uncertainty_leaves_costs_unchanged_is_the_deterministic_case(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m", "normal", "mean=1; sd=0.1", uncertain="p_unused")
    base = run_business_case(folder)
    result = bcu.psa(folder, n=50, seed=3, threads=2)
    samples = result.samples
    for column in ("roi", "npv", "cash_roi", "cash_npv", "benefit_cost_ratio"):
        assert samples[column].to_numpy() == pytest.approx(float(base.summary[column]), rel=1e-12)
    assert (samples["break_even_year"] == base.summary["break_even_year"]).all()
    yearly = result.yearly
    for year in (1, 2):
        rows = yearly[yearly["year"] == year]
        assert rows["net_budget_impact"].to_numpy() == pytest.approx(
            base.yearly.loc[year, "net_budget_impact"], rel=1e-12
        )
    # Every sample's costs are the deterministic costs, category by category.
    costs = result.costs()
    first = costs[costs["sample"] == 0].set_index(["strategy", "year", "category"])["cost"]
    expected = base.costs.set_index(["strategy", "year", "category"])["cost"]
    assert first.to_numpy() == pytest.approx(expected.loc[first.index].to_numpy(), rel=1e-12)
    # Intervals collapse onto the base case.
    intervals = result.intervals()
    assert intervals["lower"].to_numpy() == pytest.approx(intervals["base_case"].to_numpy(), rel=1e-12)
    assert intervals["upper"].to_numpy() == pytest.approx(intervals["base_case"].to_numpy(), rel=1e-12)


def test_break_even_probability_and_intervals_match_the_normal_closed_form(tmp_path: Path) -> None:
    # c_saved ~ Normal(100, 50): the case breaks even in each year when c_saved >= 80, with
    # probability Phi((100 - 80) / 50) = Phi(0.4) = 0.6554. Cumulative net savings at year 2 are
    # 20 (c_saved - 80) ~ Normal(400, 1000): 95% interval 400 -/+ 1.96 x 1000.
    folder = saving_case(tmp_path / "m")
    n = 4000
    result = bcu.psa(folder, n=n, seed=5, threads=2)
    p = NormalDist().cdf(0.4)
    se = math.sqrt(p * (1 - p) / n)
    table = result.break_even()
    assert table.loc[1, "probability"] == pytest.approx(p, abs=4 * se)
    assert table.loc[2, "probability"] == pytest.approx(p, abs=4 * se)
    # Year 1 and 2 have the same sign in every sample: "stays" equals "by" each year.
    assert (table["probability_stays"] == table["probability"]).all()
    # The service is all cash-releasing spending but the savings are not: never in cash terms.
    assert (table["probability_cash"] == 0).all()
    assert table.loc[2, "base_cumulative_net_savings"] == pytest.approx(400)

    intervals = result.intervals().set_index(["year", "measure"])
    row = intervals.loc[(2, "cumulative_net_savings")]
    z = NormalDist().inv_cdf(0.975)
    assert row["base_case"] == pytest.approx(400)
    assert row["mean"] == pytest.approx(400, abs=4 * 1000 / math.sqrt(n))
    # Quantile standard error: sqrt(p(1-p)/n) / density at the quantile.
    q_se = math.sqrt(0.025 * 0.975 / n) / (NormalDist().pdf(z) / 1000)
    assert row["lower"] == pytest.approx(400 - z * 1000, abs=4 * q_se)
    assert row["upper"] == pytest.approx(400 + z * 1000, abs=4 * q_se)
    # The intervals are the percentiles of the samples.
    cumulative = result.yearly.query("year == 2")["cumulative_net_savings"].to_numpy()
    assert row["lower"] == pytest.approx(np.quantile(cumulative, 0.025), rel=1e-12)

    # ROI = c_saved / 80 - 1 in every sample; its mean is 100 / 80 - 1 = 0.25.
    summary = result.summary()
    c_saved = result.parameters["c_saved"].to_numpy()
    assert result.samples["roi"].to_numpy() == pytest.approx(c_saved / 80 - 1, rel=1e-9, abs=1e-12)
    assert summary.loc["roi", "base_case"] == pytest.approx(0.25)
    assert summary.loc["roi", "mean"] == pytest.approx(0.25, abs=4 * (50 / 80) / math.sqrt(n))
    assert summary.loc["roi", "probability_positive"] == pytest.approx(p, abs=4 * se)
    assert summary.loc["roi", "undefined"] == 0


def test_psa_of_pcpm_is_identical_on_one_and_two_threads() -> None:
    one = bcu.psa(PCPM, n=120, seed=9, threads=1)
    two = bcu.psa(PCPM, n=120, seed=9, threads=2)
    assert np.array_equal(one.cost_values, two.cost_values)
    assert np.array_equal(one.investment, two.investment)
    assert np.array_equal(one.gross_savings, two.gross_savings)
    pd.testing.assert_frame_equal(one.samples, two.samples)
    pd.testing.assert_frame_equal(one.parameters, two.parameters)
    # The staff cost is a fixed cost of every sample (recurring, from staff_cost_year).
    staff = one.costs().query("strategy == 'pcpm' and category == 'pcpm_staff'")
    assert staff["cost"].to_numpy() == pytest.approx(
        one.base.costs.query("strategy == 'pcpm' and category == 'pcpm_staff'")["cost"].iloc[0]
    )
    assert len(one.samples) == 120 and one.break_even().index.tolist() == [1, 2, 3, 4, 5]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_scenarios_equal_runs_with_the_same_inputs(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m")
    write(folder / "scenarios.csv", "scenario,parameter,value,notes\ncautious,c_saved,60,smaller effect\n")
    write(
        folder / "business_case_scenarios.csv",
        "scenario,key,value,source,notes\n"
        "cautious,uptake,0.25;0.5,Assumption: slow recruitment,\n"
        "optimistic,incidence,0.0002,Assumption: twice the referrals,\n",
    )
    result = bcu.scenarios(folder)
    summary = result.summary
    assert list(summary.index) == ["base case", "cautious", "optimistic"]
    model = parity.load(folder)
    for name, sizing, overrides in [
        ("cautious", cohort_sizing(100000, incidence=1e-4, uptake=[0.25, 0.5], horizon_years=2), {"c_saved": 60}),
        ("optimistic", cohort_sizing(100000, incidence=2e-4, uptake=[0.5, 1], horizon_years=2), {}),
    ]:
        direct = budget_impact(
            model, sizing, strategy="service", comparator="usual",
            investment_categories=["mh_service"], overrides=overrides or None,
        )
        for column in ("roi", "npv", "break_even_year"):
            assert summary.loc[name, column] == pytest.approx(float(direct.summary[column]))
    # By hand: cautious entrants 2.5 and 5 (people in the service 2.5 then 7.5), c_saved 60:
    # net savings -20 x 2.5 = -50 and -20 x 7.5 = -150; ROI = (10 x 60 - 10 x 80) / 800.
    assert summary.loc["cautious", "net_savings_year_1"] == pytest.approx(-50)
    assert summary.loc["cautious", "net_savings_year_2"] == pytest.approx(-150)
    assert summary.loc["cautious", "roi"] == pytest.approx(-0.25)
    assert summary.loc["cautious", "break_even_year"] == 0
    # Optimistic: 10 and 20 enter, 10 then 30 in the service, 20 a year each.
    assert summary.loc["optimistic", "net_savings_year_2"] == pytest.approx(600)
    assert summary.loc["optimistic", "break_even_year"] == 1
    yearly = result.yearly
    assert len(yearly) == 6
    assert yearly.query("scenario == 'optimistic' and year == 2")["cumulative_net_savings"].iloc[0] == pytest.approx(800)


def test_scenarios_given_in_python_mix_business_case_keys_and_parameters(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m")
    result = bcu.scenarios(folder, {"cautious": {"uptake": [0.25, 0.5], "c_saved": 60}})
    assert result.summary.loc["cautious", "roi"] == pytest.approx(-0.25)
    with pytest.raises(_core.InputError, match="did you mean 'c_saved'"):
        bcu.scenarios(folder, {"bad": {"c_savd": 60}})


def test_business_case_scenario_file_errors_name_the_line(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m")
    path = write(folder / "business_case_scenarios.csv", "scenario,key,value,source\ncautious,uptak,0.2,x\n")
    with pytest.raises(_core.InputError, match=r"business_case_scenarios.csv:2: unknown key 'uptak' \(did you mean 'uptake'\?\)"):
        bcu.scenarios(folder)
    write(path, "scenario,key,value,source\ncautious,comparator,service,x\n")
    with pytest.raises(_core.InputError, match="cannot change 'comparator'"):
        bcu.scenarios(folder)
    write(path, "scenario,key,value,source\ncautious,uptake,0.2,\n")
    with pytest.raises(_core.InputError, match=":2: 'uptake' of scenario 'cautious' has no source"):
        bcu.scenarios(folder)
    write(path, "scenario,key,value,source\ncautious,uptake,1.2,x\n")
    with pytest.raises(_core.InputError, match="uptake of year 1 is 1.2"):
        bcu.scenarios(folder)


def test_roi_tornado_matches_the_hand_formula_and_brackets_the_base_case(tmp_path: Path) -> None:
    # ROI = c_saved / 80 - 1; c_saved's range is Normal(100, 50)'s 2.5th and 97.5th percentiles.
    folder = saving_case(tmp_path / "m")
    table = bcu.roi_tornado(folder)
    assert list(table["parameter"]) == ["c_saved"]
    row = table.iloc[0]
    z = NormalDist().inv_cdf(0.975)
    assert row["low"] == pytest.approx(100 - z * 50, rel=1e-9)
    assert row["outcome_low"] == pytest.approx((100 - z * 50) / 80 - 1, rel=1e-9)
    assert row["outcome_high"] == pytest.approx((100 + z * 50) / 80 - 1, rel=1e-9)
    assert row["base_outcome"] == pytest.approx(0.25)


def test_roi_tornado_of_pcpm_brackets_the_base_case() -> None:
    table = bcu.roi_tornado(PCPM)
    base = run_business_case(PCPM)
    assert len(table) > 0
    assert table["base_outcome"].to_numpy() == pytest.approx(float(base.summary["roi"]))
    low = table[["outcome_low", "outcome_high"]].min(axis=1)
    high = table[["outcome_low", "outcome_high"]].max(axis=1)
    assert (low <= table["base_outcome"] + 1e-12).all()
    assert (high >= table["base_outcome"] - 1e-12).all()
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    # Parameters the business case overrides stay at the case's values.
    assert not set(table["parameter"]) & {"c_course", "setup_cost_per_course"}
    npv = bcu.roi_tornado(PCPM, measure="npv", parameters=[table["parameter"].iloc[0]])
    assert len(npv) == 1
    with pytest.raises(_core.InputError, match="unknown measure"):
        bcu.roi_tornado(PCPM, measure="icer")


def test_plots_return_axes(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m")
    result = bcu.psa(folder, n=200, seed=1)
    assert isinstance(bcu_plots.plot_break_even(result), Axes)
    assert isinstance(bcu_plots.plot_cumulative_net_savings(result), Axes)
    ax = bcu_plots.plot_roi_tornado(bcu.roi_tornado(folder))
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 2  # one parameter: a low and a high bar
    scenarios = bcu.scenarios(folder, {"optimistic": {"incidence": 0.0002}})
    ax = bcu_plots.plot_scenarios(scenarios)
    assert len(ax.get_lines()) == 3  # two scenarios and the zero line


def test_psa_bad_input(tmp_path: Path) -> None:
    folder = saving_case(tmp_path / "m", uncertain="none")
    with pytest.raises(_core.ModelError, match="has a distribution"):
        bcu.psa(folder, n=10)
    with pytest.raises(_core.ModelError, match="at least one sample"):
        bcu.psa(folder, n=0)
