#include "parity/voi.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "parity/errors.hpp"
#include "parity/metamodel.hpp"
#include "parity/text.hpp"

namespace parity {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Enough draws for a standard error that is itself accurate to about 7%, few enough that the
// draws cost less than the fit.
constexpr std::size_t kStandardErrorDraws = 100;
constexpr std::uint64_t kDrawSeed = 20140311;

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using NmbView = Eigen::Map<const RowMajor>;

// "sample 3, strategy 1 (0-based)": where a bad value sits in a row-major PSA array.
std::string position(std::size_t sample, const std::string& what, std::size_t index) {
    return "sample " + std::to_string(sample) + ", " + what + " " + std::to_string(index) +
           " (0-based)";
}

NmbView checked_nmb(const std::string& caller, const double* nmb, std::size_t n_samples,
                    std::size_t n_strategies) {
    if (n_samples < 2) {
        throw ModelError(caller + ": got " + std::to_string(n_samples) +
                         " PSA samples. At least 2 are needed; run the probabilistic sensitivity "
                         "analysis with more samples");
    }
    if (n_strategies < 1) {
        throw ModelError(caller +
                         ": got 0 strategies. Pass the net benefit of at least one "
                         "strategy");
    }
    if (nmb == nullptr) {
        throw ModelError(caller +
                         ": the net-benefit array is null. Pass n_samples x "
                         "n_strategies values");
    }
    for (std::size_t s = 0; s < n_samples; ++s) {
        for (std::size_t k = 0; k < n_strategies; ++k) {
            const double value = nmb[s * n_strategies + k];
            if (std::isfinite(value)) continue;
            throw ModelError(caller + ": the net benefit at " + position(s, "strategy", k) +
                             " is " + format_double(value) +
                             ". Net benefits must be finite; check the PSA sample that produced "
                             "it");
        }
    }
    return NmbView(nmb, static_cast<Eigen::Index>(n_samples),
                   static_cast<Eigen::Index>(n_strategies));
}

// The strategy with the highest mean; ties go to the first, as everywhere in parity.
Eigen::Index best_on_average(const RowMajor& values) {
    Eigen::Index best = 0;
    values.colwise().mean().maxCoeff(&best);
    return best;
}

// E[max_k v_k - v_best]: the value of knowing which strategy is best in each sample. Averaging
// non-negative differences avoids the cancellation of E[max] - max E when net benefits are large.
double value_of_information(const RowMajor& values) {
    const Eigen::Index best = best_on_average(values);
    return (values.rowwise().maxCoeff() - values.col(best)).mean();
}

// ---------------------------------------------------------------------------------------------
// EVPPI

struct ParameterGroup {
    Eigen::MatrixXd inputs;  // n_samples x columns.size()
    EvppiMethod method;
};

void check_columns(const std::vector<std::size_t>& columns, std::size_t n_params) {
    if (columns.empty()) {
        throw ModelError(
            "evppi: no parameter columns were chosen. Pass the 0-based indices of "
            "the parameters whose EVPPI you want");
    }
    std::set<std::size_t> seen;
    for (std::size_t c : columns) {
        if (c >= n_params) {
            throw ModelError("evppi: parameter column " + std::to_string(c) +
                             " is out of range; there are " + std::to_string(n_params) +
                             " parameter columns (0-based indices 0 to " +
                             std::to_string(n_params - 1) + ")");
        }
        if (!seen.insert(c).second) {
            throw ModelError("evppi: parameter column " + std::to_string(c) +
                             " is chosen twice. List each parameter once");
        }
    }
}

Eigen::MatrixXd chosen_inputs(const double* parameters, std::size_t n_samples, std::size_t n_params,
                              const std::vector<std::size_t>& columns) {
    Eigen::MatrixXd inputs(n_samples, columns.size());
    for (std::size_t j = 0; j < columns.size(); ++j) {
        for (std::size_t s = 0; s < n_samples; ++s) {
            const double value = parameters[s * n_params + columns[j]];
            if (!std::isfinite(value)) {
                throw ModelError("evppi: the parameter value at " +
                                 position(s, "column", columns[j]) + " is " + format_double(value) +
                                 ". Parameter samples must be finite");
            }
            inputs(s, j) = value;
        }
        const auto column = inputs.col(j);
        if (column.minCoeff() == column.maxCoeff()) {
            throw ModelError("evppi: parameter column " + std::to_string(columns[j]) +
                             " has the same value (" + format_double(column(0)) +
                             ") in every sample, so its EVPPI is 0 by definition and it cannot "
                             "be a regression input. Leave it out of the group");
        }
    }
    return inputs;
}

EvppiMethod resolved_method(EvppiMethod requested, std::size_t n_inputs) {
    if (requested == EvppiMethod::automatic) {
        if (n_inputs == 1) return EvppiMethod::spline;
        return n_inputs <= PenalisedSplineSmoother::max_inputs ? EvppiMethod::gam_tensor
                                                               : EvppiMethod::gaussian_process;
    }
    if (requested == EvppiMethod::spline && n_inputs != 1) {
        throw ModelError("evppi: the spline method takes exactly one parameter but " +
                         std::to_string(n_inputs) +
                         " were chosen. Use gam_tensor (2 to 4 parameters), gaussian_process or "
                         "automatic");
    }
    if (requested == EvppiMethod::gam_tensor && n_inputs > PenalisedSplineSmoother::max_inputs) {
        throw ModelError("evppi: the gam_tensor method takes at most 4 parameters but " +
                         std::to_string(n_inputs) +
                         " were chosen. Use gaussian_process or automatic");
    }
    return requested;
}

ParameterGroup checked_group(const double* parameters, std::size_t n_samples, std::size_t n_params,
                             const std::vector<std::size_t>& columns, const EvppiOptions& options) {
    if (parameters == nullptr || n_params == 0) {
        throw ModelError(
            "evppi: no parameter samples were given. Pass the n_samples x n_params "
            "parameter array of the PSA");
    }
    check_columns(columns, n_params);
    const EvppiMethod method = resolved_method(options.method, columns.size());
    const std::size_t gp_needed = columns.size() + 3;
    if (method == EvppiMethod::gaussian_process && options.gp_max_samples < gp_needed) {
        throw ModelError("evppi: gp_max_samples is " + std::to_string(options.gp_max_samples) +
                         " but a Gaussian process on " + std::to_string(columns.size()) +
                         " parameter(s) needs at least " + std::to_string(gp_needed) +
                         " training samples. Raise gp_max_samples (the default is 1500)");
    }
    return {chosen_inputs(parameters, n_samples, n_params, columns), method};
}

// Regressions of every strategy's incremental NB (strategy k minus strategy 0, k >= 1).
struct IncrementalFits {
    std::vector<MetamodelFit> fits;
    std::string description;
    double standard_error;
};

// The K - 1 Gaussian-process regressions are independent (each has its own hyperparameters), so
// they run side by side on up to hardware_concurrency() threads. Each fit is deterministic, so the
// result does not depend on the number of threads or their timing.
IncrementalFits fit_with_gaussian_process(const ParameterGroup& group, const RowMajor& increments,
                                          std::size_t max_training) {
    const GaussianProcessSmoother smoother(group.inputs, max_training);
    const auto n_fits = static_cast<std::size_t>(increments.cols() - 1);
    std::vector<MetamodelFit> fits(n_fits);
    std::vector<std::exception_ptr> errors(n_fits);
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < n_fits; i = next++) {
            try {
                fits[i] = smoother.fit(increments.col(static_cast<Eigen::Index>(i) + 1));
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const std::size_t n_threads =
        std::min<std::size_t>(n_fits, std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < n_threads; ++t) {
        try {
            helpers.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // no more threads: the ones running (and this one) take the rest
        }
    }
    work();
    for (std::thread& helper : helpers) helper.join();
    for (const std::exception_ptr& error : errors) {
        if (error) std::rethrow_exception(error);
    }
    return {std::move(fits), smoother.description(), kNaN};
}

// Strong et al. (2014): the spread of the EVPPI over joint draws of the fitted functions. The
// draws are evaluated a block of samples at a time, accumulating per draw the sum over samples
// of max_k g_k and of each g_k, so memory does not grow with the number of samples.
double spline_standard_error(const PenalisedSplineSmoother& smoother,
                             const std::vector<MetamodelFit>& fits) {
    constexpr Eigen::Index block = 2000;
    const Eigen::Index n = fits.front().fitted.size();
    const auto n_draws = static_cast<Eigen::Index>(kStandardErrorDraws);
    Eigen::RowVectorXd sum_of_best = Eigen::RowVectorXd::Zero(n_draws);
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(fits.size()), n_draws);
    for (Eigen::Index first = 0; first < n; first += block) {
        const Eigen::Index rows = std::min(block, n - first);
        Eigen::MatrixXd best = Eigen::MatrixXd::Zero(rows, n_draws);  // g_0 = 0
        for (std::size_t k = 0; k < fits.size(); ++k) {
            const Eigen::MatrixXd draws = smoother.posterior_draws(fits[k], first, rows);
            best = best.cwiseMax(draws);
            sums.row(static_cast<Eigen::Index>(k)) += draws.colwise().sum();
        }
        sum_of_best += best.colwise().sum();
    }
    const Eigen::RowVectorXd best_sum = sums.colwise().maxCoeff().cwiseMax(0.0);
    const Eigen::ArrayXd values =
        ((sum_of_best - best_sum) / static_cast<double>(n)).transpose().array();
    return std::sqrt((values - values.mean()).square().sum() / static_cast<double>(n_draws - 1));
}

IncrementalFits fit_with_splines(const ParameterGroup& group, const RowMajor& increments) {
    const PenalisedSplineSmoother smoother(group.inputs);
    IncrementalFits result{{}, smoother.description(), kNaN};
    for (Eigen::Index k = 1; k < increments.cols(); ++k) {
        result.fits.push_back(smoother.fit(increments.col(k), kStandardErrorDraws, kDrawSeed + k));
    }
    result.standard_error = spline_standard_error(smoother, result.fits);
    return result;
}

double pooled_r_squared(const std::vector<MetamodelFit>& fits, const RowMajor& increments) {
    double rss = 0.0;
    double tss = 0.0;
    for (std::size_t i = 0; i < fits.size(); ++i) {
        const auto y = increments.col(static_cast<Eigen::Index>(i) + 1);
        rss += (y - fits[i].fitted).squaredNorm();
        tss += (y.array() - y.mean()).square().sum();
    }
    return tss > 0.0 ? 1.0 - rss / tss : kNaN;
}

std::string method_text(const IncrementalFits& f) {
    std::string text = f.description + "; by strategy vs strategy 0:";
    for (std::size_t k = 0; k < f.fits.size(); ++k) {
        text += (k == 0 ? " " : "; ") + std::to_string(k + 1) + ": " + f.fits[k].summary;
    }
    return text;
}

}  // namespace

