// Moments, quantiles, CDFs and densities of the parameter distributions (Boost.Math), their
// checked constructors, and the fits from moments or from a 95% interval. Text parsing is in
// distribution_parse.cpp.
#include "parity/distributions.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <functional>
#include <limits>

#include "parity/text.hpp"

namespace parity {

namespace bm = boost::math;

namespace {

// A density that is infinite at the edge of its support (gamma or beta with a shape below 1, at
// 0) is +inf, not an exception.
using Policy = bm::policies::policy<bm::policies::overflow_error<bm::policies::ignore_error>>;
using Beta = bm::beta_distribution<double, Policy>;
using Gamma = bm::gamma_distribution<double, Policy>;
using Lognormal = bm::lognormal_distribution<double, Policy>;
using Normal = bm::normal_distribution<double, Policy>;
using Triangular = bm::triangular_distribution<double, Policy>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kLowerP = 0.025;
constexpr double kUpperP = 0.975;

[[noreturn]] void fail(const std::string& what, const std::string& fix) {
    throw ModelError(what + ". " + fix);
}

std::string num(double x) { return format_double(x); }

void require_finite(double x, const std::string& name, const std::string& family) {
    if (!std::isfinite(x))
        fail(family + " " + name + " is " + num(x) + ", not a finite number",
             "Give a finite number");
}

void require_positive(double x, const std::string& name, const std::string& family) {
    require_finite(x, name, family);
    if (!(x > 0))
        fail(family + " " + name + " is " + num(x) + " but must be greater than 0",
             "Give a positive " + name);
}

void require_ordered(double lower, double upper, const std::string& lower_name,
                     const std::string& upper_name, const std::string& family) {
    if (!(lower < upper))
        fail(family + " " + lower_name + " (" + num(lower) + ") must be less than " + upper_name +
                 " (" + num(upper) + ")",
             "Swap them or correct the one that is wrong");
}

Distribution make(DistributionType type, double a = 0, double b = 0, double c = 0, double d = 0) {
    Distribution out;
    out.type = type;
    out.p = {a, b, c, d};
    return out;
}

[[noreturn]] void not_univariate(const Distribution& d, const std::string& what) {
    fail("the " + what + " of a " + distribution_type_name(d.type) + " member of group '" +
             d.group + "' depends on its whole group",
         "Use ParameterSampler::marginal() (or dirichlet_marginal() for a dirichlet member)");
}

}  // namespace

namespace detail {

namespace {
double phi_cdf(double z) {
    if (std::isinf(z)) return z < 0 ? 0.0 : 1.0;
    return bm::cdf(Normal(), z);
}
double phi_pdf(double z) { return std::isinf(z) ? 0.0 : bm::pdf(Normal(), z); }
double z_phi(double z) { return std::isinf(z) ? 0.0 : z * phi_pdf(z); }
}  // namespace

TruncatedNormal::TruncatedNormal(double mean_, double sd_, double lower, double upper)
    : mean(mean_),
      sd(sd_),
      alpha((lower - mean_) / sd_),
      beta((upper - mean_) / sd_),
      mirrored(alpha > 0) {
    if (mirrored) {
        const double a = -beta;
        beta = -alpha;
        alpha = a;
    }
    p_lo = phi_cdf(alpha);
    mass = phi_cdf(beta) - p_lo;
}

double TruncatedNormal::standard_quantile(double v) const {
    const double z = bm::quantile(Normal(), p_lo + v * mass);
    return std::min(std::max(z, alpha), beta);  // rounding must not leave the support
}

double TruncatedNormal::quantile(double u) const {
    return from_standard(standard_quantile(mirrored ? 1.0 - u : u));
}

double TruncatedNormal::cdf(double x) const {
    const double z = to_standard(x);
    const double inside = std::min(std::max((phi_cdf(z) - p_lo) / mass, 0.0), 1.0);
    return mirrored ? 1.0 - inside : inside;
}

double TruncatedNormal::pdf(double x) const {
    const double z = to_standard(x);
    if (z < alpha || z > beta) return 0.0;
    return phi_pdf(z) / (mass * sd);
}

double TruncatedNormal::mean_value() const {
    return from_standard((phi_pdf(alpha) - phi_pdf(beta)) / mass);
}

double TruncatedNormal::variance() const {
    const double shift = (phi_pdf(alpha) - phi_pdf(beta)) / mass;
    return sd * sd * (1.0 + (z_phi(alpha) - z_phi(beta)) / mass - shift * shift);
}

std::pair<double, double> pert_shapes(double min, double mode, double max, double lambda) {
    const double width = max - min;
    return {1.0 + lambda * (mode - min) / width, 1.0 + lambda * (max - mode) / width};
}

}  // namespace detail

namespace {

using detail::TruncatedNormal;

TruncatedNormal truncated(const Distribution& d) {
    return TruncatedNormal(d.p[0], d.p[1], d.p[2], d.p[3]);
}

Beta pert_standard(const Distribution& d) {
    const auto shapes = detail::pert_shapes(d.p[0], d.p[1], d.p[2], d.p[3]);
    return Beta(shapes.first, shapes.second);
}

// Lowest and highest values of the support, for quantile(0) and quantile(1).
std::pair<double, double> support(const Distribution& d) {
    switch (d.type) {
        case DistributionType::fixed: return {d.p[0], d.p[0]};
        case DistributionType::beta: return {0.0, 1.0};
        case DistributionType::gamma:
        case DistributionType::lognormal: return {0.0, kInf};
        case DistributionType::normal: return {-kInf, kInf};
        case DistributionType::truncated_normal: return {d.p[2], d.p[3]};
        case DistributionType::uniform: return {d.p[0], d.p[1]};
        case DistributionType::triangular:
        case DistributionType::pert: return {d.p[0], d.p[2]};
        default: not_univariate(d, "support");
    }
}

}  // namespace

std::string distribution_type_name(DistributionType type) {
    switch (type) {
        case DistributionType::fixed: return "fixed";
        case DistributionType::beta: return "beta";
        case DistributionType::gamma: return "gamma";
        case DistributionType::lognormal: return "lognormal";
        case DistributionType::normal: return "normal";
        case DistributionType::truncated_normal: return "truncated_normal";
        case DistributionType::uniform: return "uniform";
        case DistributionType::triangular: return "triangular";
        case DistributionType::pert: return "pert";
        case DistributionType::dirichlet: return "dirichlet";
        case DistributionType::multivariate_normal: return "multivariate_normal";
    }
    return "unknown";
}

bool Distribution::grouped() const {
    return type == DistributionType::dirichlet || type == DistributionType::multivariate_normal;
}

double Distribution::mean() const {
    switch (type) {
        case DistributionType::fixed: return p[0];
        case DistributionType::beta: return p[0] / (p[0] + p[1]);
        case DistributionType::gamma: return p[0] * p[1];
        case DistributionType::lognormal: return std::exp(p[0] + 0.5 * p[1] * p[1]);
        case DistributionType::normal: return p[0];
        case DistributionType::truncated_normal: return truncated(*this).mean_value();
        case DistributionType::uniform: return 0.5 * (p[0] + p[1]);
        case DistributionType::triangular: return (p[0] + p[1] + p[2]) / 3.0;
        case DistributionType::pert: return (p[0] + p[3] * p[1] + p[2]) / (p[3] + 2.0);
        case DistributionType::multivariate_normal: return p[0];
        case DistributionType::dirichlet: not_univariate(*this, "mean");
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::variance() const {
    switch (type) {
        case DistributionType::fixed: return 0.0;
        case DistributionType::beta: {
            const double s = p[0] + p[1];
            return p[0] * p[1] / (s * s * (s + 1.0));
        }
        case DistributionType::gamma: return p[0] * p[1] * p[1];
        case DistributionType::lognormal: {
            const double s2 = p[1] * p[1];
            return std::expm1(s2) * std::exp(2.0 * p[0] + s2);
        }
        case DistributionType::normal: return p[1] * p[1];
        case DistributionType::truncated_normal: return truncated(*this).variance();
        case DistributionType::uniform: return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
        case DistributionType::triangular: {
            const double a = p[0], c = p[1], b = p[2];
            return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        }
        case DistributionType::pert: {
            // (mean - min)(max - mean) / (lambda + 3): the scaled beta variance, for any lambda.
            const double m = mean();
            return (m - p[0]) * (p[2] - m) / (p[3] + 3.0);
        }
        default: not_univariate(*this, "variance");
    }
}

double Distribution::quantile(double u) const {
    if (grouped()) not_univariate(*this, "quantile function");
    if (!(u >= 0.0 && u <= 1.0))
        fail("quantile(" + num(u) + ") asked of " + describe(),
             "Give a probability between 0 and 1");
    const auto ends = support(*this);
    if (u == 0.0) return ends.first;
    if (u == 1.0) return ends.second;
    switch (type) {
        case DistributionType::fixed: return p[0];
        case DistributionType::beta: return bm::quantile(Beta(p[0], p[1]), u);
        case DistributionType::gamma: return bm::quantile(Gamma(p[0], p[1]), u);
        case DistributionType::lognormal: return bm::quantile(Lognormal(p[0], p[1]), u);
        case DistributionType::normal: return bm::quantile(Normal(p[0], p[1]), u);
        case DistributionType::truncated_normal: return truncated(*this).quantile(u);
        case DistributionType::uniform: return p[0] + u * (p[1] - p[0]);
        case DistributionType::triangular: return bm::quantile(Triangular(p[0], p[1], p[2]), u);
        case DistributionType::pert:
            return p[0] + (p[2] - p[0]) * bm::quantile(pert_standard(*this), u);
        default: not_univariate(*this, "quantile function");
    }
}

double Distribution::cdf(double x) const {
    if (grouped()) not_univariate(*this, "CDF");
    if (std::isnan(x)) return x;
    const auto ends = support(*this);
    if (x < ends.first) return 0.0;
    if (x >= ends.second) return 1.0;
    switch (type) {
        case DistributionType::beta: return bm::cdf(Beta(p[0], p[1]), x);
        case DistributionType::gamma: return bm::cdf(Gamma(p[0], p[1]), x);
        case DistributionType::lognormal: return x <= 0.0 ? 0.0 : bm::cdf(Lognormal(p[0], p[1]), x);
        case DistributionType::normal: return bm::cdf(Normal(p[0], p[1]), x);
        case DistributionType::truncated_normal: return truncated(*this).cdf(x);
        case DistributionType::uniform: return (x - p[0]) / (p[1] - p[0]);
        case DistributionType::triangular: return bm::cdf(Triangular(p[0], p[1], p[2]), x);
        case DistributionType::pert:
            return bm::cdf(pert_standard(*this), (x - p[0]) / (p[2] - p[0]));
        default: return 1.0;  // fixed: x is at or above the value
    }
}

double Distribution::pdf(double x) const {
    if (grouped()) not_univariate(*this, "density");
    if (std::isnan(x)) return x;
    if (type == DistributionType::fixed) return x == p[0] ? kInf : 0.0;
    const auto ends = support(*this);
    if (x < ends.first || x > ends.second) return 0.0;
    switch (type) {
        case DistributionType::beta: return bm::pdf(Beta(p[0], p[1]), x);
        case DistributionType::gamma: return bm::pdf(Gamma(p[0], p[1]), x);
        case DistributionType::lognormal: return x <= 0.0 ? 0.0 : bm::pdf(Lognormal(p[0], p[1]), x);
        case DistributionType::normal: return bm::pdf(Normal(p[0], p[1]), x);
        case DistributionType::truncated_normal: return truncated(*this).pdf(x);
        case DistributionType::uniform: return 1.0 / (p[1] - p[0]);
        case DistributionType::triangular: return bm::pdf(Triangular(p[0], p[1], p[2]), x);
        default:  // pert
            return bm::pdf(pert_standard(*this), (x - p[0]) / (p[2] - p[0])) / (p[2] - p[0]);
    }
}

std::string Distribution::describe() const {
    const std::string name = distribution_type_name(type);
    auto pairs = [&](std::vector<std::string> keys) {
        std::vector<std::string> parts;
        if (!group.empty()) parts.push_back("group=" + group);
        for (std::size_t i = 0; i < keys.size(); ++i) parts.push_back(keys[i] + "=" + num(p[i]));
        return name + "(" + join(parts, ", ") + ")";
    };
    switch (type) {
        case DistributionType::fixed: return pairs({"value"});
        case DistributionType::beta: return pairs({"alpha", "beta"});
        case DistributionType::gamma: return pairs({"shape", "scale"});
        case DistributionType::lognormal: return pairs({"meanlog", "sdlog"});
        case DistributionType::normal: return pairs({"mean", "sd"});
        case DistributionType::truncated_normal: return pairs({"mean", "sd", "lower", "upper"});
        case DistributionType::uniform: return pairs({"min", "max"});
        case DistributionType::triangular: return pairs({"min", "mode", "max"});
        case DistributionType::pert: return pairs({"min", "mode", "max", "lambda"});
        case DistributionType::dirichlet: return pairs({"alpha"});
        case DistributionType::multivariate_normal: return pairs({"mean"});
    }
    return name;
}

// ---- checked constructors --------------------------------------------------------------------

Distribution fixed_value(double value) { return make(DistributionType::fixed, value); }

Distribution beta_distribution(double alpha, double beta) {
    require_positive(alpha, "alpha", "beta");
    require_positive(beta, "beta", "beta");
    return make(DistributionType::beta, alpha, beta);
}

Distribution gamma_distribution(double shape, double scale) {
    require_positive(shape, "shape", "gamma");
    require_positive(scale, "scale", "gamma");
    return make(DistributionType::gamma, shape, scale);
}

Distribution lognormal_distribution(double meanlog, double sdlog) {
    require_finite(meanlog, "meanlog", "lognormal");
    require_positive(sdlog, "sdlog", "lognormal");
    return make(DistributionType::lognormal, meanlog, sdlog);
}

Distribution normal_distribution(double mean, double sd) {
    require_finite(mean, "mean", "normal");
    require_positive(sd, "sd", "normal");
    return make(DistributionType::normal, mean, sd);
}

Distribution truncated_normal_distribution(double mean, double sd, double lower, double upper) {
    const std::string family = "truncated_normal";
    require_finite(mean, "mean", family);
    require_positive(sd, "sd", family);
    // An infinite bound on its own side means "no bound"; on the other side it is an error.
    if (std::isnan(lower) || lower == kInf)
        fail(family + " lower bound is " + num(lower), "Give a finite lower bound or none");
    if (std::isnan(upper) || upper == -kInf)
        fail(family + " upper bound is " + num(upper), "Give a finite upper bound or none");
    require_ordered(lower, upper, "lower bound", "upper bound", family);
    Distribution d = make(DistributionType::truncated_normal, mean, sd, lower, upper);
    if (!(truncated(d).mass > 0))
        fail(family + " bounds [" + num(lower) + ", " + num(upper) +
                 "] hold no probability under normal(mean=" + num(mean) + ", sd=" + num(sd) + ")",
             "The bounds are too many standard deviations from the mean; check mean, sd and "
             "the bounds");
    return d;
}

Distribution uniform_distribution(double min, double max) {
    require_finite(min, "min", "uniform");
    require_finite(max, "max", "uniform");
    require_ordered(min, max, "min", "max", "uniform");
    return make(DistributionType::uniform, min, max);
}

namespace {
void check_min_mode_max(double min, double mode, double max, const std::string& family) {
    require_finite(min, "min", family);
    require_finite(mode, "mode", family);
    require_finite(max, "max", family);
    require_ordered(min, max, "min", "max", family);
    if (mode < min || mode > max)
        fail(family + " mode " + num(mode) + " is outside [min, max] = [" + num(min) + ", " +
                 num(max) + "]",
             "Give a mode between min and max");
}
}  // namespace

Distribution triangular_distribution(double min, double mode, double max) {
    check_min_mode_max(min, mode, max, "triangular");
    return make(DistributionType::triangular, min, mode, max);
}

Distribution pert_distribution(double min, double mode, double max, double lambda) {
    check_min_mode_max(min, mode, max, "pert");
    require_positive(lambda, "lambda", "pert");
    return make(DistributionType::pert, min, mode, max, lambda);
}

Distribution dirichlet_member(const std::string& group, double alpha) {
    if (trim(group).empty()) fail("dirichlet member without a group", "Give group=<name>");
    require_positive(alpha, "alpha", "dirichlet");
    Distribution d = make(DistributionType::dirichlet, alpha);
    d.group = trim(group);
    return d;
}

Distribution multivariate_normal_member(const std::string& group, double mean) {
    if (trim(group).empty())
        fail("multivariate_normal member without a group", "Give group=<name>");
    require_finite(mean, "mean", "multivariate_normal");
    Distribution d = make(DistributionType::multivariate_normal, mean);
    d.group = trim(group);
    return d;
}

// ---- method of moments -----------------------------------------------------------------------

Distribution beta_from_moments(double mean, double se) {
    require_finite(mean, "mean", "beta");
    require_positive(se, "se", "beta");
    if (!(mean > 0.0 && mean < 1.0))
        fail("beta mean " + num(mean) + " is outside (0, 1)",
             "A beta distribution is for probabilities and utilities: give a mean strictly "
             "between 0 and 1, or use another distribution");
    const double limit = mean * (1.0 - mean);
    if (!(se * se < limit))
        fail("beta standard error " + num(se) + " is too large for mean " + num(mean) +
                 " (se^2 must be less than mean*(1-mean) = " + num(limit) + ")",
             "Check that the se is a standard error, not a variance or a range; a beta with "
             "this mean allows se < " +
                 num(std::sqrt(limit)));
    const double common = limit / (se * se) - 1.0;
    return beta_distribution(mean * common, (1.0 - mean) * common);
}

Distribution gamma_from_moments(double mean, double se) {
    require_finite(mean, "mean", "gamma");
    require_positive(se, "se", "gamma");
    if (!(mean > 0.0))
        fail("gamma mean " + num(mean) + " is not positive",
             "A gamma distribution is for positive quantities (costs, rates): give a mean > 0");
    return gamma_distribution(mean * mean / (se * se), se * se / mean);
}

Distribution lognormal_from_moments(double mean, double se) {
    require_finite(mean, "mean", "lognormal");
    require_positive(se, "se", "lognormal");
    if (!(mean > 0.0))
        fail("lognormal mean " + num(mean) + " is not positive",
             "A lognormal distribution is for positive quantities (ratios, costs): give a "
             "mean > 0");
    const double s2 = std::log1p(se * se / (mean * mean));
    return lognormal_distribution(std::log(mean) - 0.5 * s2, std::sqrt(s2));
}

// ---- 95% interval fits -----------------------------------------------------------------------

namespace {
void check_interval(double lower, double upper, double lowest, double highest,
                    const std::string& family, const std::string& range_text) {
    require_finite(lower, "lower", family);
    require_finite(upper, "upper", family);
    require_ordered(lower, upper, "lower", "upper", family);
    if (!(lower > lowest && upper < highest))
        fail(family + " 95% interval [" + num(lower) + ", " + num(upper) + "] is not inside " +
                 range_text,
             "A " + family + " interval must lie strictly inside " + range_text);
}

// Root finding to (nearly) full double precision, so that the fitted quantiles reproduce the
// interval to ~1e-12 relative. Bracketing doubles or halves the guess until the sign changes,
// then TOMS 748 narrows the bracket.
double solve_monotone(const std::function<double(double)>& f, double guess, bool rising,
                      const std::string& what) {
    boost::uintmax_t iterations = 400;
    const bm::tools::eps_tolerance<double> tolerance(std::numeric_limits<double>::digits - 3);
    try {
        const auto r =
            bm::tools::bracket_and_solve_root(f, guess, 2.0, rising, tolerance, iterations);
        return 0.5 * (r.first + r.second);
    } catch (const std::exception& e) {
        fail("could not fit " + what + " (" + e.what() + ")",
             "Check the interval, or give the parameters directly");
    }
}
}  // namespace

Distribution normal_from_interval(double lower, double upper) {
    check_interval(lower, upper, -kInf, kInf, "normal", "the real line");
    return normal_distribution(0.5 * (lower + upper), (upper - lower) / (2.0 * z975));
}

Distribution lognormal_from_interval(double lower, double upper) {
    check_interval(lower, upper, 0.0, kInf, "lognormal", "(0, inf)");
    const double ll = std::log(lower), lu = std::log(upper);
    return lognormal_distribution(0.5 * (ll + lu), (lu - ll) / (2.0 * z975));
}

Distribution gamma_from_interval(double lower, double upper) {
    check_interval(lower, upper, 0.0, kInf, "gamma", "(0, inf)");
    // The ratio of two quantiles of a gamma does not depend on its scale and falls steadily
    // from infinity to 1 as the shape grows, so the shape is the root of one equation.
    const double target = std::log(upper / lower);
    auto gap = [&](double shape) {
        const double q_lo = bm::gamma_p_inv(shape, kLowerP);
        const double q_hi = bm::gamma_p_inv(shape, kUpperP);
        if (!(q_lo > 0)) return 1e300;  // q_lo underflows for tiny shapes: ratio is huge
        return std::log(q_hi) - std::log(q_lo) - target;
    };
    // Start from the lognormal with the same interval: shape ~ 1 / sdlog^2.
    const double sdlog = target / (2.0 * z975);
    const double shape =
        solve_monotone(gap, 1.0 / (sdlog * sdlog), false,
                       "a gamma to the interval [" + num(lower) + ", " + num(upper) + "]");
    return gamma_distribution(shape, lower / bm::gamma_p_inv(shape, kLowerP));
}

Distribution beta_from_interval(double lower, double upper) {
    check_interval(lower, upper, 0.0, 1.0, "beta", "(0, 1)");
    // For each alpha, choose beta so that the 2.5% quantile is `lower` (ibeta_invb solves that
    // exactly); the CDF at `upper` then rises with alpha (larger alpha: a more concentrated
    // distribution), so alpha is the root of P(X <= upper) = 0.975.
    auto beta_for = [&](double alpha) { return bm::ibeta_invb(alpha, lower, kLowerP); };
    auto gap = [&](double alpha) { return bm::ibeta(alpha, beta_for(alpha), upper) - kUpperP; };
    const double m = 0.5 * (lower + upper), s = (upper - lower) / (2.0 * z975);
    const double moments = m * (m * (1.0 - m) / (s * s) - 1.0);
    const double alpha =
        solve_monotone(gap, moments > 0.0 ? moments : 1.0, true,
                       "a beta to the interval [" + num(lower) + ", " + num(upper) + "]");
    return beta_distribution(alpha, beta_for(alpha));
}

Distribution dirichlet_marginal(const Distribution& member, double alpha_sum) {
    if (member.type != DistributionType::dirichlet)
        fail("dirichlet_marginal() given " + member.describe(), "Pass a dirichlet member");
    if (!(alpha_sum > member.p[0]))
        fail("dirichlet group alpha sum " + num(alpha_sum) + " is not above the member's alpha " +
                 num(member.p[0]),
             "Pass the sum of the alphas of every member of the group");
    return beta_distribution(member.p[0], alpha_sum - member.p[0]);
}

}  // namespace parity
