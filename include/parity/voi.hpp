// Value-of-information analysis of probabilistic sensitivity analysis (PSA) output: EVPI, its
// population value, the expected loss curve, the probability each strategy is optimal, and EVPPI
// by non-parametric regression. Formulas, methods and references:
// docs/methods/value-of-information.md.
//
// Every function takes the net monetary benefit of one willingness to pay as a row-major
// n_samples x n_strategies array: nmb[s * n_strategies + k] is strategy k in PSA sample s.
// Parameters are row-major n_samples x n_params in the same sample order. Invalid input throws
// ModelError saying what is wrong and where.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace parity {

/// EVPI per person = E[max_k NB_k] - max_k E[NB_k] (Claxton 1999; Briggs, Claxton & Sculpher
/// 2006, ch. 7). Needs n_samples >= 2, n_strategies >= 1 and finite values.
double evpi(const double* nmb, std::size_t n_samples, std::size_t n_strategies);

/// Population EVPI over a horizon: evpi_per_person x sum_{y=0}^{years-1} population_per_year /
/// (1 + discount_rate)^y (the current year undiscounted). Needs evpi_per_person and
/// population_per_year finite and >= 0, years >= 1, discount_rate finite and > -1.
double population_evpi(double evpi_per_person, double population_per_year, int years,
                       double discount_rate);

/// Expected loss of choosing each strategy, E[max_k NB_k - NB_j] for each j: one point of the
/// expected loss curve (Eckermann & Willan 2007; Alarid-Escudero et al. 2019). Its minimum over
/// strategies is the EVPI.
std::vector<double> expected_loss(const double* nmb, std::size_t n_samples,
                                  std::size_t n_strategies);

/// Share of samples in which each strategy has the highest NB (one point of the
/// cost-effectiveness acceptability curve); a tie goes to the first of the tied strategies, so the
/// shares sum to 1.
std::vector<double> probability_optimal(const double* nmb, std::size_t n_samples,
                                        std::size_t n_strategies);

enum class EvppiMethod { automatic, spline, gam_tensor, gaussian_process };

struct EvppiOptions {
    /// automatic: penalised spline for one parameter, tensor-product spline (GAM) for 2-4,
    /// Gaussian process for more. spline takes exactly one parameter, gam_tensor 1 to 4.
    EvppiMethod method = EvppiMethod::automatic;
    /// Largest subsample used to fit the Gaussian-process hyperparameters; it is also the
    /// training set of the posterior mean. Must be >= number of parameters + 3.
    std::size_t gp_max_samples = 1500;
};

struct EvppiResult {
    double evppi;
    /// Standard error of evppi from the uncertainty of the fitted regressions (draws from the
    /// spline posterior, whose scale comes from the residuals). NaN for the Gaussian process.
    double standard_error;
    /// What was used, with the effective degrees of freedom (spline) or hyperparameters (GP) for
    /// each strategy's regression.
    std::string method;
    /// n_samples x n_strategies, row-major: fitted incremental NB of strategy k versus strategy 0
    /// (column 0 is 0), for diagnostics.
    std::vector<double> fitted;
    /// 1 - sum_k RSS_k / sum_k TSS_k over the incremental-NB regressions; NaN when the
    /// incremental NB does not vary (including n_strategies == 1).
    double r_squared;
};

/// EVPPI of the parameter group `columns` by non-parametric regression (Strong, Oakley & Brennan
/// 2014): each strategy's incremental NB versus strategy 0 is regressed on the chosen parameter
/// columns, and EVPPI = mean_s max_k g_k(theta_s) - max_k mean_s g_k(theta_s) with g_0 = 0.
/// Throws ModelError for n_samples < 2, n_strategies < 1, no parameters, empty or repeated
/// columns, a column index >= n_params, NaN or infinity in nmb or a chosen column, a chosen column
/// without variation, a method that cannot take that many parameters, or too few samples for it.
EvppiResult evppi(const double* nmb, std::size_t n_samples, std::size_t n_strategies,
                  const double* parameters, std::size_t n_params,
                  const std::vector<std::size_t>& columns, const EvppiOptions& options = {});

}  // namespace parity
