"""``parity report``: one self-contained HTML file per model folder, with the sections each kind
of model calls for, every input escaped, clear errors that leave no file behind, and a page
that a headless Chromium renders with its tables and images."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import PARAMS, SICK_SICKER, broken_copy, edit_file, two_state_model

import parity
from parity.business_case import run_business_case
from parity.cli import main
from parity.report_html import money

#: Small PSAs keep the tests quick; the report's arithmetic does not depend on the sample size.
SAMPLES = 200
SEED = 7


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reports of a Markov model, a decision tree and a business-case model, written once."""
    out = tmp_path_factory.mktemp("reports")
    return {
        name: parity.report(PARAMS / name, out / f"{name}.html", samples=SAMPLES, seed=SEED, threads=1)
        for name in ("sick_sicker", "perinatal", "pcpm")
    }


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _section(page: str, anchor: str) -> str:
    """The HTML of one section of the report."""
    match = re.search(rf'<section id="{anchor}">(.*?)</section>', page, re.S)
    assert match, f"no section '{anchor}'"
    return match.group(1)


def _images(page: str) -> list[bytes]:
    """The decoded PNG images of the page."""
    return [base64.b64decode(data) for data in re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)]


def test_the_sick_sicker_report_has_every_section_with_the_model_numbers(reports: dict[str, Path]) -> None:
    page = _text(reports["sick_sicker"])
    assert page.startswith("<!DOCTYPE html>")
    for anchor in ("model", "inputs", "results", "payers", "psa", "dsa", "budget"):
        _section(page, anchor)
    assert 'id="tree"' not in page and 'id="replication"' not in page  # no tree, no targets.csv
    results = parity.load(SICK_SICKER).run()
    table = results.table()
    # The results table shows the model's own ICER and dominance, and NMB at NICE's thresholds.
    section = _section(page, "results")
    assert money(table.loc["B", "icer"], "USD") in section
    assert money(table.loc["AB", "icer"], "USD") in section
    assert "dominated by B" in section
    nmb = results.net_benefit([20_000, 30_000]).set_index(["wtp", "strategy"])["net_monetary_benefit"]
    assert "at $20,000 per QALY" in section and "at $30,000 per QALY" in section
    assert money(nmb[(20_000, "SoC")], "USD") in section
    assert money(nmb[(30_000, "AB")], "USD") in section
    # Inputs with their sources and distributions, settings with their reasons.
    inputs = _section(page, "inputs")
    assert "Alarid-Escudero et al., MDM 2023;43(1):3-20, Table 2" in inputs
    assert "gamma (shape=20; rate=10000)" in inputs
    assert inputs.count("<tr") == len(parity.load(SICK_SICKER).spec.parameters) + 1 + 3  # + headers, 2 categories
    assert "annual cycles from age 25 to age 100" in _section(page, "model")
    # CE plane, CEAC, EVPI and tornado as PNG images inline; the budget is said not to be there.
    images = _images(page)
    assert len(images) == 4 and all(i.startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert "not configured" in _section(page, "budget")
    assert f"{SAMPLES:,} samples" in _section(page, "psa")
    footer = page[page.index("<footer"):]
    assert f"parity {parity.__version__}" in footer and f"seed {SEED}" in footer
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", footer)


def test_the_report_needs_no_network(reports: dict[str, Path]) -> None:
    for path in reports.values():
        page = _text(path)
        assert not re.search(r'(src|href)="(https?:)?//', page)
        assert "<link" not in page and "@import" not in page and "url(" not in page


def test_a_decision_tree_report_shows_the_tree_and_the_published_figures(reports: dict[str, Path]) -> None:
    page = _text(reports["perinatal"])
    tree = _section(page, "tree")
    results = parity.load(PARAMS / "perinatal").run()
    for strategy in results.strategies:
        assert f"Decision tree: {strategy}" in tree
    assert tree.count("<tr") == len(results.tree()) + len(results.strategies)  # + one header each
    assert "Perinatal depression" in tree and "Child has conduct problems" in tree
    replication = _section(page, "replication")
    table = parity.replicate(PARAMS / "perinatal")
    assert replication.count("<tr") == len(table) + 1
    assert html.escape(table["figure"].iloc[0]) in replication
    # The tree's timed payoffs give a year-by-year budget for the folder's ICS (business_case.csv).
    budget = _section(page, "budget")
    case = run_business_case(PARAMS / "perinatal")
    assert "not configured" not in budget
    assert money(case.summary["total_gross_savings"], "GBP") in budget
    # The payers' savings: NHS mental health pays for the recommended standard of care.
    assert "Who saves: recommended_standard against current_provision" in _section(page, "payers")


def test_a_business_case_report_shows_the_budget_year_by_year(reports: dict[str, Path]) -> None:
    page = _text(reports["pcpm"])
    budget = _section(page, "budget")
    case = run_business_case(PARAMS / "pcpm")
    assert "NHS Nottingham and Nottinghamshire Integrated Care Board" in budget
    for year, row in case.yearly.iterrows():
        assert f'<td class="num">{year}</td>' in budget
        assert money(row["investment"], "GBP") in budget
        assert money(row["gross_savings"], "GBP") in budget
    assert money(case.summary["npv"], "GBP") in budget
    # One team of 126 a year staffs Nottingham's 116 referrals in every year.
    assert "whole teams of 126 people a year (team_capacity): 1, 1, 1, 1, 1 in post" in budget
    assert len(_images(budget)) == 2  # who pays and who saves, cumulative net savings
    assert "The model counts no QALYs" in _section(page, "psa")
    assert _section(page, "replication")


def test_the_cli_sizes_the_business_case_for_a_population(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pcpm.html"
    code = main(["report", str(PARAMS / "pcpm"), "--out", str(out), "--samples", "20", "--population", "500000"])
    assert code == 0, capsys.readouterr().err
    page = _text(out)
    case = run_business_case(PARAMS / "pcpm", population=500_000)
    budget = _section(page, "budget")
    assert "population 500,000 (from --population)" in budget
    assert money(case.summary["total_gross_savings"], "GBP") in budget
    assert "--population 500000" in page[page.index("<footer"):]


def test_every_input_is_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> & "quoted"'
    folder = broken_copy(SICK_SICKER, tmp_path / "hostile", "settings.csv",
                         "Time-independent Sick-Sicker", hostile.replace('"', '""'))
    edit_file(folder / "parameters.csv", "derived as in the tutorial code", "<img src=x onerror=alert(1)>")
    edit_file(folder / "strategies.csv", "Standard of care", "Care <b>as usual</b>")
    page = _text(parity.report(folder, tmp_path / "report.html", samples=20))
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>as usual" not in page
    assert html.escape(hostile) in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Care &lt;b&gt;as usual&lt;/b&gt;" in page
    assert page.count("<script") == 1  # the report's own status script only


def test_a_model_built_in_python_says_what_it_cannot_show(tmp_path: Path) -> None:
    page = _text(parity.report(two_state_model(), tmp_path / "r.html", samples=10))
    assert "No probabilistic sensitivity analysis: no parameter of model &#x27;two_state&#x27;" in page
    assert "No one-way sensitivity analysis" in page
    assert "built in Python" in _section(page, "budget")
    assert "parity.report(model, path, samples=10, seed=1)" in page
    assert "<img" not in page


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_an_unknown_folder_is_a_clear_error_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    code = main(["report", str(PARAMS / "no_such_model"), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "parity: error:" in err and "no_such_model: no such folder" in err
    assert _only(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "0"], "--samples 0: a PSA needs at least 1 sample"),
        (["--seed", "-1"], "--seed -1"),
        (["--threads", "-2"], "--threads -2"),
        (["--population", "-5"], "--population -5"),
        (["--ics", "Atlantis"], "--ics: unknown Integrated Care System 'Atlantis'"),
    ],
)
def test_bad_options_are_clear_errors_and_keep_the_old_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "report.html"
    out.write_text("the previous report", encoding="utf-8")
    code = main(["report", str(PARAMS / "pcpm"), "--out", str(out), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert _text(out) == "the previous report"
    assert _only(tmp_path) == ["report.html"]


def test_a_population_for_a_model_without_a_business_case_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(parity.InputError, match="no business_case.csv"):
        parity.report(SICK_SICKER, tmp_path / "r.html", population=1000)
    assert _only(tmp_path) == []


def test_a_failed_write_leaves_no_half_written_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "r.html"
    out.write_text("the previous report", encoding="utf-8")
    write_text = Path.write_text

    def full_disk(self: Path, text: str, *args: object, **kwargs: object) -> int:
        write_text(self, text[:100], *args, **kwargs)  # type: ignore[arg-type]
        raise OSError("No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)
    with pytest.raises(OSError, match="No space left"):
        parity.report(SICK_SICKER, out, samples=10)
    monkeypatch.undo()
    assert _text(out) == "the previous report"
    assert _only(tmp_path) == ["r.html"]


def test_help_describes_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["report", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--out", "--samples", "--seed", "--threads", "--ics", "--population"):
        assert option in text
    for what in ("CE plane", "tornado", "EVPI", "business_case.csv", "targets.csv", "self-contained"):
        assert what in text


# ---- headless Chromium ----------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
               "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "HOME": str(tmp_path)})


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/install.sh installs "
                    "the Debian package chromium; apt-get install chromium)")
@pytest.mark.parametrize("name", ["sick_sicker", "perinatal", "pcpm"])
def test_chromium_renders_the_report_with_its_tables_and_images(
    reports: dict[str, Path], tmp_path: Path, name: str
) -> None:
    import numpy as np
    from PIL import Image

    page = reports[name]
    url = page.resolve().as_uri()
    shot = tmp_path / "shot.png"
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", url)
    assert shot.exists(), done.stderr[-2000:]
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("L")
    assert image.size == (1280, 2400)
    pixels = np.asarray(image)
    dark = float((pixels < 128).mean())
    assert 0.005 < dark < 0.6, f"the screenshot looks blank or broken ({dark:.1%} dark pixels)"
    assert len(np.unique(pixels)) > 20  # text, tables and the header, not one flat colour

    dom = _chromium(tmp_path, "--dump-dom", "--virtual-time-budget=10000", url)
    status = re.search(r'<div id="report-status"([^>]*)>([^<]*)</div>', dom.stdout)
    assert status, dom.stderr[-2000:]
    attributes = dict(re.findall(r'data-([a-z-]+)="(\d+)"', status.group(1)))
    text = _text(page)
    assert status.group(2) == "loaded"
    assert attributes["errors"] == "0"
    assert int(attributes["tables"]) == text.count("<table") > 5
    assert int(attributes["images"]) == text.count("<img") >= 4
    assert attributes["images-loaded"] == attributes["images"]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == [], console
