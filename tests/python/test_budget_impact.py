"""Budget impact, cohort sizing, price years and business_case.csv: hand-checked cases."""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import budget_cost

import parity
from parity import _core
from parity.budget_impact import COST_COLUMNS, budget_impact, cohort_sizing
from parity.business_case import read_business_case, run_business_case
from parity.populations import ics_population, ics_table
from parity.prices import PriceIndex, price_year_label

PARAMS = Path(__file__).resolve().parents[2] / "params"
PCPM = PARAMS / "pcpm"


def service_model(price_year: str = "2024/25") -> parity.Model:
    """Everyone starts Sick; under `usual` they stay Sick, under `service` half recover each
    year. Sick costs the acute trust 1000 a year; the service costs 600 - 200 * cycle a year for
    each person still Sick (it depends on the person's own time since entry).

    Per person, annual cycles counted at their start:
      usual:   acute 1000, 1000, 1000
      service: acute 1000, 500, 250; service 600, 0.5 x 400 = 200, 0.25 x 200 = 50
    """
    m = parity.Model("service", n_cycles=3, correction="start", price_year=price_year)
    m.states("Sick", "Well")
    m.strategies("usual", "service")
    m.parameters(c_sick=1000, c_service="600 - 200 * cycle", setup=900)
    m.transition("Sick", "Sick", 1, strategy="usual")
    m.transition("Sick", "Well", 0, strategy="usual")
    m.transition("Sick", "Well", 0.5, strategy="service")
    m.transition("Sick", "Sick", "C", strategy="service")
    m.transition("Well", "Well", 1)
    m.reward("Sick", acute="c_sick")
    m.reward("Sick", strategy="service", mh_service="c_service")
    m.initial(Sick=1)
    m.cost_category("acute", payer="nhs_acute", cash_releasing=False)
    m.cost_category("mh_service", payer="nhs_mental_health", cash_releasing=True)
    m.cost_category("setup", payer="nhs_mental_health", cash_releasing=True)
    return m


def run(entrants: list[float], **kwargs: object) -> parity.budget_impact.BudgetImpactResults:
    sizing = cohort_sizing(1000, entrants=entrants, horizon_years=len(entrants))
    return budget_impact(service_model(), sizing, strategy="service", comparator="usual", **kwargs)


cost = budget_cost  # the shorter name of this file's checks


def test_one_cohort_one_year() -> None:
    bia = run([10])
    assert list(bia.costs.columns) == COST_COLUMNS
    assert cost(bia, 1, "usual", "acute") == pytest.approx(10_000)
    assert cost(bia, 1, "service", "mh_service") == pytest.approx(6_000)
    row = bia.costs[(bia.costs["category"] == "acute")].iloc[0]
    assert row["payer"] == "nhs_acute" and not row["cash_releasing"]
    assert bia.yearly.loc[1, "net_budget_impact"] == pytest.approx(6_000)
    assert bia.summary["roi"] == pytest.approx(-1)


def test_open_cohort_second_entry_runs_on_its_own_clock() -> None:
    # Year 2: service 10 x 200 (first cohort, its year 2) + 20 x 600 (second cohort, its year
    # 1) = 14,000; on the calendar clock it would be 30 x 200... or 20 x 400: never 14,000.
    bia = run([10, 20])
    assert cost(bia, 2, "service", "mh_service") == pytest.approx(14_000)
    assert cost(bia, 2, "service", "acute") == pytest.approx(10 * 500 + 20 * 1000)
    assert cost(bia, 2, "usual", "acute") == pytest.approx(30_000)
    yearly = bia.yearly
    assert list(yearly["investment"]) == pytest.approx([6_000, 14_000])
    assert list(yearly["gross_savings"]) == pytest.approx([0, 5_000], abs=1e-9)
    assert list(yearly["cumulative_net_budget_impact"]) == pytest.approx([6_000, 15_000])


