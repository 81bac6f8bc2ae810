#include "parity/psa.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "parity/distributions.hpp"
#include "parity/errors.hpp"
#include "parity/sampling.hpp"
#include "parity/text.hpp"

namespace parity {

std::shared_ptr<const ParameterSampler> make_sampler(const CompiledModel& model,
                                                     std::uint64_t seed) {
    const auto& params = model.spec().parameters;
    const auto base = model.parameter_values(0);
    std::vector<std::pair<std::string, Distribution>> dists;
    dists.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const auto& p = params[i];
        const std::string type = to_lower(trim(p.distribution));
        Distribution d;  // fixed: not sampled
        if (!type.empty() && type != "fixed") {
            if (model.parameter_varies_with_time(i))
                throw ModelError(format_error(
                    p.where, "parameter '" + p.name + "' varies with time and has a distribution",
                    "Give the distribution to the inputs it is computed from instead"));
            d = parse_distribution(p.distribution, p.distribution_parameters, base.at(p.name),
                                   p.name, p.where);
        }
        dists.emplace_back(p.name, d);
    }
    std::vector<std::tuple<std::string, std::string, double>> covariance;
    for (const auto& c : model.spec().covariance)
        covariance.emplace_back(c.parameter_1, c.parameter_2, c.value);
    return std::make_shared<const ParameterSampler>(std::move(dists), std::move(covariance), seed);
}

namespace {

/// (position, length) of each run of consecutive indices in `indices`: the sampled parameters of
/// a large model (a Dirichlet row, say) sit side by side and are copied a run at a time.
std::vector<std::pair<std::size_t, std::size_t>> consecutive_runs(
    const std::vector<std::size_t>& indices) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t k = 0; k < indices.size(); ++k)
        if (k > 0 && indices[k] == indices[k - 1] + 1)
            ++runs.back().second;
        else
            runs.emplace_back(k, 1);
    return runs;
}

/// Shared state of the workers of one run.
struct Run {
    Run(const CompiledModel& m, const ParameterSampler& s, const PsaOptions& o, PsaOutcomes& r,
        std::size_t samples_per_block, std::size_t blocks_per_chunk)
        : model(m),
          sampler(s),
          options(o),
          out(r),
          block(samples_per_block),
          chunk(samples_per_block * blocks_per_chunk) {}

    const CompiledModel& model;
    const ParameterSampler& sampler;
    const PsaOptions& options;
    PsaOutcomes& out;
    std::size_t block;  // samples the evaluator runs side by side
    std::size_t chunk;  // samples a worker takes at a time
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> done{0};
    std::atomic<bool> stop{false};
    std::mutex error_mutex;
    std::exception_ptr error;
    // Wakes the calling thread as soon as the last worker is done, not at its next report.
    std::mutex wake_mutex;
    std::condition_variable wake;
    unsigned running = 0;

    void worker_finished() {
        std::lock_guard<std::mutex> lock(wake_mutex);
        --running;
        wake.notify_all();
    }

    void fail(std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = e;
        stop = true;
    }

    void work() {
        try {
            model.with_evaluator([this](Evaluator& ev) { work_with(ev); });
        } catch (...) {
            fail(std::current_exception());
        }
        worker_finished();
    }

    /// Take chunks of samples until none is left or the run stops.
    void work_with(Evaluator& ev) {
        const std::size_t np = sampler.n_parameters();
        const std::size_t ns = out.strategies.size();
        const std::size_t no = out.outcomes.size();
        const auto& sampled = sampler.sampled();
        const auto runs = consecutive_runs(sampled);
        std::vector<double> values(chunk * np);
        const auto observer = options.make_observer ? options.make_observer() : nullptr;
        std::vector<double> cycle_costs;
        if (observer)
            cycle_costs.resize(block * ns *
                               (static_cast<std::size_t>(model.spec().settings.n_cycles) + 1) *
                               model.cost_categories().size());
        while (!stop) {
            const std::uint64_t start = next.fetch_add(chunk);
            if (start >= options.n_samples) break;
            const std::size_t count =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk, options.n_samples - start));
            const std::uint64_t first = options.first_sample + start;
            sampler.sample(first, count, values.data());
            for (std::size_t b = 0; b < count; b += block) {
                const std::size_t size = std::min(block, count - b);
                ev.run_block(&values[b * np], size, &out.values[(start + b) * ns * no], first + b,
                             observer ? cycle_costs.data() : nullptr);
                if (observer)
                    observer->observe(start + b, size, &values[b * np], cycle_costs.data());
            }
            if (options.keep_parameters)
                for (std::size_t b = 0; b < count; ++b) {
                    const double* from = &values[b * np];
                    double* to = &out.parameter_values[(start + b) * sampled.size()];
                    for (const auto& [first_sampled, length] : runs)
                        std::copy(from + sampled[first_sampled],
                                  from + sampled[first_sampled] + length, to + first_sampled);
                }
            done += count;
        }
    }
};

}  // namespace

PsaOutcomes run_psa(const CompiledModel& model, const PsaOptions& options) {
    if (options.n_samples < 1)
        throw ModelError("a PSA needs at least one sample (n_samples was 0)");
    const auto sampler = make_sampler(model, options.seed);
    if (sampler->sampled().empty())
        throw ModelError("no parameter of model '" + model.spec().name +
                         "' has a distribution, so a PSA would repeat the base case. Fill the "
                         "distribution and distribution_parameters columns of parameters.csv");

    PsaOutcomes out;
    out.strategies = model.strategy_names();
    out.outcomes = model.cost_categories();
    out.outcomes.push_back("qalys");
    out.outcomes.push_back("life_years");
    for (std::size_t k : sampler->sampled()) out.parameters.push_back(model.parameter_names()[k]);
    out.seed = options.seed;
    out.first_sample = options.first_sample;
    out.n_samples = options.n_samples;
    if (options.keep_parameters)
        out.parameter_values.assign(options.n_samples * out.parameters.size(), 0.0);
    out.values.assign(options.n_samples * out.strategies.size() * out.outcomes.size(), 0.0);

    std::size_t block = 1;
    model.with_evaluator([&block](Evaluator& ev) { block = ev.preferred_block_size(); });
    Run run(model, *sampler, options, out, block, 4);
    unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
    threads = std::max(
        1u, std::min<unsigned>(
                threads, static_cast<unsigned>((options.n_samples + run.chunk - 1) / run.chunk)));
    std::vector<std::thread> workers;
    run.running = threads;
    for (unsigned i = 0; i < threads; ++i) workers.emplace_back([&run] { run.work(); });

    // The calling thread reports progress and relays a request to stop.
    for (;;) {
        const bool finished = run.done >= options.n_samples || run.stop;
        if (options.progress && !run.error) {
            bool keep_going = true;
            try {
                keep_going = options.progress(run.done, options.n_samples);
            } catch (...) {
                run.fail(std::current_exception());
            }
            if (!keep_going) run.stop = true;
        }
        if (finished || run.stop) break;
        std::unique_lock<std::mutex> lock(run.wake_mutex);
        run.wake.wait_for(lock, std::chrono::milliseconds(50), [&run] { return run.running == 0; });
    }
    for (auto& w : workers) w.join();
    if (run.error) std::rethrow_exception(run.error);
    if (run.done < options.n_samples) out.complete = false;
    return out;
}

}  // namespace parity
