"""The ``parity`` command: ``parity run`` prints the results table and writes CSV files that
match the Python API; ``parity check`` reports OK or the first problem with its file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import PARAMS, SICK_SICKER, SICK_SICKER_AGE, STRATEGIES, edit_file

import parity
from parity.cli import OUTPUT_FILES, main

CSV_FILES = ["summary.csv", "costs.csv", "icers.csv", "net_benefit.csv", "trace.csv",
             "cycles.csv", "savings.csv"]


def test_output_layout_is_documented_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(OUTPUT_FILES) == CSV_FILES
    with pytest.raises(SystemExit) as info:
        main(["run", "--help"])
    assert info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "OUT/<model folder name>/" in help_text
    for name in CSV_FILES:
        assert name in help_text


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_csvs_match_python(out: Path, results: parity.Results) -> None:
    """The CSV files in ``out`` hold the numbers of ``results``."""
    assert sorted(p.name for p in out.iterdir()) == sorted(CSV_FILES)
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "summary.csv"), results.summary.reset_index(), check_exact=True
    )
    pd.testing.assert_frame_equal(pd.read_csv(out / "costs.csv"), results.costs, check_exact=True)
    pd.testing.assert_frame_equal(pd.read_csv(out / "trace.csv"), results.trace, check_exact=True)
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "cycles.csv"), results.cycles, check_exact=True
    )
    icers = pd.read_csv(out / "icers.csv")
    expected = results.icers()
    assert list(icers.columns) == list(expected.columns)
    assert list(icers["strategy"]) == list(expected["strategy"])
    assert list(icers["status"]) == list(expected["status"])
    for column in ["cost", "effect", "incremental_cost", "incremental_effect", "icer"]:
        np.testing.assert_array_equal(icers[column].to_numpy(), expected[column].to_numpy())
    nb = pd.read_csv(out / "net_benefit.csv")
    pd.testing.assert_frame_equal(nb, results.net_benefit(), check_exact=True)
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "savings.csv"), results.savings(), check_exact=False, rtol=1e-12
    )


def test_run_one_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["run", str(SICK_SICKER), "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert err == ""
    for strategy in STRATEGIES:
        assert any(line.startswith(f"{strategy} ") for line in out.splitlines()), strategy
    assert "152,282" in out and "73,279" in out and "125,302" in out  # corrected release
    assert "nan" not in out.lower()
    assert "optimal at USD 100,000 per QALY: B" in out
    target = tmp_path / "sick_sicker"
    assert f"wrote 7 CSV files to {target}" in out
    assert_csvs_match_python(target, parity.load(SICK_SICKER).run())


def test_run_every_folder_of_params(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["run", str(PARAMS), "--out", str(tmp_path)], capsys)
    assert code == 0, err
    model_folders = sorted(p.name for p in PARAMS.iterdir() if (p / "settings.csv").exists())
    assert {"sick_sicker", "sick_sicker_age"} <= set(model_folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == model_folders
    # A tree model also writes its tree table.
    trees = [m for m in model_folders if (PARAMS / m / "tree.csv").exists()]
    assert out.count("wrote 7 CSV files") == len(model_folders) - len(trees)
    assert out.count("wrote 8 CSV files") == len(trees)
    assert "sick_sicker: costs in USD" in out and "sick_sicker_age: costs in USD" in out
    assert "116,374" in out  # the age-dependent model's SoC cost
    assert_csvs_match_python(tmp_path / "sick_sicker_age", parity.load(SICK_SICKER_AGE).run())


def test_run_with_wtp_writes_that_wtp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["run", str(SICK_SICKER), "--out", str(tmp_path), "--wtp", "20000", "200000"], capsys
    )
    assert code == 0
    assert "optimal at USD 20,000 per QALY: SoC" in out
    assert "optimal at USD 200,000 per QALY: AB" in out
    nb = pd.read_csv(tmp_path / "sick_sicker" / "net_benefit.csv")
    assert sorted(set(nb["wtp"])) == [20000.0, 200000.0]


def test_run_no_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["run", str(SICK_SICKER), "--out", str(tmp_path / "o"), "--no-write"],
                           capsys)
    assert code == 0 and "SoC" in out
    assert not (tmp_path / "o").exists()


def test_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("parity")
    if not script.exists():
        pytest.skip(f"no parity console script next to {sys.executable}")
    proc = subprocess.run(
        [str(script), "run", str(SICK_SICKER), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for strategy in STRATEGIES:
        assert any(line.startswith(f"{strategy} ") for line in proc.stdout.splitlines())
    assert_csvs_match_python(tmp_path / "sick_sicker", parity.load(SICK_SICKER).run())


def test_console_script_reports_errors_with_exit_code_2(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("parity")
    if not script.exists():
        pytest.skip(f"no parity console script next to {sys.executable}")
    proc = subprocess.run([str(script), "check", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("parity: error:") and "no such folder" in proc.stderr


def test_check_good_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", str(SICK_SICKER)], capsys)
    assert code == 0 and err == ""
    n_parameters = len(parity.load(SICK_SICKER).spec.parameters)
    assert out.strip() == f"{SICK_SICKER}: OK (4 states, 4 strategies, {n_parameters} parameters)"


def broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "models" / "broken"
    shutil.copytree(SICK_SICKER, folder)
    edit_file(folder / "transitions.csv", "*,H,D,p_HD", "*,H,D,p_HDX")
    return folder


def test_check_broken_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = broken_copy(tmp_path)
    code, out, err = run_cli(["check", str(folder)], capsys)
    assert code == 2
    assert "OK" not in out
    assert err.startswith("parity: error:")
    line = 1 + (SICK_SICKER / "transitions.csv").read_text().split("\n").index("*,H,D,p_HD")
    assert f"{folder / 'transitions.csv'}:{line}:4 (column 'probability')" in err
    assert "did you mean 'p_HD'" in err


def test_a_broken_folder_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_copy(tmp_path)
    shutil.copytree(SICK_SICKER, tmp_path / "models" / "good")
    code, out, err = run_cli(["check", str(tmp_path / "models")], capsys)
    assert code == 2
    assert "good: OK" in out
    assert err.count("parity: error:") == 1 and "broken" in err
    code, out, err = run_cli(["run", str(tmp_path / "models"), "--out", str(tmp_path / "o")],
                             capsys)
    assert code == 2
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["good"]


def test_unknown_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "check"):
        code, out, err = run_cli([command, str(tmp_path / "no_such_model")], capsys)
        assert code == 2
        assert out == ""
        assert err.startswith(f"parity: error: {tmp_path / 'no_such_model'}: no such folder")
        assert "params/sick_sicker" in err  # says what to give instead


def test_folder_without_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "not a model folder (no settings.csv)" in err


def test_two_model_folders_with_the_same_name_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SICK_SICKER, tmp_path / "a" / "sick_sicker")
    code, _, err = run_cli(
        ["run", str(SICK_SICKER), str(tmp_path / "a" / "sick_sicker"), "--out", str(tmp_path)],
        capsys,
    )
    assert code == 2
    assert "two model folders named 'sick_sicker'" in err


def test_bad_arguments_exit_through_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_output_that_cannot_be_written_exits_with_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run_cli(["run", str(SICK_SICKER), "--out", str(blocker)], capsys)
    assert code == 1
    assert err.startswith("parity: error:") and str(blocker) in err
