"""The budget perspective of a business case: only the categories whose payer is inside it
count as investment and savings, the others are reported as wider benefits. A small case worked
by hand in the core, perinatal's headline against its own by-payer table, the models without a
perspective unchanged, and bad perspectives in business_case.csv."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import PARAMS, broken_copy, edit_file

import parity
from parity import _core
from parity import business_case_uncertainty as bcu
from parity.business_case import business_case_inputs, run_business_case
from parity.cli_business_case import render_summary, write_csv

PERINATAL = PARAMS / "perinatal"
PERSPECTIVE_ROW = "perspective,nhs_pss,"


def _small_case(in_perspective: list[bool]) -> _core.InvestmentSummary:
    """Two budget years, three categories: the service (NHS mental health, the investment)
    costs 100 more each year; hospital care (NHS acute) costs 30 and 50 less; quality of life
    valued in money (wider society) 200 and 300 less."""
    comparator = np.array([[0.0, 100.0, 1000.0], [0.0, 100.0, 1000.0]])
    strategy = comparator + np.array([[100.0, -30.0, -200.0], [100.0, -50.0, -300.0]])
    budget = _core.BudgetImpact(
        ["service", "usual"], ["service_cost", "hospital", "quality_of_life"], [1.0, 1.0],
        [strategy, comparator],
    )
    spec = _core.InvestmentSpec()
    spec.strategy, spec.comparator = "service", "usual"
    spec.payers = ["nhs_mental_health", "nhs_acute", "wider_society"]
    spec.cash_releasing = [False, True, False]
    spec.investment_categories = ["service_cost"]
    spec.in_perspective = in_perspective
    return _core.investment_summary(budget, spec)


def test_a_category_outside_the_perspective_is_a_wider_benefit_not_a_saving() -> None:
    s = _small_case([True, True, False])
    # By hand: I = 100 + 100 = 200; S = 30 + 50 = 80 (hospital only); W = 200 + 300 = 500.
    assert s.investment == [100.0, 100.0]
    assert s.gross_savings == [30.0, 50.0] and s.cash_savings == [30.0, 50.0]
    assert s.wider_benefits == [200.0, 300.0] and s.total_wider_benefits == 500.0
    assert s.net_budget_impact == [70.0, 50.0] and s.total_net_budget_impact == 120.0
    assert s.roi == pytest.approx((80 - 200) / 200)  # -60%, not (580 - 200) / 200
    assert s.benefit_cost_ratio == pytest.approx(0.4)
    assert s.npv == pytest.approx(-70.0 - 50.0 / 1.035, rel=1e-12)  # Green Book 3.5%, year 1 at 1
    assert s.break_even_year == 0
    assert list(s.saving_payers) == ["nhs_acute"] and list(s.payer_savings) == [80.0]
    # Every category counts (no flags): the old figures, with nothing reported as wider.
    every = _small_case([])
    assert every.total_gross_savings == 580.0 and every.roi == pytest.approx(1.9)
    assert every.total_wider_benefits == 0.0 and every.wider_benefits == [0.0, 0.0]
    assert _small_case([True, True, True]).roi == every.roi


def test_bad_flags_and_an_investment_outside_the_perspective_are_errors() -> None:
    with pytest.raises(_core.InputError, match="2 in-perspective flags for 3 cost categories"):
        _small_case([True, True])
    with pytest.raises(_core.InputError,
                       match="investment category 'service_cost' .payer 'nhs_mental_health'. is "
                       "outside the budget perspective"):
        _small_case([False, True, True])


def test_perinatal_headline_counts_nhs_and_social_care_only() -> None:
    """Nottingham and Nottinghamshire: the headline's savings are the NHS payers' in the
    by-payer table; the wider-society gains are reported beside it, not in it."""
    bia = run_business_case(PERINATAL)
    assert bia.perspective_name == "nhs_pss"
    by_payer = bia.by_payer()
    change = (by_payer.loc[bia.strategy] - by_payer.loc[bia.comparator]).sum()  # over 5 years
    investment = bia.increments().query("investment")["increment"].sum()
    savings = -(change["nhs_mental_health"] + change["nhs_other"]) + investment
    wider = -(change["wider_society"] + change["individuals"] + change["other_public_sector"])
    s = bia.summary
    assert s["total_investment"] == pytest.approx(investment, rel=1e-12)
    assert s["total_gross_savings"] == pytest.approx(savings, rel=1e-12)
    assert s["total_wider_benefits"] == pytest.approx(wider, rel=1e-12)
    assert s["roi"] == pytest.approx((savings - investment) / investment, rel=1e-12)
    # The figures of the headline: £30.0m invested, £2.55m saved (ROI -91.5%), £43.6m wider.
    assert round(investment / 1e5) / 10 == 30.0
    assert round(savings / 1e4) / 100 == 2.55 and round(s["roi"], 3) == -0.915
    assert round(wider / 1e5) / 10 == 43.6
    assert set(bia.who_pays_who_saves.columns) == {"investment", "nhs_mental_health", "nhs_other"}
    table = bia.wider_benefits()
    assert set(table["payer"]) == {"wider_society", "individuals", "other_public_sector"}
    assert table["wider_benefit"].sum() == pytest.approx(wider, rel=1e-12)
    assert (table["wider_benefit"] >= 0).all()  # no -0 shown for a category that does not change


def test_the_societal_perspective_gives_the_sum_of_savings_and_wider_benefits(tmp_path: Path) -> None:
    folder = broken_copy(PERINATAL, tmp_path / "perinatal", "business_case.csv", PERSPECTIVE_ROW,
                         "perspective,societal,")
    every = run_business_case(folder).summary
    nhs_pss = run_business_case(PERINATAL).summary
    assert every["perspective"] == "societal" and every["total_wider_benefits"] == 0
    assert every["total_gross_savings"] == pytest.approx(
        nhs_pss["total_gross_savings"] + nhs_pss["total_wider_benefits"], rel=1e-12
    )
    assert every["total_investment"] == nhs_pss["total_investment"]


def test_the_default_is_the_models_perspective(tmp_path: Path) -> None:
    folder = broken_copy(PERINATAL, tmp_path / "perinatal", "business_case.csv", PERSPECTIVE_ROW,
                         "# perspective,nhs_pss,")
    pd.testing.assert_series_equal(run_business_case(folder).summary,
                                   run_business_case(PERINATAL).summary, check_exact=True)


@pytest.mark.parametrize("model", ["pcpm", "ltc_comorbidity", "smi_smoking"])
def test_models_without_a_perspective_count_every_category(model: str, tmp_path: Path) -> None:
    """No perspective setting and no row: every category counts, as before; the same as an
    explicit societal perspective (every payer)."""
    bia = run_business_case(PARAMS / model)
    assert bia.perspective is None and bia.perspective_name == "all payers"
    assert bia.summary["total_wider_benefits"] == 0 and bia.wider_benefits().empty
    folder = tmp_path / model
    broken_copy(PARAMS / model, folder, "business_case.csv", "\nstrategy,",
                '\nperspective,societal,"Assumption: test"\nstrategy,')
    societal = run_business_case(folder).summary
    assert societal["perspective"] == "societal"
    pd.testing.assert_series_equal(bia.summary.drop("perspective"),
                                   societal.drop("perspective"), check_exact=True)


def test_pcpm_counts_every_nhs_category_as_before() -> None:
    """pcpm's headline from its inputs: one team's staff every year plus one set-up (the model's
    price year, factor 1), savings the comparator's minus the service's costs outside the
    investment, and the NPV the Green Book sum of (S - I) with year 1 undiscounted."""
    bia = run_business_case(PARAMS / "pcpm")
    s, yearly = bia.summary, bia.yearly
    values = parity.load(PARAMS / "pcpm").compile().parameter_values(0)
    years = len(yearly)
    assert list(yearly["teams"]) == [1] * years
    assert s["total_investment"] == pytest.approx(
        years * values["staff_cost_year"] + values["setup_cost_total"], rel=1e-12)
    costs = bia.costs.groupby(["strategy", "category"])["cost"].sum()
    saved = [c for c in costs["pcpm"].index if c not in ("pcpm_staff", "pcpm_setup")]
    assert s["total_gross_savings"] == pytest.approx(
        sum(costs["usual_care"][c] - costs["pcpm"][c] for c in saved), rel=1e-9)
    net = yearly["gross_savings"] - yearly["investment"]
    assert s["npv"] == pytest.approx(sum(v / 1.035**y for y, v in enumerate(net)), rel=1e-12)


def test_the_cli_headline_names_the_perspective_and_the_wider_benefits(tmp_path: Path) -> None:
    bia = run_business_case(PERINATAL)
    text = render_summary(bia)
    assert "5 years, perspective nhs_pss (GBP" in text
    wider = f"{bia.summary['total_wider_benefits']:,.0f}"
    assert f"wider benefits outside the budget perspective (not counted): {wider}" in text
    assert "not counted" not in render_summary(run_business_case(PARAMS / "pcpm"))
    written = write_csv(bia, tmp_path)
    assert tmp_path / "wider_benefits.csv" in written
    table = pd.read_csv(tmp_path / "wider_benefits.csv")
    assert table["wider_benefit"].sum() == pytest.approx(bia.summary["total_wider_benefits"])


def test_the_psa_scenarios_and_tornado_keep_the_perspective(tmp_path: Path) -> None:
    inputs = business_case_inputs(PERINATAL)
    bia = inputs.run()
    psa = bcu.psa(inputs, 20, 1, threads=1)
    base = psa.intervals().set_index(["measure", "year"]).loc["gross_savings"]["base_case"]
    assert list(base) == pytest.approx(list(bia.yearly["gross_savings"]), rel=1e-9)
    tornado = bcu.roi_tornado(inputs)
    assert tornado["outcome_low"].max() < 0  # the NHS-only ROI stays negative at every range end
    folder = broken_copy(PERINATAL, tmp_path / "perinatal", "business_case.csv", PERSPECTIVE_ROW,
                         "perspective,societal,")
    societal = business_case_inputs(folder).run()
    assert societal.summary["roi"] > 0 > bia.summary["roi"]


@pytest.mark.parametrize("value, shown", [("nhs_pps", "nhs_pss"), ("NHS;employer", "employers")])
def test_an_unknown_perspective_names_the_file_line_and_key(value: str, shown: str,
                                                            tmp_path: Path) -> None:
    folder = broken_copy(PERINATAL, tmp_path / "perinatal", "business_case.csv", PERSPECTIVE_ROW,
                         f"perspective,{value},")
    line = next(i for i, text in enumerate((folder / "business_case.csv").read_text().splitlines(), 1)
                if text.startswith("perspective,"))
    with pytest.raises(_core.InputError) as err:
        run_business_case(folder)
    message = str(err.value)
    assert f"business_case.csv:{line}: perspective '" in message
    assert "neither a payer nor a named perspective" in message
    assert shown in message and "nhs, nhs_pss (NICE reference case), public_sector or societal" in message


def test_a_perspective_naming_no_payer_is_an_error(tmp_path: Path) -> None:
    folder = broken_copy(PERINATAL, tmp_path / "perinatal", "business_case.csv", PERSPECTIVE_ROW,
                         "perspective,;,")
    with pytest.raises(_core.InputError, match=r"business_case.csv:\d+: 'perspective' names no payer"):
        run_business_case(folder)
