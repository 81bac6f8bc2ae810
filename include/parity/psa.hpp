// Probabilistic sensitivity analysis: sample every uncertain parameter, run the model for each
// sample, keep costs by category, QALYs and life-years per sample and strategy. Samples are
// spread over threads; the numbers drawn depend only on (seed, sample, parameter), so the result
// is identical on one thread, on many, or split into chunks over machines.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "parity/cohort.hpp"

namespace parity {

class ParameterSampler;

/// Further work on each block of samples, done on the worker thread that ran it (e.g. a budget
/// impact per sample, core/budget_psa.cpp). Each worker owns one, made by
/// PsaOptions::make_observer, so it may keep a workspace; it writes only its own samples'
/// results, so the run stays identical on any number of threads.
class SampleObserver {
public:
    virtual ~SampleObserver() = default;
    /// Samples [index, index + count) of the run (index 0 is options.first_sample).
    /// `parameters` holds count x n_parameters values (every model parameter, NaN where the
    /// model's expression applies); `cycle_costs` the costs counted at each cycle point, laid
    /// out as Evaluator::run_block writes them.
    virtual void observe(std::uint64_t index, std::size_t count, const double* parameters,
                         const double* cycle_costs) = 0;
};

struct PsaOptions {
    std::uint64_t n_samples = 1000;
    std::uint64_t seed = 1;
    /// Index of the first sample: a chunk [first_sample, first_sample + n_samples) of a larger
    /// PSA gives exactly those samples of the whole.
    std::uint64_t first_sample = 0;
    /// Worker threads; 0 uses every core.
    unsigned threads = 0;
    /// Keep the sampled value of every varying parameter (needed for EVPPI). A model whose
    /// transition rows are Dirichlet cells can vary thousands of parameters: set false to keep
    /// only the outcomes, so memory grows with samples x strategies x outcomes alone.
    bool keep_parameters = true;
    /// Called on the calling thread about every 50 ms, and once at the end, with the samples
    /// done so far; returning false stops the run (the result is then marked incomplete).
    std::function<bool(std::uint64_t done, std::uint64_t total)> progress;
    /// When set, each worker makes an observer and the per-cycle costs of every sample are
    /// kept for the block it is in and handed to it.
    std::function<std::unique_ptr<SampleObserver>()> make_observer;
};

struct PsaOutcomes {
    std::vector<std::string> strategies;
    /// The cost categories (discounted), then "qalys" and "life_years" (discounted).
    std::vector<std::string> outcomes;
    /// The parameters that vary, in model order.
    std::vector<std::string> parameters;
    std::uint64_t seed = 0;
    std::uint64_t first_sample = 0;
    std::uint64_t n_samples = 0;
    /// n_samples x parameters: the values each sample used (empty unless keep_parameters).
    std::vector<double> parameter_values;
    /// n_samples x strategies x outcomes.
    std::vector<double> values;
    /// False when the run was stopped before every sample was done.
    bool complete = true;
};

/// The sampler of a model's parameter distributions (the distribution columns of
/// parameters.csv and covariance.csv). Throws ModelError for a distribution on a parameter that
/// varies with time, and for any malformed distribution.
std::shared_ptr<const ParameterSampler> make_sampler(const CompiledModel& model,
                                                     std::uint64_t seed);

/// Run a PSA. Throws ModelError for n_samples < 1 or a model without uncertain parameters, and
/// rethrows the first error any sample meets (naming that sample).
PsaOutcomes run_psa(const CompiledModel& model, const PsaOptions& options);

}  // namespace parity
