"""The ``parity`` command: run model folders without writing code.

``parity run params/sick_sicker`` prints the results table and writes CSV files to
``parity-results/sick_sicker/``; ``parity check params/sick_sicker`` reads, compiles and runs a
folder and reports the first problem. Exit codes: 0 when every model ran, 2 when a model folder
has a problem (the message, starting ``parity: error:``, names the file and line), 1 when an
output file cannot be written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from . import _core
from .cli_business_case import add_command as add_business_case_command
from .cli_report import add_command as add_report_command
from .cli_uncertainty import add_commands as add_uncertainty_commands
from .model import Model
from .replicate import failures, render_markdown, render_text, replicate, target_folders
from .results import Results

#: The CSV files ``parity run`` writes for each model, and what each holds.
OUTPUT_FILES = {
    "summary.csv": "cost, QALYs and life-years per strategy, discounted and undiscounted",
    "costs.csv": "costs by strategy and category",
    "icers.csv": "the fully incremental analysis (dominance, ICERs)",
    "net_benefit.csv": "net monetary and health benefit at each willingness to pay",
    "trace.csv": "the cohort trace",
    "cycles.csv": "the rewards at every cycle point, with weights and discount factors",
    "savings.csv": "who pays and who saves: each strategy against the first, by cost category "
    "and payer, with the cash-releasing flag",
}

#: The extra file ``parity run`` writes for a decision tree.
TREE_OUTPUT_FILE = {
    "tree.csv": "the decision tree of each strategy: branch and reach probabilities and the "
    "expected payoff of each node (decision trees only)",
}

RUN_EPILOG = (
    "Output: for each model folder, the files "
    + ", ".join(OUTPUT_FILES)
    + " (and "
    + ", ".join(TREE_OUTPUT_FILE)
    + " for a decision tree) go to OUT/<name of the model folder>/ (default parity-results/<name>/), whether one "
    "folder or several are run, so runs of different models never overwrite each other. "
    "Files already there with the same names are replaced."
)


def _model_folders(paths: Sequence[str]) -> list[Path]:
    """Expand each path: a model folder, or a folder of model folders (such as params/).

    Raises
    ------
    parity.InputError
        For a path that is not a folder, a folder with no model folders in it, or two model
        folders with the same name (their outputs would collide).
    """
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            raise _core.InputError(
                f"{raw}: no such folder. Give a model folder (one with settings.csv) such as "
                "params/sick_sicker, or a folder of model folders such as params/"
            )
        if (path / "settings.csv").exists():
            folders.append(path)
            continue
        children = sorted(p for p in path.iterdir() if (p / "settings.csv").exists())
        if not children:
            raise _core.InputError(
                f"{raw}: not a model folder (no settings.csv) and holds no model folders. "
                "Give a folder with settings.csv, or a folder of such folders"
            )
        folders.extend(children)
    seen: dict[str, Path] = {}
    for folder in folders:
        name = _output_name(folder)
        if name in seen and seen[name].resolve() != folder.resolve():
            raise _core.InputError(
                f"{seen[name]} and {folder}: two model folders named '{name}'; their results "
                "would go to the same output folder. Run them separately with different --out"
            )
        seen[name] = folder
    return list(dict.fromkeys(folders))


def _output_name(folder: Path) -> str:
    """The name of a model folder's output subfolder: the folder's own name."""
    return folder.resolve().name


def output_folder(out: str | os.PathLike[str], model_folder: str | os.PathLike[str]) -> Path:
    """Where ``parity run --out OUT MODEL_FOLDER`` writes its CSV files: ``OUT/<folder name>``."""
    return Path(out) / _output_name(Path(model_folder))


def write_tables(results: Results, out: Path, wtp: Sequence[float] | None = None) -> list[Path]:
    """Write the results of one model as the CSV files of :data:`OUTPUT_FILES` (and
    :data:`TREE_OUTPUT_FILE` for a decision tree).

    Parameters
    ----------
    results
        The results to write.
    out
        The folder (created if needed).
    wtp
        Willingness-to-pay values for net_benefit.csv (default: the model's ``wtp`` setting).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "summary.csv": results.summary.reset_index(),
        "costs.csv": results.costs,
        "icers.csv": results.icers(),
        "net_benefit.csv": results.net_benefit(wtp),
        "trace.csv": results.trace,
        "cycles.csv": results.cycles,
        "savings.csv": results.savings(),
    }
    if results.has_tree:
        tables["tree.csv"] = results.tree()
    written = []
    for name, frame in tables.items():
        target = out / name
        frame.to_csv(target, index=False)
        written.append(target)
    return written


