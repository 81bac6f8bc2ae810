"""``parity business-case``: the terminal summary, the workbook and CSV files for an ICS or a
population, and clear errors (exit 2) for bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import PARAMS, edit_file

from parity.business_case import run_business_case
from parity.cli import main
from parity.cli_business_case import CSV_FILES

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
    for option in ("--ics", "--population", "--years", "--price-year", "--out", "--csv"):
        assert option in text
    for name in CSV_FILES:
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
    assert openpyxl.load_workbook(book).sheetnames[:2] == ["Summary", "Year by year"]
    assert sorted(p.name for p in tables.iterdir()) == sorted(CSV_FILES)
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
