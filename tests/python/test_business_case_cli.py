"""``parity business-case``: the terminal summary, the workbook and CSV files for an ICS or a
population, and clear errors (exit 2) for bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import PARAMS, edit_file

from parity import business_case_uncertainty as bcu
from parity.business_case import run_business_case
from parity.cli import main
from parity.cli_business_case import CSV_FILES, TORNADO_ROWS, UNCERTAINTY_CSV_FILES

PCPM = PARAMS / "pcpm"
NOTTS = "Nottingham and Nottinghamshire"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_help_names_the_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["business-case", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--ics", "--population", "--years", "--price-year", "--out", "--csv",
                   "--psa", "--seed", "--threads"):
        assert option in text
    for name in [*CSV_FILES, *UNCERTAINTY_CSV_FILES]:
        assert name in text


def test_an_ics_case_prints_the_summary_and_writes_the_workbook_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book, tables = tmp_path / "case.xlsx", tmp_path / "tables"
    code, out, err = run_cli(
        ["business-case", str(PCPM), "--ics", NOTTS, "--years", "5", "--price-year", "2024",
         "--out", str(book), "--csv", str(tables)],
        capsys,
    )
    assert code == 0, err
    expected = run_business_case(PCPM, ics=NOTTS, years=5, price_year="2024")
    s = expected.summary
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board" in out
    assert "2024/25 prices" in out
    for label, key in (("investment", "total_investment"), ("gross savings", "total_gross_savings"),
                       ("cash-releasing savings", "total_cash_savings"),
                       ("net present value", "npv")):
        line = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert f"{s[key]:,.0f}" in line, line
    roi_line = next(line for line in out.splitlines() if "return on investment" in line)
    assert f"{s['roi']:.1%}" in roi_line
    assert "break-even year" in out and "none within the horizon" in out  # PCPM does not pay back in 5 years
    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames[:2] == ["Summary", "Year by year"]
    # Without --psa: the probability cells say "not run", and so does the PSA part of the
    # Uncertainty sheet; the scenarios and the tornado (deterministic) are there.
    summary_sheet = workbook["Summary"]
    probability_rows = [r for r in range(1, summary_sheet.max_row + 1)
                        if str(summary_sheet.cell(row=r, column=1).value).startswith(
                            "Probability of breaking even by the end of year")]
    assert len(probability_rows) == 5
    assert all(summary_sheet.cell(row=r, column=2).value == "not run" for r in probability_rows)
    uncertainty = workbook["Uncertainty"]
    assert uncertainty.cell(row=6, column=1).value == "not run"
    assert "Scenarios" in workbook.sheetnames
    assert "Probability of breaking even" not in out
    assert sorted(p.name for p in tables.iterdir()) == sorted(
        [*CSV_FILES, "scenarios.csv", "roi_tornado.csv"]
    )
    yearly = pd.read_csv(tables / "yearly.csv")
    assert list(yearly["net_budget_impact"]) == pytest.approx(list(expected.yearly["net_budget_impact"]))
    summary = pd.read_csv(tables / "summary.csv").set_index("measure")["value"]
    assert float(summary["npv"]) == pytest.approx(s["npv"])
    who = pd.read_csv(tables / "who_pays_who_saves.csv")
    assert list(who["investing_payer"]) == ["nhs_mental_health", "total"]


def test_a_population_given_as_a_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tables = tmp_path / "tables"
    code, out, err = run_cli(
        ["business-case", str(PCPM), "--population", "500000", "--years", "3", "--csv", str(tables)],
        capsys,
    )
    assert code == 0, err
    assert "population given, 3 years" in out
    sizing = pd.read_csv(tables / "cohort_sizing.csv")
    # business_case.csv: incidence 1 per 10,000 a year, uptake 50% then 100%.
    assert list(sizing["entrants"]) == pytest.approx([25.0, 50.0, 50.0])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--population", "-5"], "--population -5: a population cannot be negative"),
        (["--ics", "Nottingam"], "Did you mean 'NHS Nottingham and Nottinghamshire Integrated Care Board'"),
        (["--price-year", "2005"], "covers 2008/09 to 2024/25"),
        (["--price-year", "2030/31"], "covers 2008/09 to 2024/25"),
        (["--years", "12"], "--years 12: give a whole number of budget years from 1 to 10"),
        (["--out", "case.csv"], "must end in .xlsx"),
        (["--psa", "0"], "--psa 0: give a number of samples of 1 or more"),
        (["--psa", "10", "--seed", "-1"], "--seed -1: give a whole number >= 0"),
    ],
)
def test_bad_command_line_values(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["business-case", str(PCPM), *args], capsys)
    assert code == 2
    assert err.startswith("parity: error:")
    assert message in err
    assert out == ""


def test_uptake_above_100_percent_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    edit_file(folder / "business_case.csv", "uptake,0.5;1,", "uptake,0.5;1.2,")
    code, _, err = run_cli(["business-case", str(folder)], capsys)
    assert code == 2
    assert str(folder / "business_case.csv") in err
    assert "uptake of year 2 is 1.2 (120%)" in err


def test_a_folder_without_a_business_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["business-case", str(PARAMS / "sick_sicker")], capsys)
    assert code == 2
    assert "business_case.csv" in err and "no business case" in err


def test_ics_and_population_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["business-case", str(PCPM), "--ics", NOTTS, "--population", "1000"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def scenarios_sheet(ws) -> dict[str, dict[str, object]]:
    """The Scenarios sheet as {key: {scenario: value}} (column B holds the table's keys)."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Measure")
    names = [ws.cell(row=header, column=j).value for j in range(3, ws.max_column + 1)]
    table: dict[str, dict[str, object]] = {}
    for row in range(header + 1, ws.max_row + 1):
        key = ws.cell(row=row, column=2).value
        if key:
            table[key] = {n: ws.cell(row=row, column=3 + j).value for j, n in enumerate(names)}
    return table


def test_a_psa_fills_the_probabilities_and_the_uncertainty_sheets_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a cheaper team the case breaks even within six years in some samples and not in
    others, so the probabilities read back are neither all 0 nor all 1."""
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    edit_file(folder / "business_case.csv", "recurring,pcpm_staff=staff_cost_year",
              "recurring,pcpm_staff=20000")
    book, tables = tmp_path / "case.xlsx", tmp_path / "tables"
    code, out, err = run_cli(
        ["business-case", str(folder), "--years", "6", "--out", str(book), "--csv", str(tables),
         "--psa", "200", "--seed", "1", "--threads", "2"],
        capsys,
    )
    assert code == 0, err
    # The same seed gives the same samples on any number of threads.
    psa = bcu.psa(folder, n=200, seed=1, threads=1, years=6)
    be = psa.break_even()
    assert 0 < be["probability"].iloc[2] < 1  # the case the test is for

    workbook = openpyxl.load_workbook(book)
    assert workbook.sheetnames == ["Summary", "Year by year", "Charts", "Scenarios", "Uncertainty",
                                   "Inputs", "Assumptions", "Model results"]
    ws = workbook["Summary"]
    got = {}
    for row in range(1, ws.max_row + 1):
        label = str(ws.cell(row=row, column=1).value)
        if label.startswith("Probability of breaking even by the end of year"):
            got[int(label.rsplit(" ", 1)[1])] = ws.cell(row=row, column=2).value
    assert got == {int(y): float(p) for y, p in be["probability"].items()}
    assert any("200 samples, seed 1" in str(ws.cell(row=r, column=3).value)
               for r in range(1, ws.max_row + 1))

    # Uncertainty sheet: the break-even table and the interval rows are the PSA's values.
    un = workbook["Uncertainty"]
    start = next(r for r in range(1, un.max_row + 1) if un.cell(row=r, column=1).value == "Year")
    for i, (year, b) in enumerate(be.iterrows(), start=1):
        values = [un.cell(row=start + i, column=j).value for j in range(1, 6)]
        assert values == [year, b["probability"], b["probability_cash"], b["probability_stays"],
                          pytest.approx(b["base_cumulative_net_savings"])]
    intervals = psa.intervals()
    top = next(r for r in range(start + 1, un.max_row + 1)
               if un.cell(row=r, column=2).value == "Measure")
    for i, iv in enumerate(intervals.itertuples(index=False), start=1):
        values = [un.cell(row=top + i, column=j).value for j in range(1, 7)]
        assert values == [iv.year, iv.measure, pytest.approx(iv.base_case), pytest.approx(iv.mean),
                          pytest.approx(iv.lower), pytest.approx(iv.upper)]
    tornado = bcu.roi_tornado(folder, years=6)
    head = next(r for r in range(1, un.max_row + 1) if un.cell(row=r, column=1).value == "Parameter")
    assert [un.cell(row=head + 1 + i, column=1).value for i in range(len(tornado))] == list(tornado["parameter"])
    assert un.cell(row=head + 1, column=5).value == pytest.approx(tornado["outcome_low"].iloc[0])

    # Scenarios sheet: the scenarios' summary, scenario by scenario.
    expected = bcu.scenarios(folder, years=6).summary
    sheet = scenarios_sheet(workbook["Scenarios"])
    assert set(sheet["entrants"]) == set(expected.index) == {"base case", "cautious", "central", "optimistic"}
    for key, by_scenario in sheet.items():
        for name, value in by_scenario.items():
            want = expected.loc[name, key]
            if key == "description":
                assert value == want
            elif key.endswith("break_even_year"):
                assert value == (int(want) if want else "none within the horizon"), (key, name)
            else:
                assert value == pytest.approx(float(want), rel=1e-12, abs=1e-9), (key, name)
    assert set(expected.columns) - {"description"} <= set(sheet)

    # CSV files: every table, equal to the Python results.
    assert sorted(p.name for p in tables.iterdir()) == sorted([*CSV_FILES, *UNCERTAINTY_CSV_FILES])
    pd.testing.assert_frame_equal(pd.read_csv(tables / "break_even.csv").set_index("year"), be,
                                  check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(pd.read_csv(tables / "intervals.csv"), intervals,
                                  check_exact=False, rtol=1e-12)
    psa_summary = pd.read_csv(tables / "psa_summary.csv").set_index("measure")
    pd.testing.assert_frame_equal(psa_summary, psa.summary(), check_exact=False, rtol=1e-12)
    scenarios_csv = pd.read_csv(tables / "scenarios.csv").set_index("scenario")
    pd.testing.assert_frame_equal(scenarios_csv, expected, check_exact=False, rtol=1e-12)
    tornado_csv = pd.read_csv(tables / "roi_tornado.csv")
    pd.testing.assert_frame_equal(tornado_csv, tornado, check_exact=False, rtol=1e-12)

    # The terminal: probabilities by year, the scenarios side by side, the top tornado rows.
    assert "Probability of breaking even (PSA, 200 samples, seed 1)" in out
    year3 = next(line for line in out.splitlines() if line.strip().startswith("year 3"))
    assert f"{be['probability'].loc[3]:.1%}" in year3
    # The first "return on investment" line is the base case's, the last the scenarios'.
    roi_line = [line for line in out.splitlines() if line.strip().startswith("return on investment")][-1]
    assert all(f"{expected.loc[n, 'roi']:.1%}" in roi_line for n in expected.index)
    break_even_line = next(line for line in out.splitlines()
                           if line.strip().startswith("break-even year") and "(" not in line)
    assert break_even_line.split()[2:] == [str(int(y)) if y else "none"
                                           for y in expected["break_even_year"]]
    shown = out.split("ROI tornado", 1)[1].splitlines()[2:2 + TORNADO_ROWS]
    assert [line.split()[0] for line in shown] == list(tornado["parameter"][:TORNADO_ROWS])


def test_a_folder_without_scenarios_has_no_scenarios_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path / "pcpm"
    shutil.copytree(PCPM, folder)
    (folder / "scenarios.csv").unlink()
    (folder / "business_case_scenarios.csv").unlink()
    book, tables = tmp_path / "case.xlsx", tmp_path / "tables"
    code, out, err = run_cli(
        ["business-case", str(folder), "--out", str(book), "--csv", str(tables)], capsys
    )
    assert code == 0, err
    assert "Scenarios" not in openpyxl.load_workbook(book).sheetnames
    assert "Uncertainty" in openpyxl.load_workbook(book).sheetnames
    assert not (tables / "scenarios.csv").exists() and (tables / "roi_tornado.csv").exists()
    assert "\nScenarios\n" not in out and "ROI tornado" in out