def _each_folder(args: argparse.Namespace, action: Callable[[Path], None]) -> int:
    """Apply ``action`` to every model folder; report a failing folder and go on to the next.

    Returns 0 if every folder succeeded, 2 otherwise.
    """
    failed = 0
    for folder in _model_folders(args.models):
        try:
            action(folder)
        except _core.ParityError as err:
            print(f"parity: error: {err}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0


def _run(args: argparse.Namespace) -> int:
    wtp = args.wtp or None

    def run_one(folder: Path) -> None:
        results = Model.from_folder(folder).run()
        print(repr(results))
        nb = results.net_benefit(wtp)
        optimal = nb[nb["optimal"]][["wtp", "strategy"]]
        for _, row in optimal.iterrows():
            print(f"  optimal at {results.currency} {row['wtp']:,.0f} per QALY: {row['strategy']}")
        _print_savings(results)
        if not args.no_write:
            out = output_folder(args.out, folder)
            written = write_tables(results, out, wtp)
            print(f"  wrote {len(written)} CSV files to {out}{os.sep}")
        print()

    return _each_folder(args, run_one)


def _print_savings(results: Results) -> None:
    """One line per strategy: what it saves against the first strategy, by payer."""
    savings = results.savings()
    if savings.empty:
        return
    comparator = results.strategies[0]
    for strategy, rows in savings.groupby("strategy", sort=False):
        by_payer = rows.groupby("payer", sort=False)["saving"].sum()
        parts = ", ".join(f"{payer} {value:,.0f}" for payer, value in by_payer.items() if value != 0)
        print(
            f"  {strategy} vs {comparator}: saves {results.currency} {rows['saving'].sum():,.0f} "
            f"(discounted; by payer: {parts or 'none'})"
        )


def _analyse_each_folder(args: argparse.Namespace, analysis: Callable[..., list[Path]]) -> int:
    """Run an analysis writing files into OUT/<model folder name>/ for every model folder."""

    def one(folder: Path) -> None:
        written = analysis(args, folder, output_folder(args.out, folder))
        print(f"  wrote {len(written)} files to {written[0].parent}{os.sep}\n")

    return _each_folder(args, one)


def _check(args: argparse.Namespace) -> int:
    def check_one(folder: Path) -> None:
        model = Model.from_folder(folder)
        compiled = model.compile()
        model.run(keep_trace=False, keep_cycles=False)
        print(
            f"{folder}: OK ({len(compiled.state_names)} states, {len(compiled.strategy_names)} "
            f"strategies, {len(compiled.parameter_names)} parameters)"
        )

    return _each_folder(args, check_one)


def _replicate(args: argparse.Namespace) -> int:
    paths = args.folders or [args.params]
    folders = target_folders(paths)
    tables = []
    failed = 0
    for folder in folders:
        try:
            tables.append(replicate(folder))
        except _core.ParityError as err:
            print(f"parity: error: {err}", file=sys.stderr)
            failed += 1
    table = pd.concat(tables, ignore_index=True) if tables else replicate([])
    if tables:
        print(render_text(table), end="")
    if args.csv:
        table.to_csv(args.csv, index=False)
    if args.markdown:
        page = Path(args.markdown)
        links = {
            folder.resolve().name: Path(
                os.path.relpath(folder.resolve().parent.parent / "docs" / "models",
                                page.resolve().parent)
            ).joinpath(f"{folder.resolve().name}.md").as_posix()
            for folder in folders
        }
        command = " ".join(["parity replicate", *map(str, args.folders or []),
                            *([] if args.folders or args.params == "params" else ["--params", args.params]),
                            "--markdown", str(args.markdown)])
        page.write_text(render_markdown(table, command, links), encoding="utf-8")
    if failed:
        return 2
    return 1 if len(failures(table)) else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``parity`` command."""
    parser = argparse.ArgumentParser(
        prog="parity",
        description="Cohort state-transition and cost-effectiveness models for mental health.",
        epilog="Exit status: 0 success; 2 a model folder has a problem (the message names the "
        "file and line); 1 an output file cannot be written, or (parity replicate) a figure "
        "expected reproduced or calibrated is outside its tolerance.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run",
        help="run model folders, print results and write CSV files",
        description="Run model folders: print each results table and the optimal strategy at "
        "each willingness to pay, and write the results as CSV files.",
        epilog=RUN_EPILOG,
    )
    run.add_argument("models", nargs="+", help="model folders, or a folder of them (params/)")
    run.add_argument(
        "--out",
        default="parity-results",
        metavar="OUT",
        help="output folder; each model's files go to OUT/<model folder name>/ "
        "(default: parity-results)",
    )
    run.add_argument(
        "--wtp",
        type=float,
        nargs="+",
        help="willingness-to-pay values per QALY for the optimal strategy and net_benefit.csv "
        "(default: the model's wtp setting)",
    )
    run.add_argument("--no-write", action="store_true", help="print only; write no files")
    run.set_defaults(func=_run)

    check = sub.add_parser(
        "check",
        help="read and compile model folders, report problems",
        description="Read, compile and run each model folder; print OK or the first problem "
        "with its file and line.",
    )
    check.add_argument("models", nargs="+", help="model folders, or a folder of them (params/)")
    check.set_defaults(func=_check)

    replicate_cmd = sub.add_parser(
        "replicate",
        help="compare the published figures models target (targets.csv) with the models",
        description="For each model folder with targets.csv, run the base case and the "
        "scenarios its figures need, evaluate each figure's measure and print published "
        "beside model values with a status: reproduced, calibrated, not reproduced, or NOT "
        "REPRODUCED (outside tolerance) for a figure expected reproduced or calibrated that "
        "the model misses.",
        epilog="Exit status: 0 every figure expected reproduced or calibrated is; 1 one is "
        "outside its tolerance (or an output file cannot be written); 2 a targets.csv or "
        "model folder has a problem.",
    )
    replicate_cmd.add_argument(
        "folders", nargs="*",
        help="model folders with targets.csv, or folders of them (default: every folder "
        "under --params that has targets.csv)",
    )
    replicate_cmd.add_argument(
        "--params", default="params", metavar="DIR",
        help="where to look for model folders when none is given (default: params)",
    )
    replicate_cmd.add_argument("--csv", metavar="FILE", help="write the table as CSV")
    replicate_cmd.add_argument(
        "--markdown", metavar="FILE",
        help="write the replication page (e.g. docs/replication.md): generated, dated nowhere, "
        "so it only changes when a figure does",
    )
    replicate_cmd.set_defaults(func=_replicate)

    add_uncertainty_commands(sub, _analyse_each_folder)
    add_business_case_command(sub)
    add_report_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``parity`` command with ``argv`` (default: the process's arguments).

    Returns
    -------
    int
        The exit status: 0 success, 2 a problem in a model folder, 1 a file that cannot be
        written. Bad command-line arguments exit through argparse with status 2.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except _core.ParityError as err:
        print(f"parity: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into a command that stopped reading (`parity run ... | head`): stop
        # quietly, as other command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as err:
        print(f"parity: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