def test_two_year_ramp_up_from_population_and_incidence() -> None:
    # 100,000 people x incidence 1% = 1,000 eligible a year; uptake 20% then 50%.
    sizing = cohort_sizing(100_000, incidence=0.01, uptake=[0.2, 0.5], horizon_years=2)
    assert sizing.entrants == pytest.approx([200, 500])
    bia = budget_impact(service_model(), sizing, strategy="service", comparator="usual")
    assert cost(bia, 1, "usual", "acute") == pytest.approx(200_000)
    assert cost(bia, 2, "usual", "acute") == pytest.approx(700_000)
    assert cost(bia, 2, "service", "mh_service") == pytest.approx(200 * 200 + 500 * 600)
    # The last uptake value holds for the remaining years.
    assert cohort_sizing(10, prevalence=0.5, uptake=[0.2, 0.4], horizon_years=4).uptake == [
        0.2, 0.4, 0.4, 0.4
    ]


def test_npv_roi_break_even_closed_forms() -> None:
    # One cohort of 10: I = (6000, 2000, 500), S = (0, 5000, 7500); cumulative net savings
    # (-6000, -3000, 4000): break-even in year 3.
    bia = run([10, 0, 0])
    s = bia.summary
    assert s["total_investment"] == pytest.approx(8_500)
    assert s["roi"] == pytest.approx((12_500 - 8_500) / 8_500)
    assert s["benefit_cost_ratio"] == pytest.approx(12_500 / 8_500)
    assert s["npv"] == pytest.approx(-6_000 + 3_000 / 1.035 + 7_000 / 1.035**2)
    assert s["break_even_year"] == 3
    assert s["cash_break_even_year"] == 0  # acute savings free capacity, not cash
    assert bia.yearly["present_value_net_savings"].sum() == pytest.approx(s["npv"])
    flat = run([10, 0, 0], discount_rate=0.0)
    assert flat.summary["npv"] == pytest.approx(12_500 - 8_500)


def test_one_off_costs_and_who_pays_who_saves() -> None:
    bia = run([10, 0, 0], one_off={"setup": "setup"}, investment_categories=["mh_service", "setup"])
    assert cost(bia, 1, "service", "setup") == pytest.approx(900)
    assert bia.summary["total_investment"] == pytest.approx(8_500 + 900)
    matrix = bia.who_pays_who_saves
    assert matrix.loc["nhs_mental_health", "nhs_acute"] == pytest.approx(12_500)
    assert matrix.loc["nhs_mental_health", "investment"] == pytest.approx(9_400)
    # Reassigning the acute category to social care moves the saving to that payer.
    moved = run([10, 0, 0], payers={"acute": "local_authority_social_care"})
    assert "nhs_acute" not in moved.who_pays_who_saves.columns
    assert moved.who_pays_who_saves.loc[
        "nhs_mental_health", "local_authority_social_care"
    ] == pytest.approx(12_500)


def test_price_year_conversion_against_the_index() -> None:
    index = PriceIndex()
    # NHSCII pay and prices, 2014/15 = 100: 2016/17 = 100 x 1.004 x 1.0209.
    assert index.level("2016/17") == pytest.approx(100 * 1.004 * 1.0209, abs=5e-5)
    # 2013/14 is linked through the HCHS 2014/15 change of 0.9%.
    assert index.level("2013/14") == pytest.approx(100 / 1.009, abs=5e-5)
    factor = index.level("2024/25") / index.level("2016/17")
    assert index.convert(120, "2016/17", 2024) == pytest.approx(120 * factor)
    # A model in 2016/17 prices, converted to 2024/25: every cost times the factor.
    sizing = cohort_sizing(1, entrants=[10], horizon_years=1)
    bia = budget_impact(service_model("2016/17"), sizing, strategy="service", comparator="usual",
                        price_year="2024/25")
    assert cost(bia, 1, "usual", "acute") == pytest.approx(10_000 * factor)
    assert bia.price_year == "2024/25"


def test_shipped_index_is_the_chain_of_its_percent_changes() -> None:
    table = PriceIndex().table
    levels = table["index_value"].tolist()
    for i in range(1, len(table)):
        expected = levels[i - 1] * (1 + table["annual_pct_change"].iloc[i] / 100)
        assert levels[i] == pytest.approx(expected, abs=1e-4), table["financial_year"].iloc[i]
    assert levels[table["financial_year"].tolist().index("2014/15")] == 100


def test_price_year_labels() -> None:
    assert price_year_label(2024) == "2024/25"
    assert price_year_label("2024-25") == "2024/25"
    assert price_year_label("1999/2000") == "1999/00"
    with pytest.raises(parity.InputError, match="must follow"):
        price_year_label("2024/26")


