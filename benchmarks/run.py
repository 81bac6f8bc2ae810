"""Speed of parity, printed as figures (never asserted in tests).

Usage: .venv/bin/python benchmarks/run.py [--quick]

Times, on this machine:
- deterministic runs: Sick-Sicker (4 strategies, 75 cycles) and its age-dependent version, in
  C++ alone (benchmarks/bench_cohort.cpp, built here with CMake) and called from Python; model B
  with 10, 30 and 100 states (../shared/benchmarks/model_b/);
- probabilistic sensitivity analyses, sampling included: Sick-Sicker and age-dependent
  Sick-Sicker with 10,000 samples on 1 and 2 threads, model B with 100 states and Dirichlet rows
  (10,000 samples), a 2-state 100-cycle model with 100,000 samples on one thread, and a plain
  vectorised NumPy Sick-Sicker PSA run beside parity's.
Run it on an otherwise idle machine: other processes on the 2 cores distort every figure.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import parity

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import model_b  # noqa: E402
import numpy_sick_sicker as numpy_psa  # noqa: E402


def median_seconds(fn, min_time: float = 0.2) -> float:
    fn()
    n, elapsed = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - t0
        if elapsed > 0.02:
            break
        n *= 2
    reps = max(5, int(min_time / elapsed))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t0) / n)
    return float(np.median(times))


def build_cpp_bench() -> Path:
    build = ROOT / "build" / "bench"
    subprocess.run(
        ["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
         "-DPARITY_BUILD_TESTS=OFF", "-DPARITY_BUILD_PYTHON=OFF"],
        check=True, stdout=subprocess.DEVNULL,
    )
    subprocess.run(["cmake", "--build", str(build), "--target", "parity_bench"], check=True,
                   stdout=subprocess.DEVNULL)
    return build / "parity_bench"


def numpy_sick_sicker() -> tuple[float, float]:
    """The Sick-Sicker SoC and B strategies written directly in NumPy (corrected weights)."""
    n = 75
    p = lambda r: 1 - np.exp(-r)  # noqa: E731
    p_HD, p_HS1, p_S1H, p_S1S2 = p(0.002), p(0.15), p(0.5), p(0.105)
    p_S1D, p_S2D, p_S1S2_B = p(0.006), p(0.02), p(0.105 * 0.6)
    disc = 1 / 1.03 ** np.arange(n + 1)
    w = np.ones(n + 1)
    w[1:n - 3:2], w[2:n - 3:2] = 4, 2
    w[0] = 1
    w = w / 3
    w[n - 3:] += np.array([3, 9, 9, 3]) / 8 - np.array([w[n - 3], 0, 0, 0])
    out = []
    for s12, c_trt in ((p_S1S2, 0.0), (p_S1S2_B, 13000.0)):
        P = np.array([
            [(1 - p_HD) * (1 - p_HS1), (1 - p_HD) * p_HS1, 0, p_HD],
            [(1 - p_S1D) * p_S1H, (1 - p_S1D) * (1 - p_S1H - s12), (1 - p_S1D) * s12, p_S1D],
            [0, 0, 1 - p_S2D, p_S2D],
            [0, 0, 0, 1],
        ])
        trace = np.empty((n + 1, 4))
        trace[0] = [1, 0, 0, 0]
        for t in range(n):
            trace[t + 1] = trace[t] @ P
        cost = trace @ np.array([2000, 4000 + c_trt, 15000 + c_trt, 0])
        out.append(float(np.sum(cost * disc * w)))
    return out[0], out[1]


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def two_state_model() -> parity.Model:
    """2 states, 2 strategies, 100 annual cycles, four uncertain parameters."""
    m = parity.Model("two_state", n_cycles=100, correction="half_cycle")
    m.states("Alive", parity.Model.dead("Dead"))
    m.strategies("Usual care", "New")
    m.parameter("p_die", 0.05, distribution="beta", distribution_parameters="alpha=50; beta=950")
    m.parameter("hr_new", 0.8, distribution="lognormal", distribution_parameters="meanlog=-0.2231; sdlog=0.1")
    m.parameter("c_new", 1000, distribution="gamma", distribution_parameters="shape=100; scale=10")
    m.parameter("u_alive", 0.8, distribution="beta", distribution_parameters="alpha=80; beta=20")
    m.transition("Alive", "Dead", "p_die")
    m.transition("Alive", "Dead", "apply_hr(p_die, hr_new)", strategy="New")
    m.transition("Alive", "Alive", "C")
    m.transition("Dead", "Dead", 1)
    m.reward("Alive", utility="u_alive")
    m.reward("Alive", treatment="c_new", strategy="New")
    m.initial(Alive=1)
    return m


def psa_benchmarks(quick: bool) -> None:
    n = 2_000 if quick else 10_000
    print(f"\nPSA, sampling included (best of 3), {n:,} samples:")
    for name in ("sick_sicker", "sick_sicker_age"):
        compiled = parity.load(ROOT / "params" / name).compile()
        one = best_of(lambda: parity._core.run_psa(compiled, n, 1, 0, 1))
        two = best_of(lambda: parity._core.run_psa(compiled, n, 1, 0, 2))
        print(f"  {name}: {one * 1e3:.1f} ms on 1 thread, {two * 1e3:.1f} ms on 2 threads "
              f"(2 threads {one / two:.2f}x faster)")
    sick_sicker = parity.load(ROOT / "params" / "sick_sicker")
    full = best_of(lambda: sick_sicker.psa(n, 1))
    print(f"  sick_sicker through Model.psa() with its DataFrames: {full * 1e3:.1f} ms")
    t_numpy = best_of(lambda: numpy_psa.psa(n, 1))
    compiled = sick_sicker.compile()
    t_parity = best_of(lambda: parity._core.run_psa(compiled, n, 1, 0, 2))
    print(f"  plain vectorised NumPy Sick-Sicker PSA: {t_numpy * 1e3:.1f} ms; parity "
          f"{t_parity * 1e3:.1f} ms: {t_numpy / t_parity:.1f}x faster")

    mb = model_b.build(100, uncertain=True).compile()
    samples_b = 1_000 if quick else 10_000
    # Best of 3 like the other lines, with the slowest run beside it: model B sits near its 3 s
    # target, and the spread says how much of a difference is noise.
    runs = [best_of(lambda: parity._core.run_psa(mb, samples_b, 1, 0, 2, None, False), 1) for _ in range(3)]
    print(f"  model B, 100 states with Dirichlet rows, {samples_b:,} samples, 2 threads, parameter "
          f"samples not kept: {min(runs):.2f} s (slowest of 3 runs {max(runs):.2f} s)")
    two_state = two_state_model().compile()
    samples_2 = 20_000 if quick else 100_000
    t = best_of(lambda: parity._core.run_psa(two_state, samples_2, 1, 0, 1))
    print(f"  2-state, 100-cycle, 2-strategy model, {samples_2:,} samples, 1 thread: {t * 1e3:.1f} ms")


def main() -> None:
    print(f"parity {parity.__version__}, Python {sys.version.split()[0]}, NumPy {np.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        folders = [ROOT / "params" / "sick_sicker", ROOT / "params" / "sick_sicker_age"]
        for s in (10, 30, 100):
            target = Path(tmp) / f"model_b_S{s}"
            model_b.build(s).to_folder(target)
            folders.append(target)

        print("\nC++ alone (model compiled once, evaluator reused):")
        bench = build_cpp_bench()
        out = subprocess.run([str(bench), *map(str, folders)], check=True, capture_output=True,
                             text=True).stdout
        for line in out.strip().splitlines():
            print("  " + line.replace(str(ROOT) + "/", "").replace(tmp + "/", ""))

        print("\nCalled from Python (model.run(), compiled once):")
        for folder in folders:
            model = parity.load(folder)
            model.compile()
            lean = median_seconds(lambda: model.run(keep_trace=False, keep_cycles=False))
            full = median_seconds(lambda: model.run())
            print(f"  {folder.name}: {lean * 1e3:.3f} ms (totals only), {full * 1e3:.3f} ms "
                  "(with trace and per-cycle rewards)")

    t_numpy = median_seconds(numpy_sick_sicker)
    ss = parity.load(ROOT / "params" / "sick_sicker")
    ss.compile()
    t_parity = median_seconds(lambda: ss.run(keep_trace=False, keep_cycles=False))
    print(f"\nSick-Sicker, 2 strategies in plain NumPy: {t_numpy * 1e3:.3f} ms; parity runs all 4 "
          f"strategies from Python in {t_parity * 1e3:.3f} ms ({t_numpy / t_parity:.1f}x the NumPy "
          "speed for twice the strategies)")


if __name__ == "__main__":
    main()
    psa_benchmarks("--quick" in sys.argv)