double evpi(const double* nmb, std::size_t n_samples, std::size_t n_strategies) {
    return value_of_information(checked_nmb("evpi", nmb, n_samples, n_strategies));
}

double population_evpi(double evpi_per_person, double population_per_year, int years,
                       double discount_rate) {
    const auto fail = [](const std::string& what, const std::string& fix) {
        throw ModelError("population_evpi: " + what + ". " + fix);
    };
    if (!std::isfinite(evpi_per_person) || evpi_per_person < 0.0) {
        fail("the per-person EVPI is " + format_double(evpi_per_person),
             "It must be a finite number >= 0, as returned by evpi or evppi");
    }
    if (!std::isfinite(population_per_year) || population_per_year < 0.0) {
        fail("the population per year is " + format_double(population_per_year),
             "It must be a finite number >= 0 (people affected by the decision each year)");
    }
    if (years < 1) {
        fail("the horizon is " + std::to_string(years) + " years",
             "It must be at least 1 year (the years over which the decision applies)");
    }
    if (!std::isfinite(discount_rate) || discount_rate <= -1.0) {
        fail("the discount rate is " + format_double(discount_rate),
             "It must be a finite number greater than -1, e.g. 0.035 for 3.5% a year");
    }
    double people = 0.0;
    for (int y = 0; y < years; ++y) {
        people += population_per_year / std::pow(1.0 + discount_rate, y);
    }
    return evpi_per_person * people;
}

