// Times one deterministic run of model folders in C++ alone (no Python): the model is compiled
// once and an Evaluator reused, as a PSA or a notebook re-run would.
// Usage: parity_bench <model folder> [<model folder> ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <vector>

#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"

using namespace parity;
using Clock = std::chrono::steady_clock;

namespace {

/// Median seconds per run over batches sized to last ~20 ms each.
template <typename F>
double median_seconds(F&& run) {
    run();
    int batch = 1;
    for (;;) {
        const auto t0 = Clock::now();
        for (int i = 0; i < batch; ++i) run();
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (s > 0.02 || batch > (1 << 20)) break;
        batch *= 2;
    }
    std::vector<double> times;
    for (int rep = 0; rep < 15; ++rep) {
        const auto t0 = Clock::now();
        for (int i = 0; i < batch; ++i) run();
        times.push_back(std::chrono::duration<double>(Clock::now() - t0).count() / batch);
    }
    std::nth_element(times.begin(), times.begin() + 7, times.end());
    return times[7];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <model folder> [...]\n", argv[0]);
        return 2;
    }
    for (int a = 1; a < argc; ++a) {
        const auto t0 = Clock::now();
        const CompiledModel model(read_model_folder(argv[a]));
        const double compile_s = std::chrono::duration<double>(Clock::now() - t0).count();
        Evaluator ev(model);
        Outcomes out;
        EvaluateOptions totals_only;
        totals_only.keep_trace = totals_only.keep_cycles = false;
        const double lean = median_seconds([&] { ev.run(nullptr, totals_only, out); });
        const double full = median_seconds([&] { ev.run(nullptr, EvaluateOptions{}, out); });
        const double fresh = median_seconds([&] { out = model.evaluate(totals_only); });
        // Samples side by side, as a PSA runs them (no sampling here: base-case values).
        const std::size_t B = ev.preferred_block_size();
        std::vector<double> overrides(B * model.parameter_names().size(),
                                      std::numeric_limits<double>::quiet_NaN());
        std::vector<double> totals(B * model.strategy_names().size() * ev.n_outcomes());
        const double block =
            median_seconds([&] { ev.run_block(overrides.data(), B, totals.data()); }) / B;
        std::printf(
            "%s: %zu states, %zu strategies, %d cycles | read+compile %.2f ms | run %.1f us "
            "(totals only), %.1f us (with trace and per-cycle rewards), %.1f us "
            "(CompiledModel::evaluate), %.2f us per sample in blocks of %zu\n",
            argv[a], model.state_names().size(), model.strategy_names().size(),
            model.spec().settings.n_cycles, compile_s * 1e3, lean * 1e6, full * 1e6, fresh * 1e6,
            block * 1e6, B);
    }
    return 0;
}
