"""``parity psa`` and ``parity dsa``: the files they write hold what the Python API computes
with the same seed, the figures are real PNG files, and bad input exits 2 with a clear
``parity: error:`` message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import PARAMS, SICK_SICKER

import parity
from parity import dsa
from parity.cli import main
from parity.uncertainty import default_wtp_grid

PSA_CSV = [
    "samples.csv", "outcomes.csv", "summary.csv", "ceac.csv", "ceaf.csv", "expected_loss.csv",
    "evpi.csv", "evppi.csv",
]
PSA_PNG = ["ce_plane.png", "ceac.png", "expected_loss.png", "evppi.png"]
DSA_FILES = ["tornado.csv", "thresholds.csv", "tornado.png", "scenarios.csv"]  # sick_sicker has scenarios.csv
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, path
    assert len(data) > 10_000, path  # a drawn figure, not an empty canvas
    import matplotlib.image

    image = matplotlib.image.imread(path)
    assert image.shape[0] > 300 and image.shape[1] > 400
    assert image.std() > 0.01  # not a single colour


def no_distributions(tmp_path: Path) -> Path:
    """A copy of params/sick_sicker whose parameters have no distributions."""
    folder = tmp_path / "fixed_model"
    shutil.copytree(SICK_SICKER, folder)
    path = folder / "parameters.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["distribution"] = ""
    table["distribution_parameters"] = ""
    table.to_csv(path, index=False)
    return folder


@pytest.fixture(scope="module")
def psa_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``parity psa params/sick_sicker -n 2000 --seed 3 --quiet`` run once for the module."""
    out = tmp_path_factory.mktemp("psa")
    assert main(["psa", str(SICK_SICKER), "-n", "2000", "--seed", "3", "--out", str(out), "--quiet"]) == 0
    return out / "sick_sicker"


@pytest.fixture(scope="module")
def api() -> parity.psa.PsaResults:
    return parity.load(SICK_SICKER).psa(2000, 3)


def test_psa_writes_every_file(psa_out: Path) -> None:
    assert sorted(p.name for p in psa_out.iterdir()) == sorted(PSA_CSV + PSA_PNG)
    for name in PSA_PNG:
        assert_png(psa_out / name)


def test_psa_csv_files_equal_the_python_api(psa_out: Path, api: parity.psa.PsaResults) -> None:
    samples = pd.read_csv(psa_out / "samples.csv", index_col="sample")
    pd.testing.assert_frame_equal(samples, api.parameters, check_exact=True, check_index_type=False)
    pd.testing.assert_frame_equal(pd.read_csv(psa_out / "outcomes.csv"), api.table(), check_exact=True)
    grid = default_wtp_grid()
    expected = {
        "summary.csv": api.summary(),
        "ceac.csv": api.ceac(grid),
        "ceaf.csv": api.ceaf(grid),
        "expected_loss.csv": api.expected_loss(grid),
        "evpi.csv": api.evpi(grid),
        "evppi.csv": api.evppi(list(api.parameters.columns), 100_000),
    }
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(pd.read_csv(psa_out / name), frame, check_exact=False, rtol=1e-12, obj=name)
    evppi = pd.read_csv(psa_out / "evppi.csv")
    assert list(evppi["parameters"]) == list(api.parameters.columns)


def test_psa_prints_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        ["psa", str(SICK_SICKER), "-n", "300", "--seed", "2", "--out", str(tmp_path), "--quiet",
         "--wtp-max", "50000", "--wtp-step", "25000", "--evppi-wtp", "50000", "--threads", "1"],
        capsys,
    )
    assert code == 0, err
    assert "PSA of 300 samples (seed 2)" in out
    assert "EVPI per person at 50,000 per QALY" in out
    assert f"wrote 12 files to {tmp_path / 'sick_sicker'}" in out
    ceac = pd.read_csv(tmp_path / "sick_sicker" / "ceac.csv")
    assert sorted(ceac["wtp"].unique()) == [0, 25_000, 50_000]
    assert (pd.read_csv(tmp_path / "sick_sicker" / "evppi.csv")["wtp"] == 50_000).all()
    assert "Traceback" not in err