std::vector<double> expected_loss(const double* nmb, std::size_t n_samples,
                                  std::size_t n_strategies) {
    const NmbView values = checked_nmb("expected_loss", nmb, n_samples, n_strategies);
    const Eigen::RowVectorXd loss =
        ((-values).colwise() + values.rowwise().maxCoeff()).colwise().mean();
    return std::vector<double>(loss.data(), loss.data() + loss.size());
}

std::vector<double> probability_optimal(const double* nmb, std::size_t n_samples,
                                        std::size_t n_strategies) {
    const NmbView values = checked_nmb("probability_optimal", nmb, n_samples, n_strategies);
    std::vector<double> share(n_strategies, 0.0);
    for (Eigen::Index s = 0; s < values.rows(); ++s) {
        Eigen::Index best = 0;
        values.row(s).maxCoeff(&best);  // the first maximum, so ties go to the first strategy
        share[static_cast<std::size_t>(best)] += 1.0;
    }
    for (double& p : share) p /= static_cast<double>(n_samples);
    return share;
}

EvppiResult evppi(const double* nmb, std::size_t n_samples, std::size_t n_strategies,
                  const double* parameters, std::size_t n_params,
                  const std::vector<std::size_t>& columns, const EvppiOptions& options) {
    const NmbView values = checked_nmb("evppi", nmb, n_samples, n_strategies);
    const ParameterGroup group = checked_group(parameters, n_samples, n_params, columns, options);
    const RowMajor increments = values.colwise() - values.col(0);
    if (n_strategies == 1) {
        return {0.0, 0.0, "none: with one strategy there is no decision to inform",
                std::vector<double>(n_samples, 0.0), kNaN};
    }

    const IncrementalFits f =
        group.method == EvppiMethod::gaussian_process
            ? fit_with_gaussian_process(group, increments, options.gp_max_samples)
            : fit_with_splines(group, increments);
    RowMajor fitted = RowMajor::Zero(values.rows(), values.cols());
    for (std::size_t k = 0; k < f.fits.size(); ++k) {
        fitted.col(static_cast<Eigen::Index>(k) + 1) = f.fits[k].fitted;
    }
    EvppiResult result;
    result.evppi = value_of_information(fitted);
    result.standard_error = f.standard_error;
    result.method = method_text(f);
    result.fitted.assign(fitted.data(), fitted.data() + fitted.size());
    result.r_squared = pooled_r_squared(f.fits, increments);
    return result;
}

}  // namespace parity
