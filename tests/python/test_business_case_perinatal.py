"""The business case of params/perinatal, a decision tree whose payoffs fall over the years
after birth: births per year for an ICS, the investment and the mother's care saved worked out by
hand from the folder's values, the command line with a workbook and a PSA, and bad timing in a
copy of the folder."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from helpers import PARAMS, broken_copy

import parity
from parity.business_case import run_business_case
from parity.cli import main
from parity.prices import PriceIndex

PERINATAL = PARAMS / "perinatal"
NOTTS = "NHS Nottingham and Nottinghamshire Integrated Care Board"
NOTTS_POPULATION = 1_163_335  # params/reference/ics_populations.csv


def _perinatal_hand(years: int) -> dict[str, list[float]]:
    """Entrants, investment and the mother's health-care saving of the perinatal business case
    for Nottingham and Nottinghamshire at 2024/25 prices, from the files' values."""
    values = parity.load(PERINATAL).parameter_values()
    rows = {r["key"]: r["value"] for r in csv.DictReader(open(PERINATAL / "business_case.csv"))}
    births = NOTTS_POPULATION * float(rows["incidence"])  # 1,163,335 x 0.01048 = 12,191.75
    uptake = [float(u) for u in rows["uptake"].split(";")]
    entrants = [births * uptake[min(y, len(uptake) - 1)] for y in range(years)]
    factor = PriceIndex().factor("2012/13", "2024/25")
    investment = [n * values["c_service_per_birth"] * factor for n in entrants]
    # Depression cases avoided per birth, each saving the mother's care (1,670 over 2.5 years:
    # 668 in each of the first two years after birth and 334 in the third).
    avoided = values["p_depression"] - values["p_depression_recommended"]
    per_year = values["c_dep_mother_hsc"] / values["d_dep"]
    own = [per_year, per_year, 0.5 * per_year] + [0.0] * years
    mother = [
        sum(entrants[k] * avoided * own[y - k] for k in range(y + 1)) * factor for y in range(years)
    ]
    return {"entrants": entrants, "investment": investment, "mother_hsc_saving": mother}


def test_perinatal_business_case_by_hand() -> None:
    bia = run_business_case(PERINATAL, ics="Nottingham and Nottinghamshire", years=5,
                            price_year="2024")
    hand = _perinatal_hand(5)
    assert bia.sizing.area == NOTTS
    # Year 1: 1,163,335 x 0.01048 births x 0.5 uptake = 6,095.88 births covered.
    assert bia.sizing.entrants[0] == pytest.approx(6095.8754, abs=1e-4)
    assert bia.sizing.entrants == pytest.approx(hand["entrants"], rel=1e-12)
    assert bia.yearly["investment"].tolist() == pytest.approx(hand["investment"], rel=1e-12)
    assert list(bia.investment.investment_categories) == ["service_cost"]
    saved = -bia.increments().set_index(["year", "category"])["increment"]
    mother = [saved[(y, "mother_health_social_care")] for y in range(1, 6)]
    assert mother == pytest.approx(hand["mother_hsc_saving"], rel=1e-12)
    # None of it is cash-releasing; the mother's care stops after her episode, the child's
    # costs at school age fall beyond a 5-year budget.
    assert bia.summary["total_cash_savings"] == 0
    assert all(saved[(y, "child_education")] == pytest.approx(0.0, abs=1e-6) for y in range(1, 6))


def test_perinatal_business_case_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("openpyxl")
    out = tmp_path / "case.xlsx"
    assert main(["business-case", str(PERINATAL), "--ics", "Nottingham and Nottinghamshire",
                 "--years", "5", "--price-year", "2024", "--out", str(out),
                 "--csv", str(tmp_path / "tables"), "--psa", "40", "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert NOTTS in printed and "2024/25 prices" in printed
    line = next(x for x in printed.splitlines() if x.strip().startswith("investment"))
    assert f"{sum(_perinatal_hand(5)['investment']):,.0f}" in line
    assert out.exists()
    yearly = pd.read_csv(tmp_path / "tables" / "yearly.csv")
    assert yearly["investment"].tolist() == pytest.approx(_perinatal_hand(5)["investment"],
                                                          rel=1e-9)
    # Under the PSA only the effect (rr_dep_prevention) varies: every sample invests the same,
    # and the mother's savings move with the sampled relative risk.
    intervals = pd.read_csv(tmp_path / "tables" / "intervals.csv").set_index(["measure", "year"])
    investment = intervals.loc["investment"]
    assert investment["lower"].tolist() == pytest.approx(investment["base_case"].tolist(), rel=1e-12)
    assert investment["upper"].tolist() == pytest.approx(investment["base_case"].tolist(), rel=1e-12)
    savings = intervals.loc["gross_savings"]
    assert (savings["lower"] < savings["base_case"]).all()
    assert (savings["base_case"] < savings["upper"]).all()


# The first payoff of tree_payoffs.csv (line 2): the mother's care over her depression,
# from_year 0 (column 5) and years d_dep (column 6).
FIRST_PAYOFF = "depression,mother_health_social_care,c_dep_mother_hsc,0,d_dep"


@pytest.mark.parametrize(
    ("timing", "message"),
    [
        ("0,0 - 1", r"tree_payoffs.csv:2:6 \(column 'years'\).*is -1.*0 or more"),
        ("age_scool,d_dep", r"tree_payoffs.csv:2:5 \(column 'from_year'\).*age_scool"),
        ("2.5,d_dep", r"tree_payoffs.csv:2:5 \(column 'from_year'\).*is 2.5.*whole number"),
    ],
)
def test_bad_timing_in_the_perinatal_folder_names_the_cell(
    tmp_path: Path, timing: str, message: str
) -> None:
    folder = broken_copy(
        PERINATAL, tmp_path / "perinatal", "tree_payoffs.csv", FIRST_PAYOFF,
        FIRST_PAYOFF.replace("0,d_dep", timing),
    )
    with pytest.raises(parity.ModelError, match=message):
        parity.load(folder).run()
