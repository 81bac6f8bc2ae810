"""The business-case workbook: its sheets, its formulas, and the totals LibreOffice computes from
them against the Python results (to the penny), including after an analyst edits an input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from helpers import PARAMS, edit_file

import parity
from parity.business_case import read_business_case, run_business_case
from parity import business_case_uncertainty as bcu
from parity.business_case_workbook import (
    NOT_RUN,
    SCENARIO_ROWS,
    SHEETS,
    entrant_profiles,
    write_workbook,
)

openpyxl = pytest.importorskip("openpyxl", reason="the workbook needs openpyxl (parity[excel])")

PCPM = PARAMS / "pcpm"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc to "
    "recalculate the workbook's formulas",
)
PENNY = 0.005
MONEY = ["total_investment", "total_gross_savings", "total_cash_savings", "net_budget_impact",
         "npv", "cash_npv", "total_wider_benefits"]
RATIOS = ["roi", "cash_roi", "benefit_cost_ratio"]


def recalculate(path: Path, out: Path) -> "openpyxl.Workbook":
    """Recalculate a workbook headless with LibreOffice and read the computed values."""
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "lo-profile").resolve().as_uri()  # own profile: runs never share a lock
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    converted = out / path.name
    assert done.returncode == 0 and converted.exists(), done.stderr
    return openpyxl.load_workbook(converted, data_only=True)


def business_case_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    edit_file(folder / "business_case.csv", old, new)
    return folder


def rows_by_label(ws, column: int = 1) -> dict[str, int]:
    """The first row of each label in a column."""
    found: dict[str, int] = {}
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=column).value
        if isinstance(value, str) and value not in found:
            found[value] = row
    return found


def assert_summary_matches(book, refs: dict[str, str], results) -> None:
    ws = book["Summary"]
    s = results.summary
    for key in MONEY:
        assert ws[refs[key]].value == pytest.approx(s[key], abs=PENNY), key
    for key in RATIOS:
        assert ws[refs[key]].value == pytest.approx(s[key], rel=1e-9, abs=1e-12), key
    for key in ("break_even_year", "cash_break_even_year"):
        expected = int(s[key]) if s[key] else "none within the horizon"
        assert ws[refs[key]].value == expected, key
    assert ws[refs["entrants"]].value == pytest.approx(s["entrants"], rel=1e-12)
    assert ("teams" in refs) == (results.staffing is not None)
    if results.staffing is not None:
        assert ws[refs["teams"]].value == s["teams"]


def assert_year_by_year_matches(book, results) -> None:
    ws = book["Year by year"]
    labels = rows_by_label(ws)
    yearly = results.yearly
    lines = {
        "Investment (I)": "investment",
        "Gross savings (S)": "gross_savings",
        "Cash-releasing savings": "cash_savings",
        "Wider benefits outside the budget perspective (W, not savings)": "wider_benefits",
        "Net budget impact (I - S)": "net_budget_impact",
        "Cumulative net budget impact": "cumulative_net_budget_impact",
        "Present value of net savings": "present_value_net_savings",
    }
    for label, column in lines.items():
        got = [ws.cell(row=labels[label], column=5 + i).value for i in range(len(results.years))]
        assert got == pytest.approx(list(yearly[column]), abs=PENNY), label
    if results.staffing is not None:
        for label, expected in (
            ("Teams in post (entrants / team capacity, rounded up)", results.staffing.teams),
            ("Teams set up this year (set-up costs paid)", results.staffing.added),
        ):
            got = [ws.cell(row=labels[label], column=5 + i).value for i in range(len(results.years))]
            assert got == expected, label
    factors = [ws.cell(row=labels["Discount factor (1 + rate)^-(year - 1)"], column=5 + i).value
               for i in range(len(results.years))]
    assert factors == pytest.approx(list(yearly["discount_factor"]), rel=1e-12)
    # Each category's increment, and each payer's.
    increments = results.increments()
    block = labels["Intervention minus current practice (positive: costs more; negative: saves)"]
    for i, category in enumerate(results.payers):
        row = block + 2 + i
        assert ws.cell(row=row, column=1).value == category
        expected = increments[increments["category"] == category]["increment"]
        got = [ws.cell(row=row, column=5 + y).value for y in range(len(results.years))]
        assert got == pytest.approx(list(expected), abs=PENNY), category
    by_payer = increments.groupby("payer")["increment"].sum()
    payers_at = labels["By payer (intervention minus current practice)"] + 2
    for j, payer in enumerate(dict.fromkeys(results.payers.values())):
        total = ws.cell(row=payers_at + j, column=5 + len(results.years)).value
        assert ws.cell(row=payers_at + j, column=1).value == payer
        assert total == pytest.approx(by_payer[payer], abs=PENNY)


def assert_who_pays_matches(book, results) -> None:
    ws = book["Summary"]
    start = rows_by_label(ws)["Investing payer"]
    table = results.who_pays_who_saves
    header = [ws.cell(row=start, column=j).value for j in range(1, 3 + len(table.columns) - 1)]
    assert header[2:] == list(table.columns[1:])
    for i, investor in enumerate(table.index):
        row = start + 1 + i
        for j, column in enumerate(table.columns):
            assert ws.cell(row=row, column=2 + j).value == pytest.approx(
                table.loc[investor, column], abs=PENNY
            ), (investor, column)


def recalculate_case(results, folder: Path, tmp_path: Path) -> "openpyxl.Workbook":
    """Write a case's workbook, recalculate it with LibreOffice and check every total, year and
    who-pays cell against the Python results; returns the recalculated workbook."""
    refs = write_workbook(results, tmp_path / "case.xlsx", folder)
    book = recalculate(tmp_path / "case.xlsx", tmp_path / "recalculated")
    assert_summary_matches(book, refs, results)
    assert_year_by_year_matches(book, results)
    assert_who_pays_matches(book, results)
    return book


@pytest.fixture(scope="module")
def pcpm_case():
    return run_business_case(PCPM)


@pytest.fixture(scope="module")
def pcpm_workbook(pcpm_case, tmp_path_factory):
    path = tmp_path_factory.mktemp("workbook") / "case.xlsx"
    refs = write_workbook(pcpm_case, path, PCPM)
    return path, refs


def test_the_workbook_has_the_sheets_and_its_totals_are_formulas(pcpm_workbook, pcpm_case) -> None:
    path, refs = pcpm_workbook
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    for name in ("Summary", "Year by year", "Inputs", "Assumptions", "Charts"):
        assert name in book.sheetnames
    summary = book["Summary"]
    assert summary[refs["npv"]].value.startswith("=SUMPRODUCT(")
    assert summary[refs["total_investment"]].value.startswith("='Year by year'!")
    assert "/" in summary[refs["roi"]].value and summary[refs["roi"]].value.startswith("=IF(")
    assert summary[refs["break_even_year"]].value.startswith("=IFERROR(INDEX(")
    # No PSA: a labelled "not run" in each year's probability cell.
    for year in pcpm_case.years:
        assert summary[refs[f"break_even_probability_{year}"]].value == NOT_RUN
    ws = book["Year by year"]
    labels = rows_by_label(ws)
    for label in ("Investment (I)", "Gross savings (S)", "Cumulative net savings",
                  "Discount factor (1 + rate)^-(year - 1)"):
        for column in range(5, 5 + len(pcpm_case.years)):
            assert str(ws.cell(row=labels[label], column=column).value).startswith("="), label
    # Every cost cell of the year-by-year blocks is a formula over entrants and model profiles.
    first_cost = labels["Current practice (usual_care)"] + 2
    formula = ws.cell(row=first_cost, column=6).value
    assert formula.startswith("='Inputs'!") and "'Model results'!" in formula
    assert formula.count("*'Model results'!") == 2  # year 2: two entry cohorts
    bars, curve = book["Charts"]._charts
    payer_rows = [labels[p] for p in dict.fromkeys(pcpm_case.payers.values())]
    assert [series.val.numRef.f for series in bars.series] == [
        f"'Year by year'!$E${row}:$I${row}" for row in payer_rows
    ]
    assert curve.series[0].val.numRef.f == (
        f"'Year by year'!$E${labels['Cumulative net savings']}:$I${labels['Cumulative net savings']}"
    )


def test_the_model_results_are_values_from_the_model(pcpm_workbook, pcpm_case) -> None:
    path, _ = pcpm_workbook
    ws = openpyxl.load_workbook(path)["Model results"]
    assert "Values from the model" in ws["A2"].value
    values = [ws.cell(row=r, column=c).value for r in range(5, ws.max_row + 1)
              for c in range(4, 4 + len(pcpm_case.years))]
    assert values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    assert any(v != 0 for v in values)


def test_inputs_list_every_input_with_its_source(pcpm_workbook) -> None:
    path, _ = pcpm_workbook
    ws = openpyxl.load_workbook(path)["Inputs"]
    column_a = {ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)}
    case = read_business_case(PCPM)
    assert set(case.rows) <= column_a
    model = parity.load(PCPM)
    assert {p.name for p in model.spec.parameters} <= column_a
    # Every input row cites a source (column E).
    start = rows_by_label(ws)["Input"] + 1
    row = start
    while ws.cell(row=row, column=1).value:
        assert ws.cell(row=row, column=5).value, ws.cell(row=row, column=1).value
        row += 1
    # The index row of the price year is there (column H), with its source.
    years = {ws.cell(row=r, column=8).value: r for r in range(1, ws.max_row + 1)}
    assert "2024/25" in years and ws.cell(row=years["2024/25"], column=12).value
    # The overridden parameters say so.
    rows = rows_by_label(ws)
    assert "set to 0 by business_case.csv overrides" in ws.cell(row=rows["c_course"], column=6).value


def test_assumptions_list_every_assumed_input_and_the_conventions(pcpm_workbook) -> None:
    path, _ = pcpm_workbook
    ws = openpyxl.load_workbook(path)["Assumptions"]
    column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    case = read_business_case(PCPM)
    for row in case.rows.values():
        assert (f"business_case.csv: {row.key}" in column_a) == row.source.startswith("Assumption")
    for p in parity.load(PCPM).spec.parameters:
        if p.source.startswith("Assumption"):
            assert f"parameters.csv: {p.name}" in column_a
    for convention in ("Open cohort", "Undiscounted budget years",
                       "Net present value at the Green Book rate", "Price-year conversion"):
        assert convention in column_a


def test_the_profiles_rebuild_the_budget(pcpm_case) -> None:
    """The decomposition the formulas use: cost(y) = F x sum_k N_k q(y - k + 1) + fixed."""
    profiles = entrant_profiles(PCPM, pcpm_case)
    comparator = profiles.costs["usual_care"]
    # A person's cost in year 1 of current practice, times year 1's entrants, is year 1's cost.
    gp = pcpm_case.costs.query("strategy == 'usual_care' and year == 1 and category == 'gp_consultations'")
    assert comparator.loc["gp_consultations", 1] * pcpm_case.sizing.entrants[0] == pytest.approx(
        float(gp["cost"].iloc[0]), rel=1e-12
    )
    # Current practice has no service costs.
    assert np.all(comparator.loc[["pcpm_staff", "pcpm_setup"]].to_numpy() == 0)


@needs_soffice
def test_libreoffice_totals_equal_the_python_results(pcpm_workbook, pcpm_case, tmp_path) -> None:
    path, refs = pcpm_workbook
    book = recalculate(path, tmp_path / "recalculated")
    assert_summary_matches(book, refs, pcpm_case)
    assert_year_by_year_matches(book, pcpm_case)
    assert_who_pays_matches(book, pcpm_case)


@needs_soffice
def test_a_case_that_breaks_even_and_a_price_year_conversion(tmp_path) -> None:
    """A cheaper team breaks even within the horizon (the MATCH of the break-even formula is
    exercised), with costs converted from 2024/25 to 2019/20 prices by the index cells."""
    folder = business_case_copy(tmp_path, "recurring,pcpm_staff=staff_cost_year",
                                "recurring,pcpm_staff=20000")
    results = run_business_case(folder, price_year="2019/20", years=6)
    assert results.summary["break_even_year"] > 1  # the case the test is for
    refs = write_workbook(results, tmp_path / "cheap.xlsx", folder)
    book = recalculate(tmp_path / "cheap.xlsx", tmp_path / "recalculated")
    assert_summary_matches(book, refs, results)
    assert_year_by_year_matches(book, results)
    inputs = book["Inputs"]
    factor_row = rows_by_label(inputs)["Price factor (model price year to business-case price year)"]
    assert inputs.cell(row=factor_row, column=2).value == pytest.approx(results.price_factor, rel=1e-12)
    assert results.price_factor < 1


@needs_soffice
def test_an_analyst_changing_the_population_gets_the_python_results(pcpm_case, tmp_path) -> None:
    """The formulas are live: doubling the population cell in the workbook gives what parity
    computes for twice the population."""
    path = tmp_path / "case.xlsx"
    refs = write_workbook(pcpm_case, path, PCPM)
    book = openpyxl.load_workbook(path)
    inputs = book["Inputs"]
    row = rows_by_label(inputs)["Population"]
    population = inputs.cell(row=row, column=2).value
    inputs.cell(row=row, column=2).value = 2 * population
    rate_row = rows_by_label(inputs)["Discount rate for the NPV"]
    assert inputs.cell(row=rate_row, column=2).value == 0.035
    edited = tmp_path / "edited" / "case.xlsx"
    edited.parent.mkdir()
    book.save(edited)
    recalculated = recalculate(edited, tmp_path / "recalculated")
    doubled = run_business_case(PCPM, population=2 * population)
    # 232.7 referrals a year need a second team from year 2: the teams follow the edit.
    assert pcpm_case.staffing.teams == [1] * 5 and doubled.staffing.teams == [1, 2, 2, 2, 2]
    assert_summary_matches(recalculated, refs, doubled)
    assert_year_by_year_matches(recalculated, doubled)


@needs_soffice
def test_teams_for_a_larger_ics_are_live_formulas(tmp_path) -> None:
    """Cheshire and Merseyside needs 2 teams in year 1 and 3 after: LibreOffice's CEILING over
    the entrants and the capacity cell gives the teams, set-ups and totals parity gives; and
    without team_capacity the workbook has no team rows and one team's costs."""
    results = run_business_case(PCPM, ics="Cheshire and Merseyside")
    assert results.staffing.teams == [2, 3, 3, 3, 3]
    book = recalculate_case(results, PCPM, tmp_path)
    inputs = book["Inputs"]
    row = rows_by_label(inputs)["Team capacity (people one team sees a year)"]
    assert inputs.cell(row=row, column=2).value == pytest.approx(results.staffing.capacity)
    assert "Recurring cost a year per team: pcpm_staff" in rows_by_label(inputs)
    folder = business_case_copy(tmp_path, "team_capacity,caseload_year,", "# team_capacity,caseload_year,")
    one_team = run_business_case(folder, ics="Cheshire and Merseyside")
    refs = write_workbook(one_team, tmp_path / "one.xlsx", folder)
    assert "teams" not in refs
    book = recalculate(tmp_path / "one.xlsx", tmp_path / "recalculated-one")
    assert_summary_matches(book, refs, one_team)
    assert_year_by_year_matches(book, one_team)
    assert "Teams in post (entrants / team capacity, rounded up)" not in rows_by_label(book["Year by year"])