def test_psa_through_the_installed_command(tmp_path: Path, psa_out: Path) -> None:
    command = Path(sys.executable).with_name("parity")
    if not command.exists():
        pytest.skip(f"no parity command next to {sys.executable}")
    result = subprocess.run(
        [str(command), "psa", str(SICK_SICKER), "-n", "2000", "--seed", "3", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "sick_sicker"
    assert sorted(p.name for p in out.iterdir()) == sorted(PSA_CSV + PSA_PNG)
    # The same seed gives the same files byte for byte, in another process.
    for name in PSA_CSV:
        assert (out / name).read_bytes() == (psa_out / name).read_bytes(), name
    assert result.stderr == ""  # --quiet: no progress bar


def test_psa_of_a_folder_of_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["psa", str(PARAMS), "-n", "200", "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 0, err
    model_folders = sorted(p.name for p in PARAMS.iterdir() if (p / "settings.csv").exists())
    assert {"sick_sicker", "sick_sicker_age"} <= set(model_folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == model_folders
    for folder in tmp_path.iterdir():
        assert sorted(p.name for p in folder.iterdir()) == sorted(PSA_CSV + PSA_PNG)
    age = pd.read_csv(tmp_path / "sick_sicker_age" / "samples.csv", index_col="sample")
    assert "du_HS1" in age.columns and len(age) == 200


def test_dsa_writes_tornado_and_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["dsa", str(SICK_SICKER), "--out", str(tmp_path)], capsys)
    assert code == 0, err
    folder = tmp_path / "sick_sicker"
    assert sorted(p.name for p in folder.iterdir()) == sorted(DSA_FILES)
    assert_png(folder / "tornado.png")
    model = parity.load(SICK_SICKER)
    expected = dsa.tornado(model)
    pd.testing.assert_frame_equal(pd.read_csv(folder / "tornado.csv"), expected, check_exact=False, rtol=1e-12)
    thresholds = pd.read_csv(folder / "thresholds.csv")
    assert set(thresholds["parameter"]) == {"u_S1", "c_trtA"}
    for row in thresholds.itertuples():
        direct = dsa.thresholds(model, row.parameter)
        assert row.threshold == pytest.approx(direct["threshold"].item(), rel=1e-12)
    assert "incremental NMB of B vs AB at 100,000 per QALY" in out
    assert "thresholds within the one-way ranges" in out


def test_dsa_with_a_chosen_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        ["dsa", str(SICK_SICKER), "--out", str(tmp_path), "--measure", "icer", "--strategy", "B",
         "--comparator", "SoC", "--wtp", "100000"],
        capsys,
    )
    assert code == 0, err
    tornado = pd.read_csv(tmp_path / "sick_sicker" / "tornado.csv")
    expected = dsa.tornado(parity.load(SICK_SICKER), measure="icer", strategy="B", comparator="SoC", wtp=100_000)
    pd.testing.assert_frame_equal(tornado, expected, check_exact=False, rtol=1e-12)
    assert "ICER" in out or "icer" in out.lower()


def test_psa_without_distributions_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = no_distributions(tmp_path)
    code, out, err = run_cli(["psa", str(folder), "-n", "100", "--out", str(tmp_path / "out"), "--quiet"], capsys)
    assert code == 2
    assert err.startswith("parity: error:")
    assert "distribution" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out" / "fixed_model").exists()


def test_dsa_without_distributions_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = no_distributions(tmp_path)
    code, out, err = run_cli(["dsa", str(folder), "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    assert err.startswith("parity: error:")
    assert "range" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "at least one sample"),
        (["-n", "-3"], "at least one sample"),
        (["-n", "10", "--threads", "-1"], "threads"),
        (["-n", "10", "--seed", "-1"], "seed"),
        (["-n", "10", "--wtp-step", "0"], "step"),
        (["-n", "10", "--evppi-wtp", "-5"], "willingness-to-pay"),
    ],
)
def test_bad_psa_arguments_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["psa", str(SICK_SICKER), *args, "--out", str(tmp_path), "--quiet"], capsys)
    assert code == 2
    assert err.startswith("parity: error:")
    assert message in err
    assert "Traceback" not in err


def test_bad_dsa_strategy_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["dsa", str(SICK_SICKER), "--out", str(tmp_path), "--strategy", "C"], capsys)
    assert code == 2
    assert err.startswith("parity: error:")
    assert "C" in err


def test_help_names_every_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["psa", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in PSA_CSV:
        assert name in text
    with pytest.raises(SystemExit):
        main(["dsa", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in ["tornado.csv", "tornado.png", "thresholds.csv"]:
        assert name in text
