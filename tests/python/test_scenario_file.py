"""scenarios.csv of a model folder: read by the rules of every model folder file, checked with
file:line:column messages, and run by ``parity dsa`` into a table whose numbers are the model's
own runs with the overrides applied."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import SICK_SICKER

import parity
from parity.cli import main
from parity.scenario_file import read_folder_scenarios, read_scenarios, scenario_results

PARAMETERS = ["c_trtA", "c_trtB", "hr_S1S2_trtB", "u_S1"]
SETTINGS = ["discount_rate", "n_cycles"]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "scenarios.csv"
    path.write_bytes(text.encode(encoding))
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(parity.InputError) as err:
        read_scenarios(write(tmp_path, text), PARAMETERS, SETTINGS, shown_as="scenarios.csv")
    return str(err.value)


def test_rows_group_into_scenarios_in_order_with_their_notes(tmp_path: Path) -> None:
    text = (
        "\ufeff# prices to test\r\n"
        "Scenario, Parameter ,VALUE,notes\r\n"
        "\r\n"
        "cheap,c_trtB,9750,Assumption: 25% discount\r\n"
        "# a comment between rows\r\n"
        '"both, cheaper",c_trtA,9600,"first, note"\r\n'
        "cheap,c_trtA,1.2e4,\r\n"
        ",,,\r\n"
        '"both, cheaper",c_trtB,10400,second note\r\n'
    )
    read = read_scenarios(write(tmp_path, text), PARAMETERS)
    assert list(read.overrides) == ["cheap", "both, cheaper"]
    assert read.overrides["cheap"] == {"c_trtB": 9750.0, "c_trtA": 12000.0}
    assert read.overrides["both, cheaper"] == {"c_trtA": 9600.0, "c_trtB": 10400.0}
    assert read.notes == {"cheap": "Assumption: 25% discount", "both, cheaper": "first, note; second note"}


def test_notes_column_is_optional(tmp_path: Path) -> None:
    read = read_scenarios(write(tmp_path, "scenario,parameter,value\nlow,u_S1,0.7\n"), PARAMETERS)
    assert read.overrides == {"low": {"u_S1": 0.7}}
    assert read.notes == {}


@pytest.mark.parametrize(
    "row, where, says",
    [
        ("cheap,c_trtb,9750,", "scenarios.csv:3:2 (column 'parameter')", "unknown parameter 'c_trtb' (did you mean 'c_trtB'?)"),
        ("cheap,c_trtBB,9750,", "scenarios.csv:3:2 (column 'parameter')", "did you mean 'c_trtB'"),
        ("cheap,discount_rate,0.015,", "scenarios.csv:3:2", "'discount_rate' is a setting, and scenarios set only parameters"),
        ("cheap,c_trtB,cheap,", "scenarios.csv:3:3 (column 'value')", "'cheap' is not a number"),
        ("cheap,c_trtB,0.5*13000,", "scenarios.csv:3:3", "'0.5*13000' is not a number"),
        ("cheap,c_trtB,,", "scenarios.csv:3:3", "an empty cell is not a number"),
        (",c_trtB,9750,", "scenarios.csv:3:1 (column 'scenario')", "the scenario name is empty"),
        ("Base Case,c_trtB,9750,", "scenarios.csv:3:1", "the name of the model's own values"),
        ("cheap,,9750,", "scenarios.csv:3:2", "the parameter is empty"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, row: str, where: str, says: str) -> None:
    message = error_of(tmp_path, "# comment counted in line numbers\nscenario,parameter,value,notes\n" + row + "\n")
    assert message.startswith(where), message
    assert says in message


def test_a_parameter_set_twice_in_one_scenario(tmp_path: Path) -> None:
    message = error_of(tmp_path, "scenario,parameter,value\na,c_trtB,1\nb,c_trtB,2\na,c_trtB,3\n")
    assert message.startswith("scenarios.csv:4:2")
    assert "'c_trtB' is set twice in scenario 'a' (also on line 2)" in message


def test_bad_header_and_layout(tmp_path: Path) -> None:
    assert "unknown column 'valeu' (did you mean 'value'?)" in error_of(tmp_path, "scenario,parameter,valeu\n")
    assert error_of(tmp_path, "scenario,parameter,valeu\n").startswith("scenarios.csv:1:3")
    assert "required column 'value' is missing" in error_of(tmp_path, "scenario,parameter,notes\n")
    assert "separated by semicolons" in error_of(tmp_path, "scenario;parameter;value\n")
    assert "the file is empty" in error_of(tmp_path, "# nothing\n\n")
    message = error_of(tmp_path, "scenario,parameter,value\na,c_trtB\n")
    assert message.startswith("scenarios.csv:2") and "the row has 2 cells" in message
    assert error_of(tmp_path, 'scenario,parameter,value\n"a,c_trtB,1\n').startswith("scenarios.csv:2")
    with pytest.raises(parity.InputError, match="not UTF-8"):
        read_scenarios(write(tmp_path, "scenario,parameter,value\nprix réduit,c_trtB,1\n", "latin-1"), PARAMETERS)


def test_sick_sicker_scenarios_match_runs_with_the_overrides() -> None:
    model = parity.load(SICK_SICKER)
    scenarios = read_folder_scenarios(model, SICK_SICKER)
    assert scenarios is not None and len(scenarios.overrides) == 3
    assert all(note.startswith("Assumption:") for note in scenarios.notes.values())
    table = scenario_results(model, scenarios)
    assert list(table["scenario"].unique()) == ["base case", *scenarios.overrides]
    base = model.run(keep_trace=False, keep_cycles=False)
    for name, overrides in {"base case": {}, **scenarios.overrides}.items():
        run = model.run(overrides, keep_trace=False, keep_cycles=False) if overrides else base
        rows = table[table["scenario"] == name].set_index("strategy")
        summary = run.summary
        pd.testing.assert_series_equal(rows["cost"], summary["cost"], check_names=False, rtol=1e-12)
        pd.testing.assert_series_equal(rows["qalys"], summary["qalys"], check_names=False, rtol=1e-12)
        nmb = 100_000 * summary["qalys"] - summary["cost"]
        assert rows["net_monetary_benefit"].to_numpy() == pytest.approx(nmb.to_numpy(), rel=1e-12)
        assert set(rows["preferred_strategy"]) == {nmb.idxmax()}


def test_a_price_scenario_moves_only_the_treatment_cost_by_hand() -> None:
    # The treatment category of B is c_trtB times B's discounted years in S1 or S2, which the
    # price does not change: 25% off the price takes exactly 25% off that category.
    model = parity.load(SICK_SICKER)
    table = scenario_results(model, read_folder_scenarios(model, SICK_SICKER))
    treatment_b = model.run(keep_trace=False, keep_cycles=False).costs_by_category.loc["B", "treatment"]
    cost = table.set_index(["scenario", "strategy"])["cost"]
    assert cost["Treatment B 25% cheaper", "B"] == pytest.approx(cost["base case", "B"] - 0.25 * treatment_b, rel=1e-12)
    assert cost["Treatment B 25% cheaper", "SoC"] == cost["base case", "SoC"]
    # 1.5 times the price is above the $16,931 threshold: SoC is preferred at $100,000/QALY.
    assert table[table["scenario"] == "Treatment B 50% dearer"]["preferred_strategy"].iloc[0] == "SoC"
    assert table[table["scenario"] == "base case"]["preferred_strategy"].iloc[0] == "B"


def test_parity_dsa_writes_scenarios_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dsa", str(SICK_SICKER), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    written = pd.read_csv(tmp_path / "sick_sicker" / "scenarios.csv")
    model = parity.load(SICK_SICKER)
    expected = scenario_results(model, read_folder_scenarios(model, SICK_SICKER))
    pd.testing.assert_frame_equal(written, expected, check_exact=False, rtol=1e-12)
    assert "Treatment B 50% dearer: SoC" in out


def test_parity_dsa_checks_scenarios_before_running(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SICK_SICKER, folder)
    (folder / "scenarios.csv").write_text("scenario,parameter,value\ncheap,c_trB,9750\n")
    assert main(["dsa", str(folder), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "scenarios.csv:2:2" in err and "did you mean 'c_trtB'" in err
    assert not (tmp_path / "out").exists()


def test_no_scenarios_file_no_scenarios_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SICK_SICKER, folder)
    (folder / "scenarios.csv").unlink()
    assert read_folder_scenarios(parity.load(folder), folder) is None
    assert main(["dsa", str(folder), "--out", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out" / "model" / "scenarios.csv").exists()