@needs_soffice
def test_entrants_given_directly(tmp_path) -> None:
    folder = business_case_copy(tmp_path, "incidence,0.0001,", "entrants,100;120;130,")
    edit_file(folder / "business_case.csv", "uptake,0.5;1,", "# uptake,0.5;1,")
    edit_file(folder / "business_case.csv", "horizon_years,5,", "horizon_years,3,")
    results = run_business_case(folder)
    assert results.sizing.entrants == [100, 120, 130]
    assert results.staffing.teams == [1, 1, 2]  # 130 / 126 -> a second team in year 3
    assert results.staffing.added == [1, 0, 1]
    refs = write_workbook(results, tmp_path / "entrants.xlsx", folder)
    book = recalculate(tmp_path / "entrants.xlsx", tmp_path / "recalculated")
    assert_summary_matches(book, refs, results)
    assert_year_by_year_matches(book, results)


def test_break_even_probabilities_from_a_psa_are_written(pcpm_case, tmp_path) -> None:
    probabilities = [0.0, 0.05, 0.1, 0.2, 0.3]
    refs = write_workbook(pcpm_case, tmp_path / "psa.xlsx", PCPM,
                          break_even_probability=probabilities)
    ws = openpyxl.load_workbook(tmp_path / "psa.xlsx")["Summary"]
    got = [ws[refs[f"break_even_probability_{y}"]].value for y in pcpm_case.years]
    assert got == probabilities
    with pytest.raises(parity.InputError, match="one per year"):
        write_workbook(pcpm_case, tmp_path / "bad.xlsx", PCPM, break_even_probability=[0.5])


