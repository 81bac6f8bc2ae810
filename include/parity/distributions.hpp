// Parameter distributions for probabilistic sensitivity analysis: the families health-economic
// models use, read from the two distribution cells of parameters.csv, with their moments,
// quantiles and the fits from a mean and standard error or from a 95% interval.
// Formulas and references: docs/methods/distributions.md.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "parity/errors.hpp"

namespace parity {

enum class DistributionType {
    fixed,
    beta,
    gamma,
    lognormal,
    normal,
    truncated_normal,
    uniform,
    triangular,
    pert,
    dirichlet,
    multivariate_normal
};

/// Canonical lower-case name of a type ("truncated_normal", "multivariate_normal", ...).
std::string distribution_type_name(DistributionType type);

/// Every name parse_distribution accepts as a type, aliases included (for messages and docs).
const std::vector<std::string>& distribution_type_names();

/// Φ^{-1}(0.975): a 95% interval is mean ± z975 standard deviations.
inline constexpr double z975 = 1.959963984540054;

struct Distribution {
    DistributionType type = DistributionType::fixed;
    /// Canonical parameters, by type:
    ///   fixed {value}; beta {alpha, beta}; gamma {shape, scale}; lognormal {meanlog, sdlog};
    ///   normal {mean, sd}; truncated_normal {mean, sd, lower, upper} (bounds may be ±inf);
    ///   uniform {min, max}; triangular {min, mode, max}; pert {min, mode, max, lambda};
    ///   dirichlet {alpha} (one member of a group);
    ///   multivariate_normal {mean} (one member; the group's covariance is given to the sampler).
    std::array<double, 4> p{};
    /// dirichlet and multivariate_normal: the group this parameter is drawn with.
    std::string group;

    /// Whether a probabilistic analysis draws this parameter (every type but fixed).
    bool sampled() const { return type != DistributionType::fixed; }
    /// Whether the parameter is drawn jointly with others (dirichlet, multivariate_normal).
    bool grouped() const;

    /// Moments of the distribution. A dirichlet member's moments depend on its whole group and a
    /// multivariate normal member's variance lives in the covariance: for those use
    /// dirichlet_marginal() or ParameterSampler::marginal(). Throws ModelError for them
    /// (except mean() of a multivariate normal member, which is its own).
    double mean() const;
    double variance() const;

    /// Inverse CDF for u in [0, 1] (0 and 1 give the ends of the support), CDF and density.
    /// Univariate types only: ModelError for group members. A fixed value is a point mass:
    /// its CDF is a step and its density 0 except +inf at the value.
    double quantile(double u) const;
    double cdf(double x) const;
    double pdf(double x) const;

    /// The canonical form, e.g. "gamma(shape=30, scale=0.005)".
    std::string describe() const;
};

/// Parse the distribution and distribution_parameters cells of parameters.csv.
/// `type` is matched ignoring case, with '-' and ' ' read as '_' (blank: fixed). `parameters` is
/// "key=value" pairs separated by ';' or ',' (commas inside parentheses belong to a value);
/// values are numbers or constant arithmetic such as log(3) or 1/12 (muParser, log = natural
/// log). `base_value` is the parameter's deterministic value: the value of a fixed parameter and
/// the default mean of a multivariate normal member (NaN when the parameter is an expression).
/// Throws InputError at `where`, naming `parameter_name`, saying what is wrong and how to fix it.
Distribution parse_distribution(const std::string& type, const std::string& parameters,
                                double base_value, const std::string& parameter_name,
                                const Location& where);

/// Constructors from canonical parameters. Each checks its arguments and throws ModelError
/// ("what. fix") when they are invalid (non-finite, non-positive spread, bounds out of order).
Distribution fixed_value(double value);
Distribution beta_distribution(double alpha, double beta);
Distribution gamma_distribution(double shape, double scale);
Distribution lognormal_distribution(double meanlog, double sdlog);
Distribution normal_distribution(double mean, double sd);
Distribution truncated_normal_distribution(double mean, double sd, double lower, double upper);
Distribution uniform_distribution(double min, double max);
Distribution triangular_distribution(double min, double mode, double max);
Distribution pert_distribution(double min, double mode, double max, double lambda = 4.0);
Distribution dirichlet_member(const std::string& group, double alpha);
Distribution multivariate_normal_member(const std::string& group, double mean);

/// Method of moments: the distribution with this mean and standard deviation (standard error).
/// Beta needs 0 < mean < 1 and se^2 < mean (1 - mean); gamma and lognormal need mean > 0.
Distribution beta_from_moments(double mean, double se);
Distribution gamma_from_moments(double mean, double se);
Distribution lognormal_from_moments(double mean, double se);

/// The distribution whose 2.5% and 97.5% quantiles are `lower` and `upper`. Normal and
/// lognormal in closed form; gamma solves for the shape (the quantile ratio depends on it
/// alone) and beta for both parameters, by Boost.Math root finding to full precision.
Distribution normal_from_interval(double lower, double upper);
Distribution lognormal_from_interval(double lower, double upper);
Distribution gamma_from_interval(double lower, double upper);
Distribution beta_from_interval(double lower, double upper);

/// The marginal of a dirichlet member: beta(alpha_i, alpha_sum - alpha_i), where alpha_sum is
/// the sum of the alphas of its group.
Distribution dirichlet_marginal(const Distribution& member, double alpha_sum);

namespace detail {

/// A truncated normal in standard units, with the constants its inverse CDF needs precomputed
/// (shared by Distribution and the sampler). When both bounds lie above the mean the
/// distribution is mirrored, so that tail probabilities are small numbers held with full
/// relative precision rather than differences of numbers close to 1.
struct TruncatedNormal {
    double mean, sd;
    double alpha, beta;  // the bounds in standard units (of the mirrored form when mirrored)
    bool mirrored;
    double p_lo, mass;  // Φ(alpha) and Φ(beta) - Φ(alpha)

    TruncatedNormal(double mean, double sd, double lower, double upper);
    /// The standard-unit value at probability v of the (possibly mirrored) form.
    double standard_quantile(double v) const;
    double from_standard(double z) const { return mirrored ? mean - sd * z : mean + sd * z; }
    double to_standard(double x) const { return mirrored ? (mean - x) / sd : (x - mean) / sd; }
    double quantile(double u) const;
    double cdf(double x) const;
    double pdf(double x) const;
    double mean_value() const;
    double variance() const;
};

/// Beta shapes of a PERT: 1 + lambda (mode - min) / (max - min), 1 + lambda (max - mode) / ...
std::pair<double, double> pert_shapes(double min, double mode, double max, double lambda);

}  // namespace detail

}  // namespace parity