def test_ics_population_lookup() -> None:
    name, people = ics_population("nottingham and nottinghamshire")
    assert name == "NHS Nottingham and Nottinghamshire Integrated Care Board"
    assert people == 1_163_335
    assert ics_population("E54000060")[1] == people
    # The 42 ICBs sum to England's mid-2022 population (SOURCES.md).
    assert ics_table()["population"].sum() == 57_106_398


def test_pcpm_business_case_runs_and_charges_set_up_once() -> None:
    case = read_business_case(PCPM)
    assert case.get("strategy") == "pcpm"
    bia = run_business_case(PCPM)
    entrants = 1_163_335 * 1e-4
    assert bia.sizing.entrants == pytest.approx([entrants * 0.5] + [entrants] * 4)
    values = parity.load(PCPM).parameter_values()
    setup = bia.costs.query("category == 'pcpm_setup' and strategy == 'pcpm'")
    assert setup["cost"].tolist() == pytest.approx([values["setup_cost_total"], 0, 0, 0, 0])
    # The team is paid in full every year (staff WTE x hourly cost x hours), whatever the
    # uptake; set-up is paid once.
    staff = bia.costs.query("category == 'pcpm_staff' and strategy == 'pcpm'")["cost"]
    assert staff.tolist() == pytest.approx([values["staff_cost_year"]] * 5)
    assert values["staff_cost_year"] == pytest.approx(1575 * (0.2 * 239 + 82 + 72))
    assert bia.summary["total_investment"] == pytest.approx(
        5 * values["staff_cost_year"] + values["setup_cost_total"]
    )
    assert set(bia.payers.values()) == {"nhs_primary_care", "nhs_acute", "nhs_mental_health"}
    # No PCPM category is cash-releasing on the savings side.
    assert bia.summary["total_cash_savings"] == 0
    assert run_business_case(PCPM, population=2_000_000, years=3).sizing.horizon_years == 3


# ---- bad input -------------------------------------------------------------------------


def test_negative_population() -> None:
    with pytest.raises(parity.InputError, match="cannot be negative"):
        cohort_sizing(-5, incidence=0.1)


def test_uptake_above_100_percent() -> None:
    with pytest.raises(parity.InputError, match=r"uptake of year 2 is 1.2 \(120%\)"):
        cohort_sizing(1000, incidence=0.1, uptake=[0.5, 1.2], horizon_years=3)


def test_unknown_ics_suggests_closest_names() -> None:
    with pytest.raises(parity.InputError) as err:
        cohort_sizing("Nottingam and Notinghamshire", incidence=0.1)
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board" in str(err.value)
    assert "Did you mean" in str(err.value)


def test_price_year_outside_index_names_years_covered() -> None:
    sizing = cohort_sizing(1, entrants=[1], horizon_years=1)
    with pytest.raises(parity.InputError, match=r"2030/31 .* covers 2008/09 to 2024/25"):
        budget_impact(service_model(), sizing, strategy="service", comparator="usual",
                      price_year=2030)


def test_unknown_payer() -> None:
    with pytest.raises(parity.InputError, match=r"unknown payer 'nhs_acutee'.*nhs_acute"):
        run([1], payers={"acute": "nhs_acutee"})


def test_horizon_and_uptake_count() -> None:
    with pytest.raises(parity.InputError, match="1 to 10"):
        cohort_sizing(1000, incidence=0.1, horizon_years=11)
    with pytest.raises(parity.InputError, match="3 uptake values for a horizon of 2"):
        cohort_sizing(1000, incidence=0.1, uptake=[0.1, 0.2, 0.3], horizon_years=2)


def test_business_case_file_errors(tmp_path: Path) -> None:
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    path = folder / "business_case.csv"
    rows = list(csv.reader(open(path)))
    rows[4][0] = "uptkae"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(parity.InputError, match=r"business_case.csv:5: unknown key 'uptkae' \(did you mean 'uptake'\?\)"):
        read_business_case(folder)
    rows[4][0], rows[4][2] = "uptake", ""
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(parity.InputError, match=r"business_case.csv:5: 'uptake' has no source"):
        read_business_case(folder)