@pytest.fixture(scope="module")
def pcpm_uncertainty():
    return (bcu.psa(PCPM, n=200, seed=3, threads=1), bcu.scenarios(PCPM), bcu.roi_tornado(PCPM))


def test_the_uncertainty_sheets_hold_the_psa_scenarios_and_tornado(
    pcpm_case, pcpm_uncertainty, tmp_path
) -> None:
    psa, scenarios, tornado = pcpm_uncertainty
    path = tmp_path / "uncertainty.xlsx"
    refs = write_workbook(pcpm_case, path, PCPM, psa=psa, scenarios=scenarios, tornado=tornado)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS[:3] + ["Scenarios", "Uncertainty"] + SHEETS[3:]
    probabilities = list(psa.break_even()["probability"])
    assert [book["Summary"][refs[f"break_even_probability_{y}"]].value
            for y in pcpm_case.years] == probabilities
    for name in ("Scenarios", "Uncertainty"):
        assert "values, not formulas" in book[name]["A3"].value
        assert not any(isinstance(c.value, str) and c.value.startswith("=")
                       for row in book[name].iter_rows() for c in row)
    ws = book["Scenarios"]
    keys = {ws.cell(row=r, column=2).value: r for r in range(1, ws.max_row + 1)}
    table = scenarios.summary
    for key, _, _ in SCENARIO_ROWS:
        if key.endswith("break_even_year"):
            continue
        got = [ws.cell(row=keys[key], column=3 + j).value for j in range(len(table))]
        assert got == pytest.approx(list(table[key]), rel=1e-12), key
    un = rows_by_label(book["Uncertainty"])
    assert book["Uncertainty"].cell(row=un["Parameter"] + 1, column=1).value == tornado["parameter"].iloc[0]
    # The summary's own probability cells and the "Uncertainty" sheet's agree.
    first = un["Year"] + 1
    assert [book["Uncertainty"].cell(row=first + i, column=2).value
            for i in range(len(probabilities))] == probabilities


