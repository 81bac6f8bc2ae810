// Times a probabilistic sensitivity analysis in C++ alone, sampling included, on 1 and 2 threads.
// Usage: parity_bench_psa <n_samples> <model folder> [<model folder> ...]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "parity/csv_io.hpp"
#include "parity/psa.hpp"

using namespace parity;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <n_samples> <model folder> [...]\n", argv[0]);
        return 2;
    }
    const auto n = std::strtoull(argv[1], nullptr, 10);
    for (int a = 2; a < argc; ++a) {
        const CompiledModel model(read_model_folder(argv[a]));
        double seconds[3] = {0, 0, 0};
        for (unsigned threads : {1u, 2u}) {
            PsaOptions o;
            o.n_samples = n;
            o.seed = 1;
            o.threads = threads;
            double best = 1e300;
            for (int rep = 0; rep < 3; ++rep) {
                const auto t0 = std::chrono::steady_clock::now();
                const auto out = run_psa(model, o);
                best = std::min(
                    best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            seconds[threads] = best;
        }
        std::printf(
            "%s: PSA of %llu samples: %.1f ms on 1 thread, %.1f ms on 2 threads "
            "(speed-up %.2fx)\n",
            argv[a], static_cast<unsigned long long>(n), seconds[1] * 1e3, seconds[2] * 1e3,
            seconds[1] / seconds[2]);
    }
    return 0;
}
