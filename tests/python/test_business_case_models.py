"""The business cases shipped with the mental-health models ltc_comorbidity and smi_smoking:
they run for an ICS and for a population, size the entry cohorts as population x rates x
uptake (worked out by hand below), and charge the investment to the payer intended."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import PARAMS

import parity
from parity.business_case import read_business_case, run_business_case
from parity.cli import main

LTC = PARAMS / "ltc_comorbidity"
SMI = PARAMS / "smi_smoking"

# Hand inputs of each case: population of the file's ICS (params/reference/ics_populations.csv),
# the rates multiplied into the prevalence row, the uptake ramp and the programme category.
CASES = {
    "ltc_comorbidity": dict(
        folder=LTC,
        ics="NHS Cambridgeshire and Peterborough Integrated Care Board",
        ics_population=927_342,
        # 30% of England has an LTC (DH) x 30% of them a mental health problem (p_comorbid).
        rates=(0.30, 0.30),
        uptake=[0.006, 0.012, 0.02, 0.02, 0.02],
        programme="cc_programme",
        saving_payers={"nhs_acute", "nhs_primary_care"},
    ),
    "smi_smoking": dict(
        folder=SMI,
        ics="NHS Humber and North Yorkshire Integrated Care Board",
        ics_population=1_713_205,
        # 0.93% on the GP SMI register x 40.5% of them smoke (prev_smoking_smi).
        rates=(0.0093, 0.405),
        uptake=[0.04, 0.08, 0.10, 0.10, 0.10],
        programme="bsc_service",
        saving_payers={"nhs_acute"},
    ),
}


def _hand_entrants(
    population: float, rates: tuple[float, float], uptake: list[float]
) -> list[float]:
    return [population * rates[0] * rates[1] * u for u in uptake]


@pytest.mark.parametrize("name", list(CASES))
def test_prevalence_row_is_the_product_of_its_sourced_rates(name: str) -> None:
    case = CASES[name]
    values = parity.load(case["folder"]).parameter_values()
    # The second rate is the model's own parameter, so the business case cannot drift from it.
    second = {"ltc_comorbidity": "p_comorbid", "smi_smoking": "prev_smoking_smi"}[name]
    assert values[second] == case["rates"][1]
    rows = read_business_case(case["folder"])
    product = case["rates"][0] * case["rates"][1]
    assert float(rows.get("prevalence")) == pytest.approx(product, rel=1e-12)
    for row in rows.rows.values():
        assert row.source, row.key


@pytest.mark.parametrize("name", list(CASES))
def test_entrants_for_the_file_ics_and_for_a_population(name: str) -> None:
    case = CASES[name]
    bia = run_business_case(case["folder"])
    assert bia.sizing.area == case["ics"]
    assert bia.sizing.entrants == pytest.approx(
        _hand_entrants(case["ics_population"], case["rates"], case["uptake"]), rel=1e-12
    )
    # e.g. ltc_comorbidity year 1: 927,342 x 0.3 x 0.3 x 0.006 = 500.76 people;
    # smi_smoking year 1: 1,713,205 x 0.0093 x 0.405 x 0.04 = 258.11 people.
    first = {"ltc_comorbidity": 500.7647, "smi_smoking": 258.1115}[name]
    assert bia.sizing.entrants[0] == pytest.approx(first, abs=1e-4)

    small = run_business_case(case["folder"], population=250_000, years=3)
    assert small.sizing.area == "population given"
    assert small.sizing.entrants == pytest.approx(
        _hand_entrants(250_000, case["rates"], case["uptake"][:3]), rel=1e-12
    )
    other = run_business_case(case["folder"], ics="Nottingham and Nottinghamshire")
    notts = _hand_entrants(1_163_335, case["rates"], case["uptake"])
    assert other.sizing.entrants == pytest.approx(notts, rel=1e-12)


def test_ltc_investment_is_the_programme_cost_per_participant() -> None:
    bia = run_business_case(LTC)
    values = parity.load(LTC).parameter_values()
    # £317 (COINCIDE, 2012/13) moved to 2024/25 with the NHS cost inflation index, once per
    # participant in the year they enter (every 4-month entry cohort pays in its first cycle).
    per_person = values["c_cc"] * values["infl_from_2012_13"]
    assert per_person == pytest.approx(418.8, abs=0.1)
    investment = bia.yearly["investment"].tolist()
    assert investment == pytest.approx([n * per_person for n in bia.sizing.entrants], rel=1e-9)


def test_smi_investment_is_practitioner_time_per_participant() -> None:
    bia = run_business_case(SMI)
    # 12 sessions x 1 hour x £68 (Band 6, PSSRU 2025) = £816 per person starting BSC.
    investment = bia.yearly["investment"].tolist()
    assert investment == pytest.approx([n * 12 * 1 * 68 for n in bia.sizing.entrants], rel=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_investment_falls_on_mental_health_and_savings_elsewhere(name: str) -> None:
    case = CASES[name]
    bia = run_business_case(case["folder"], population=500_000)
    assert list(bia.investment.investment_categories) == [case["programme"]]
    assert bia.payers[case["programme"]] == "nhs_mental_health"
    assert list(bia.investment.investing_payers) == ["nhs_mental_health"]
    increments = bia.increments()
    programme = increments[increments["investment"]]
    assert set(programme["payer"]) == {"nhs_mental_health"}
    assert (programme["increment"] > 0).all()
    others = increments[~increments["investment"]]
    assert set(others["payer"]) == case["saving_payers"]
    # The intervention saves on physical care in every year, and none of it is cash.
    assert (others.groupby("year")["increment"].sum() < 0).all()
    assert bia.summary["total_cash_savings"] == 0
    # Investment - savings = the net budget impact, year by year.
    yearly = bia.yearly
    assert (yearly["investment"] - yearly["gross_savings"]).tolist() == pytest.approx(
        yearly["net_budget_impact"].tolist()
    )


@pytest.mark.parametrize("name", list(CASES))
def test_cli_runs_for_an_ics_and_a_population(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    folder = str(case["folder"])
    assert main(["business-case", folder, "--ics", "Nottingham and Nottinghamshire", "--years", "5",
                 "--price-year", "2024", "--csv", str(tmp_path / "ics")]) == 0
    out = capsys.readouterr().out
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board" in out
    assert "2024/25 prices" in out
    expected = run_business_case(case["folder"], ics="Nottingham and Nottinghamshire", years=5,
                                 price_year="2024")
    line = next(x for x in out.splitlines() if x.strip().startswith("investment"))
    assert f"{expected.summary['total_investment']:,.0f}" in line

    assert main(["business-case", folder, "--population", "250000", "--years", "3",
                 "--csv", str(tmp_path / "pop")]) == 0
    capsys.readouterr()
    sizing = pd.read_csv(tmp_path / "pop" / "cohort_sizing.csv")
    assert sizing["entrants"].tolist() == pytest.approx(
        _hand_entrants(250_000, case["rates"], case["uptake"][:3]), rel=1e-9
    )