def test_psa_and_given_probabilities_are_not_both_accepted(pcpm_case, pcpm_uncertainty, tmp_path) -> None:
    psa = pcpm_uncertainty[0]
    with pytest.raises(parity.InputError, match="not both"):
        write_workbook(pcpm_case, tmp_path / "both.xlsx", PCPM, psa=psa,
                       break_even_probability=[0.0] * 5)
    three_years = run_business_case(PCPM, years=3)
    with pytest.raises(parity.InputError, match="same horizon"):
        write_workbook(three_years, tmp_path / "short.xlsx", PCPM, psa=psa)


@needs_soffice
def test_the_uncertainty_sheets_leave_the_formulas_unchanged(
    pcpm_case, pcpm_uncertainty, tmp_path
) -> None:
    psa, scenarios, tornado = pcpm_uncertainty
    path = tmp_path / "uncertainty.xlsx"
    refs = write_workbook(pcpm_case, path, PCPM, psa=psa, scenarios=scenarios, tornado=tornado)
    book = recalculate(path, tmp_path / "recalculated")
    assert_summary_matches(book, refs, pcpm_case)
    assert_year_by_year_matches(book, pcpm_case)
    assert_who_pays_matches(book, pcpm_case)


@needs_soffice
def test_the_formulas_leave_categories_outside_the_perspective_out_of_the_savings(tmp_path) -> None:
    """Perinatal counts NHS and social care only (perspective nhs_pss): LibreOffice's savings,
    ROI, NPV and who-saves leave out the wider-society categories, as parity does, and show them
    on the wider-benefits line."""
    folder = PARAMS / "perinatal"
    results = run_business_case(folder)
    assert results.summary["total_wider_benefits"] > results.summary["total_gross_savings"] > 0
    book = recalculate_case(results, folder, tmp_path)
    ws = book["Year by year"]
    roles = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=4).value
             for r in range(1, ws.max_row + 1)}
    assert roles["mother_quality_of_life"] == "outside perspective"
    assert roles["mother_health_social_care"] == "no" and roles["service_cost"] == "yes"
