"""The C++ sources follow .clang-format (the brief: C++ is clang-formatted)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ["core", "include/parity", "bindings", "tests/cpp", "benchmarks"]


def _clang_format() -> str | None:
    beside_python = Path(sys.executable).with_name("clang-format")
    return str(beside_python) if beside_python.exists() else shutil.which("clang-format")


def test_cpp_sources_are_clang_formatted() -> None:
    tool = _clang_format()
    if tool is None:
        pytest.skip("clang-format is not installed (pip install '.[test]' installs it)")
    files = sorted(
        str(p) for folder in FOLDERS for p in (ROOT / folder).glob("*") if p.suffix in (".cpp", ".hpp")
    )
    assert files
    check = subprocess.run(
        [tool, f"--style=file:{ROOT / '.clang-format'}", "--dry-run", "--Werror", *files],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, (
        "run `clang-format -i` on these files:\n" + check.stderr[:3000]
    )
