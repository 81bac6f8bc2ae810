#include "parity/metamodel.hpp"

#include <boost/math/tools/minima.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <utility>

#include "parity/errors.hpp"

namespace parity {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

std::string significant(double x, int digits) {
    std::ostringstream out;
    out << std::setprecision(digits) << x;
    return out.str();
}

// ---------------------------------------------------------------------------------------------
// Input checks shared by both smoothers.

void check_inputs(const MatrixXd& inputs, const std::string& who) {
    for (Index j = 0; j < inputs.cols(); ++j) {
        const auto column = inputs.col(j);
        if (!column.allFinite()) {
            throw ModelError(who + ": input column " + std::to_string(j) +
                             " (0-based) contains NaN or infinite values. Every input must be a "
                             "finite number");
        }
        if (column.maxCoeff() == column.minCoeff()) {
            throw ModelError(who + ": input column " + std::to_string(j) +
                             " (0-based) is constant. A regression input needs at least two "
                             "distinct values");
        }
    }
}

void check_response(const VectorXd& y, Index n, const std::string& who) {
    if (y.size() != n) {
        throw ModelError(who + ": the response has " + std::to_string(y.size()) +
                         " values but the inputs have " + std::to_string(n) +
                         " rows. Pass one response value per input row");
    }
    if (!y.allFinite()) {
        throw ModelError(who +
                         ": the response contains NaN or infinite values. Every response "
                         "value must be a finite number");
    }
}

// ---------------------------------------------------------------------------------------------
// Nelder-Mead simplex minimisation (Nelder & Mead 1965) with the standard coefficients:
// reflection 1, expansion 2, contraction 1/2, shrink 1/2. Out-of-range points are given +inf by
// the objectives, which keeps the search inside a box without a constrained method.

using Objective = std::function<double(const VectorXd&)>;

struct Minimum {
    VectorXd x;
    double value;
};

struct Simplex {
    std::vector<VectorXd> points;
    std::vector<double> values;

    // Sort vertices best first so the rest of the step can use fixed positions.
    void order() {
        std::vector<std::size_t> index(points.size());
        for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
        std::sort(index.begin(), index.end(),
                  [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
        std::vector<VectorXd> p;
        std::vector<double> v;
        for (std::size_t i : index) {
            p.push_back(points[i]);
            v.push_back(values[i]);
        }
        points = std::move(p);
        values = std::move(v);
    }
};

Minimum nelder_mead(const Objective& f, const VectorXd& start, double step, int max_evaluations,
                    double tolerance) {
    const Index d = start.size();
    Simplex s;
    for (Index i = 0; i <= d; ++i) {
        VectorXd x = start;
        if (i > 0) x(i - 1) += step;
        s.points.push_back(x);
        s.values.push_back(f(x));
    }
    int evaluations = static_cast<int>(d) + 1;
    while (evaluations < max_evaluations) {
        s.order();
        const double best = s.values.front();
        const double worst = s.values.back();
        if (worst - best <= tolerance * (std::abs(best) + tolerance)) break;

        VectorXd centroid = VectorXd::Zero(d);
        for (Index i = 0; i < d; ++i) centroid += s.points[i];
        centroid /= static_cast<double>(d);
        const VectorXd& x_worst = s.points.back();

        const VectorXd reflected = centroid + (centroid - x_worst);
        const double f_reflected = f(reflected);
        ++evaluations;
        if (f_reflected < best) {
            const VectorXd expanded = centroid + 2.0 * (centroid - x_worst);
            const double f_expanded = f(expanded);
            ++evaluations;
            const bool expand = f_expanded < f_reflected;
            s.points.back() = expand ? expanded : reflected;
            s.values.back() = expand ? f_expanded : f_reflected;
            continue;
        }
        if (f_reflected < s.values[d - 1]) {
            s.points.back() = reflected;
            s.values.back() = f_reflected;
            continue;
        }
        const bool outside = f_reflected < worst;
        const VectorXd contracted = centroid + 0.5 * ((outside ? reflected : x_worst) - centroid);
        const double f_contracted = f(contracted);
        ++evaluations;
        if (f_contracted < std::min(f_reflected, worst)) {
            s.points.back() = contracted;
            s.values.back() = f_contracted;
            continue;
        }
        for (Index i = 1; i <= d; ++i) {
            s.points[i] = s.points[0] + 0.5 * (s.points[i] - s.points[0]);
            s.values[i] = f(s.points[i]);
        }
        evaluations += static_cast<int>(d);
    }
    s.order();
    return {s.points.front(), s.values.front()};
}

// ---------------------------------------------------------------------------------------------
// Cubic B-splines on [0, 1]: knot vector with the boundary knots repeated four times.

constexpr std::size_t kOrder = 4;  // cubic

// Basis functions per margin, by number of inputs: the tensor-product basis has at most
// 10^2 = 100, 6^3 = 216 and 4^4 = 256 coefficients, which keeps B'B cheap at n = 10,000.
std::size_t margin_size(std::size_t n_inputs) {
    static const std::size_t sizes[] = {0, 20, 10, 6, 4};
    return sizes[n_inputs];
}

// Interior knots at quantiles of the (rescaled) input so that every basis function sees data
// even for skewed inputs; repeated quantiles (discrete inputs) are dropped.
std::vector<double> knot_vector(std::vector<double> u, std::size_t n_interior) {
    constexpr double min_gap = 1e-6;
    std::sort(u.begin(), u.end());
    std::vector<double> knots(kOrder, 0.0);
    for (std::size_t j = 1; j <= n_interior; ++j) {
        const double q = u[j * (u.size() - 1) / (n_interior + 1)];
        if (q > knots.back() + min_gap && q < 1.0 - min_gap) knots.push_back(q);
    }
    knots.insert(knots.end(), kOrder, 1.0);
    return knots;
}

std::size_t n_basis(const std::vector<double>& knots) { return knots.size() - kOrder; }

// Index mu of the knot interval [t_mu, t_mu+1) holding u; u = 1 goes to the last interval.
std::size_t find_span(const std::vector<double>& t, double u) {
    const std::size_t p = n_basis(t);
    const auto first = t.begin() + static_cast<std::ptrdiff_t>(kOrder);
    const auto last = t.begin() + static_cast<std::ptrdiff_t>(p);
    return static_cast<std::size_t>(std::upper_bound(first, last, u) - t.begin()) - 1;
}

// The four cubic B-splines that are non-zero at u (those with indices span-3 .. span), by the
// Cox-de Boor recursion raising the degree one step at a time.
void cubic_basis_at(const std::vector<double>& t, std::size_t span, double u, double out[4]) {
    double left[kOrder];
    double right[kOrder];
    out[0] = 1.0;
    for (std::size_t k = 1; k < kOrder; ++k) {
        left[k] = u - t[span + 1 - k];
        right[k] = t[span + k] - u;
        double saved = 0.0;
        for (std::size_t r = 0; r < k; ++r) {
            const double term = out[r] / (right[r + 1] + left[k - r]);
            out[r] = saved + right[r + 1] * term;
            saved = left[k - r] * term;
        }
        out[k] = saved;
    }
}

MatrixXd marginal_basis(const VectorXd& u, const std::vector<double>& t) {
    MatrixXd b = MatrixXd::Zero(u.size(), static_cast<Index>(n_basis(t)));
    for (Index i = 0; i < u.size(); ++i) {
        const std::size_t span = find_span(t, u(i));
        double values[kOrder];
        cubic_basis_at(t, span, u(i), values);
        for (std::size_t r = 0; r < kOrder; ++r) {
            b(i, static_cast<Index>(span - 3 + r)) = values[r];
        }
    }
    return b;
}

// Exact integral over [0, 1] of f''(u)^2 for f = sum_i c_i B_i, as c' S c. The second derivative
// of a cubic spline is a linear spline whose coefficients are second divided differences of c
// (de Boor's derivative formula), and the Gram matrix of the linear (hat) B-splines is known in
// closed form. Linear functions are exactly unpenalised, whatever the knot spacing.
MatrixXd curvature_penalty(const std::vector<double>& t) {
    const Index p = static_cast<Index>(n_basis(t));
    MatrixXd d1 = MatrixXd::Zero(p - 1, p);  // c -> coefficients of f' (quadratic B-splines)
    for (Index i = 1; i < p; ++i) {
        const double w = 3.0 / (t[i + 3] - t[i]);
        d1(i - 1, i) = w;
        d1(i - 1, i - 1) = -w;
    }
    MatrixXd d2 = MatrixXd::Zero(p - 2, p - 1);  // f' -> coefficients of f'' (hat functions)
    for (Index i = 2; i < p; ++i) {
        const double w = 2.0 / (t[i + 2] - t[i]);
        d2(i - 2, i - 1) = w;
        d2(i - 2, i - 2) = -w;
    }
    // Hat function j peaks at node t[j + 3]; neighbouring hats overlap on one knot interval.
    const Index q = p - 2;
    MatrixXd gram = MatrixXd::Zero(q, q);
    for (Index j = 0; j + 1 < q; ++j) {
        const double h = t[j + 4] - t[j + 3];
        gram(j, j) += h / 3.0;
        gram(j + 1, j + 1) += h / 3.0;
        gram(j, j + 1) = gram(j + 1, j) = h / 6.0;
    }
    const MatrixXd e = d2 * d1;
    return e.transpose() * gram * e;
}

// Row i of the result is the Kronecker product of row i of each margin (a tensor-product basis).
MatrixXd row_kronecker(const std::vector<MatrixXd>& margins) {
    MatrixXd result = margins.front();
    for (std::size_t m = 1; m < margins.size(); ++m) {
        const MatrixXd& next = margins[m];
        MatrixXd product(result.rows(), result.cols() * next.cols());
        for (Index r = 0; r < result.cols(); ++r) {
            product.middleCols(r * next.cols(), next.cols()) =
                next.array().colwise() * result.col(r).array();
        }
        result = std::move(product);
    }
    return result;
}

MatrixXd kronecker(const MatrixXd& a, const MatrixXd& b) {
    MatrixXd k(a.rows() * b.rows(), a.cols() * b.cols());
    for (Index i = 0; i < a.rows(); ++i) {
        for (Index j = 0; j < a.cols(); ++j) {
            k.block(i * b.rows(), j * b.cols(), b.rows(), b.cols()) = a(i, j) * b;
        }
    }
    return k;
}

// The penalty of margin j acting on the tensor-product coefficients: I (x) .. S_j .. (x) I.
MatrixXd tensor_penalty(const std::vector<MatrixXd>& marginal_penalties, std::size_t j) {
    Index before = 1;
    Index after = 1;
    for (std::size_t m = 0; m < marginal_penalties.size(); ++m) {
        if (m < j) before *= marginal_penalties[m].rows();
        if (m > j) after *= marginal_penalties[m].rows();
    }
    return kronecker(MatrixXd::Identity(before, before),
                     kronecker(marginal_penalties[j], MatrixXd::Identity(after, after)));
}

VectorXd rescaled_to_unit(const VectorXd& x) {
    return (x.array() - x.minCoeff()) / (x.maxCoeff() - x.minCoeff());
}

// Generalised cross-validation score n RSS / (n - edf)^2 (Craven & Wahba 1979; Wood 2017). Fits
// with fewer than one residual degree of freedom are rejected.
double gcv_score(double rss, double edf, double n) {
    const double residual_df = n - edf;
    if (residual_df < 1.0) return kInf;
    return n * rss / (residual_df * residual_df);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PenalisedSplineSmoother
//
// With G = B'B = L L' and M = I + sum_j lambda_j L^-1 S_j L^-T, the penalised least-squares fit
// of a (centred) response y has coefficients c = L^-T M^-1 z with z = L^-1 B'y, residual sum of
// squares RSS = r0 + |z - M^-1 z|^2 with r0 = y'y - z'z, and edf = trace(M^-1). Everything that
// depends only on the inputs (B, L, the transformed penalties) is computed once.

namespace {

void check_spline_inputs(const MatrixXd& inputs) {
    const std::string who = "penalised spline regression";
    const auto d = static_cast<std::size_t>(inputs.cols());
    if (d < 1 || d > PenalisedSplineSmoother::max_inputs) {
        throw ModelError(who + ": got " + std::to_string(d) +
                         " inputs. A penalised spline takes 1 to 4 inputs; use Gaussian-process "
                         "regression for more");
    }
    // The 2^d unpenalised functions (products of straight lines) must leave a residual df.
    const Index min_rows = (Index{1} << d) + 2;
    if (inputs.rows() < min_rows) {
        throw ModelError(who + ": " + std::to_string(inputs.rows()) + " rows for " +
                         std::to_string(d) + " inputs. At least " + std::to_string(min_rows) +
                         " are needed; use more PSA samples");
    }
    check_inputs(inputs, who);
}

struct TensorBasis {
    MatrixXd basis;                   // n x p
    std::vector<MatrixXd> penalties;  // p x p, one per input
    std::vector<std::size_t> margin_sizes;
};

TensorBasis tensor_basis(const MatrixXd& inputs) {
    const auto d = static_cast<std::size_t>(inputs.cols());
    std::vector<MatrixXd> bases;
    std::vector<MatrixXd> marginal_penalties;
    TensorBasis result;
    for (Index j = 0; j < inputs.cols(); ++j) {
        const VectorXd u = rescaled_to_unit(inputs.col(j));
        const std::vector<double> knots = knot_vector(
            std::vector<double>(u.data(), u.data() + u.size()), margin_size(d) - kOrder);
        bases.push_back(marginal_basis(u, knots));
        marginal_penalties.push_back(curvature_penalty(knots));
        result.margin_sizes.push_back(n_basis(knots));
    }
    result.basis = row_kronecker(bases);
    for (std::size_t j = 0; j < d; ++j) {
        result.penalties.push_back(tensor_penalty(marginal_penalties, j));
    }
    return result;
}

// L with B'B = L L'. A relative ridge of 1e-9 keeps B'B positive definite when some basis
// functions see almost no data (discrete or clustered inputs); it changes the fit negligibly.
MatrixXd gram_cholesky(const MatrixXd& basis) {
    const Index p = basis.cols();
    MatrixXd gram = MatrixXd::Zero(p, p);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(basis.transpose());
    gram.diagonal().array() += 1e-9 * gram.diagonal().mean();
    return gram.selfadjointView<Eigen::Lower>().llt().matrixL();
}

}  // namespace

PenalisedSplineSmoother::PenalisedSplineSmoother(const MatrixXd& inputs)
    : n_inputs_(static_cast<std::size_t>(inputs.cols())) {
    check_spline_inputs(inputs);
    TensorBasis tensor = tensor_basis(inputs);
    basis_ = std::move(tensor.basis);
    margin_sizes_ = std::move(tensor.margin_sizes);
    gram_factor_ = gram_cholesky(basis_);

    const auto lower = gram_factor_.triangularView<Eigen::Lower>();
    const Index p = basis_.cols();
    MatrixXd total = MatrixXd::Zero(p, p);
    for (const MatrixXd& penalty : tensor.penalties) {
        const MatrixXd half = lower.solve(penalty);
        MatrixXd transformed = lower.solve(half.transpose());
        // Unit trace puts every margin's smoothing parameter on a comparable scale.
        transformed /= transformed.trace();
        total += transformed;
        penalties_.push_back(std::move(transformed));
    }
    Eigen::SelfAdjointEigenSolver<MatrixXd> eigen(total);
    total_eigenvectors_ = eigen.eigenvectors();
    total_eigenvalues_ = eigen.eigenvalues().cwiseMax(0.0);

    // From "every penalised direction unpenalised" (edf ~ p) to "every penalised direction
    // suppressed" (edf ~ the 2^d-dimensional null space of the penalties).
    const double largest = total_eigenvalues_.maxCoeff();
    double smallest = largest;
    for (Index i = 0; i < p; ++i) {
        const double s = total_eigenvalues_(i);
        if (s > 1e-10 * largest) smallest = std::min(smallest, s);
    }
    log_lambda_low_ = std::log(1e-4 / largest);
    log_lambda_high_ = std::log(1e4 / smallest);
}

// M = I + sum_j lambda_j L^-1 S_j L^-T, factorised.
Eigen::LLT<MatrixXd> PenalisedSplineSmoother::penalised_factor(const VectorXd& log_lambda) const {
    const Index p = basis_.cols();
    MatrixXd m = MatrixXd::Identity(p, p);
    for (std::size_t j = 0; j < n_inputs_; ++j) {
        m += std::exp(log_lambda(static_cast<Index>(j))) * penalties_[j];
    }
    return Eigen::LLT<MatrixXd>(m);
}

double PenalisedSplineSmoother::gcv(const VectorXd& log_lambda, const VectorXd& z,
                                    double r0) const {
    for (Index j = 0; j < log_lambda.size(); ++j) {
        if (log_lambda(j) < log_lambda_low_ || log_lambda(j) > log_lambda_high_) return kInf;
    }
    const Eigen::LLT<MatrixXd> llt = penalised_factor(log_lambda);
    if (llt.info() != Eigen::Success) return kInf;
    const Index p = z.size();
    const VectorXd shrunk = llt.solve(z);
    const MatrixXd inverse_factor =
        llt.matrixL().solve(MatrixXd::Identity(p, p));  // trace(M^-1) = |L_M^-1|_F^2
    const double rss = r0 + (z - shrunk).squaredNorm();
    return gcv_score(rss, inverse_factor.squaredNorm(), static_cast<double>(basis_.rows()));
}

// A single smoothing parameter for all margins is searched first: in the eigenbasis of the summed
// penalty GCV costs O(p) per evaluation, so a log grid followed by Brent's method is cheap. For
// one input that is the answer; for several, Nelder-Mead on the separate log smoothing
// parameters starts from it. Each of those evaluations costs two O(p^3) factorisations, and GCV
// is flat near its minimum (EVPPI moved by < 0.01% between 20 and 60 evaluations per parameter
// in testing), so the search stops after 20 per parameter.
VectorXd PenalisedSplineSmoother::choose_log_lambda(const VectorXd& z, double r0) const {
    const VectorXd rotated = total_eigenvectors_.transpose() * z;
    const double n = static_cast<double>(basis_.rows());
    const auto common_gcv = [&](double log_lambda) {
        const double lambda = std::exp(log_lambda);
        double rss = r0;
        double edf = 0.0;
        for (Index i = 0; i < rotated.size(); ++i) {
            const double shrink = 1.0 / (1.0 + lambda * total_eigenvalues_(i));
            const double residual = (1.0 - shrink) * rotated(i);
            rss += residual * residual;
            edf += shrink;
        }
        return gcv_score(rss, edf, n);
    };

    constexpr double grid_step = 0.5;
    const int n_grid =
        static_cast<int>(std::ceil((log_lambda_high_ - log_lambda_low_) / grid_step)) + 1;
    double best_rho = log_lambda_low_;
    double best_score = kInf;
    for (int g = 0; g < n_grid; ++g) {
        const double rho = std::min(log_lambda_low_ + g * grid_step, log_lambda_high_);
        const double score = common_gcv(rho);
        if (score < best_score) {
            best_score = score;
            best_rho = rho;
        }
    }
    const double lo = std::max(best_rho - grid_step, log_lambda_low_);
    const double hi = std::min(best_rho + grid_step, log_lambda_high_);
    const auto refined = boost::math::tools::brent_find_minima(common_gcv, lo, hi, 40);
    if (refined.second < best_score) best_rho = refined.first;

    const VectorXd common = VectorXd::Constant(static_cast<Index>(n_inputs_), best_rho);
    if (n_inputs_ == 1) return common;
    const auto objective = [&](const VectorXd& log_lambda) { return gcv(log_lambda, z, r0); };
    return nelder_mead(objective, common, 1.0, 20 * static_cast<int>(n_inputs_), 1e-6).x;
}

MetamodelFit PenalisedSplineSmoother::fit(const VectorXd& y, std::size_t n_draws,
                                          std::uint64_t seed) const {
    check_response(y, basis_.rows(), "penalised spline regression");
    // Constants are unpenalised, so fitting the centred response and adding the mean back is the
    // same fit with less cancellation in r0.
    const double mean = y.mean();
    const VectorXd centred = y.array() - mean;
    const auto lower = gram_factor_.triangularView<Eigen::Lower>();
    const VectorXd z = lower.solve(basis_.transpose() * centred);
    const double r0 = std::max(0.0, centred.squaredNorm() - z.squaredNorm());
    const Eigen::LLT<MatrixXd> llt = penalised_factor(choose_log_lambda(z, r0));
    const Index p = z.size();
    const VectorXd coefficients = lower.transpose().solve(llt.solve(z));

    MetamodelFit result;
    result.fitted = (basis_ * coefficients).array() + mean;
    result.effective_df = llt.matrixL().solve(MatrixXd::Identity(p, p)).squaredNorm();
    const double n = static_cast<double>(y.size());
    result.residual_variance =
        (y - result.fitted).squaredNorm() / std::max(n - result.effective_df, 1.0);
    result.summary = "edf " + significant(result.effective_df, 3);
    if (n_draws == 0) return result;

    // Bayesian posterior of the coefficients, N(c, sigma^2 (B'B + sum lambda_j S_j)^-1) (Wahba
    // 1983; Wood 2017); with the factorisations above its covariance factor is L^-T L_M^-T.
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal;
    MatrixXd standard(p, static_cast<Index>(n_draws));
    for (Index i = 0; i < standard.size(); ++i) standard.data()[i] = normal(engine);
    result.coefficient_deviations = lower.transpose().solve(llt.matrixU().solve(standard)) *
                                    std::sqrt(result.residual_variance);
    return result;
}

MatrixXd PenalisedSplineSmoother::posterior_draws(const MetamodelFit& fit, Index first_row,
                                                  Index n_rows) const {
    return (basis_.middleRows(first_row, n_rows) * fit.coefficient_deviations).colwise() +
           fit.fitted.segment(first_row, n_rows);
}

std::string PenalisedSplineSmoother::description() const {
    if (n_inputs_ == 1) {
        return "penalised cubic regression spline, " + std::to_string(margin_sizes_.front()) +
               " B-spline basis functions on quantile knots, second-derivative penalty, "
               "smoothing parameter by GCV";
    }
    std::string sizes;
    for (std::size_t s : margin_sizes_) sizes += (sizes.empty() ? "" : " x ") + std::to_string(s);
    return "tensor-product penalised cubic regression spline (GAM), " + sizes + " = " +
           std::to_string(basis_dimension()) +
           " basis functions on quantile knots, one second-derivative penalty per parameter, "
           "smoothing parameters by GCV";
}

// ---------------------------------------------------------------------------------------------
// GaussianProcessSmoother
//
// Model: y = h(x)'beta + f(x) + noise with h(x) = (1, x), f a zero-mean GP with covariance
// sigma^2 exp(-sum_j ((x_j - x'_j) / delta_j)^2) and noise variance sigma^2 nu, on standardised
// inputs and response. With flat priors on beta and log sigma both are integrated out
// (Oakley & O'Hagan 2004; Strong et al. 2014). The hyperparameters theta = (log delta, log nu)
// are chosen in three steps (docs/methods/value-of-information.md):
//   1. candidates: on an evenly spaced search subset of the training rows (256), the restricted
//      deviance (-2 log marginal likelihood) is minimised by a box-constrained quasi-Newton
//      method with its analytic gradient (Rasmussen & Williams 2006, section 5.4.1) from three
//      isotropic starts with the nugget profiled out, under a penalty that keeps enough
//      correlated neighbours per row (otherwise signal and noise cannot be told apart). The
//      starts, the optima and the linear mean alone are the candidates;
//   2. choice: each candidate predicts the training rows left out of the search, and the one
//      with the fewest effective degrees of freedom among those whose held-out squared error is
//      within one standard error of the best is kept (the one-standard-error rule); with too few
//      rows to hold any out, the closed-form leave-one-out residuals of the search subset stand
//      in (Rasmussen & Williams 2006, section 5.4.2);
//   3. fit: the posterior mean with those hyperparameters is trained on all training rows and
//      evaluated at every input row.

namespace {

struct GpData {
    MatrixXd x;  // m x d, standardised inputs
    VectorXd y;  // standardised response
    MatrixXd h;  // m x (d + 1) mean-function regressors
};

MatrixXd regressors(const MatrixXd& x) {
    MatrixXd h(x.rows(), x.cols() + 1);
    h.col(0).setOnes();
    h.rightCols(x.cols()) = x;
    return h;
}

GpData gp_data(const MatrixXd& x, const VectorXd& y, const std::vector<std::size_t>& rows) {
    GpData data{MatrixXd(rows.size(), x.cols()), VectorXd(rows.size()), MatrixXd()};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        data.x.row(static_cast<Index>(i)) = x.row(static_cast<Index>(rows[i]));
        data.y(static_cast<Index>(i)) = y(static_cast<Index>(rows[i]));
    }
    data.h = regressors(data.x);
    return data;
}

// exp(-|(a_i - b_k) / delta|^2) for every pair of rows: the cross products by one matrix product,
// then one vectorised exponential per column.
MatrixXd correlation(const MatrixXd& a, const MatrixXd& b, const VectorXd& inverse_length) {
    const MatrixXd as = a * inverse_length.asDiagonal();
    const MatrixXd bs = b * inverse_length.asDiagonal();
    const Eigen::ArrayXd an = as.rowwise().squaredNorm();
    const VectorXd bn = bs.rowwise().squaredNorm();
    MatrixXd c(a.rows(), b.rows());
    c.noalias() = 2.0 * as * bs.transpose();
    for (Index k = 0; k < c.cols(); ++k) {
        c.col(k) = (c.col(k).array() - an - bn(k)).min(0.0).exp().matrix();
    }
    return c;
}

// Hyperparameters theta = (log length-scales in standard deviations of each input, log nugget),
// confined to a box. A quarter of a standard deviation lets a function turn several times within
// one sd, more than any PSA regression needs; 55 sd makes an input irrelevant. The nugget is the
// noise variance as a fraction of the signal variance: at least 1e-6 keeps the correlation
// matrix well conditioned (condition number below m / nu); at 8000 the process adds nothing to
// the linear mean.
constexpr double kLengthMin = 0.25;
constexpr double kLengthMax = 55.0;
constexpr double kNuggetMin = 1e-6;
constexpr double kNuggetMax = 8000.0;

struct GpHyper {
    VectorXd inverse_length;
    double nugget;
};

GpHyper hyper_from(const VectorXd& theta) {
    const Index d = theta.size() - 1;
    return {(-theta.head(d)).array().exp().matrix(), std::exp(theta(d))};
}

VectorXd theta_of(Index d, double length, double nugget) {
    VectorXd theta(d + 1);
    theta.head(d).setConstant(std::log(length));
    theta(d) = std::log(nugget);
    return theta;
}

// Signal and noise can only be told apart where each row has correlated neighbours: with
// length-scales so short that the correlation between distinct rows vanishes, the process is
// white noise and the likelihood cannot distinguish it from the nugget, while the posterior mean
// reproduces every training response, noise included (a "spike" fit). For independent standard
// normal inputs two rows have expected correlation prod_j (1 + 4 / delta_j^2)^(-1/2), so the
// expected number of correlated neighbours among m rows is m times that. The search keeps it
// above kMinNeighbours on the search subset: a penalty on
// S(theta) = sum_j log(1 + 4 / delta_j^2) above S_max = 2 log(m / kMinNeighbours).
constexpr double kMinNeighbours = 5.0;
constexpr double kPenaltyWeight = 1e4;  // deviance units per squared unit of excess

double neighbour_sum(const VectorXd& theta, VectorXd* gradient) {
    const Index d = theta.size() - 1;
    double sum = 0.0;
    for (Index j = 0; j < d; ++j) {
        const double ratio = 4.0 * std::exp(-2.0 * theta(j));  // 4 / delta_j^2
        sum += std::log1p(ratio);
        if (gradient) (*gradient)(j) = -2.0 * ratio / (1.0 + ratio);
    }
    if (gradient) (*gradient)(d) = 0.0;
    return sum;
}

double max_neighbour_sum(Index rows) {
    return 2.0 * std::log(std::max(static_cast<double>(rows) / kMinNeighbours, 1.0 + 1e-9));
}

// Everything about one theta on one data set that the deviance, its gradient and the posterior
// mean need: A = correlation + nu I and its Cholesky factor, beta = (H'A^-1H)^-1 H'A^-1 y and
// alpha = A^-1 (y - H beta) = P y with P = A^-1 - A^-1 H (H'A^-1H)^-1 H'A^-1.
struct GpFit {
    VectorXd theta;
    GpHyper hyper;
    MatrixXd a;
    Eigen::LLT<MatrixXd> llt;
    MatrixXd a_inv_h;
    Eigen::LLT<MatrixXd> q;
    VectorXd beta;
    VectorXd alpha;
    double y_p_y = 0.0;
    double deviance = kInf;  // -2 log marginal likelihood up to a constant
    double penalty = 0.0;    // for too few correlated neighbours (search only)
    bool factored = false;   // A and H'A^-1H factorised: beta, alpha and predictions available
    bool ok = false;         // and the deviance is finite (not when y is exactly linear)
};

GpFit gp_fit(const GpData& data, const VectorXd& theta, bool penalised = false) {
    GpFit f;
    if (penalised) {
        const double excess = neighbour_sum(theta, nullptr) - max_neighbour_sum(data.x.rows());
        if (excess > 0.0) f.penalty = kPenaltyWeight * excess * excess;
    }
    f.theta = theta;
    f.hyper = hyper_from(theta);
    f.a = correlation(data.x, data.x, f.hyper.inverse_length);
    f.a.diagonal().array() += f.hyper.nugget;
    f.llt.compute(f.a);
    if (f.llt.info() != Eigen::Success) return f;
    f.a_inv_h = f.llt.solve(data.h);
    f.q.compute(data.h.transpose() * f.a_inv_h);
    if (f.q.info() != Eigen::Success) return f;
    const VectorXd a_inv_y = f.llt.solve(data.y);
    f.beta = f.q.solve(data.h.transpose() * a_inv_y);
    f.alpha = a_inv_y - f.a_inv_h * f.beta;
    f.factored = true;
    f.y_p_y = data.y.dot(f.alpha);
    const double log_det_a = 2.0 * f.llt.matrixLLT().diagonal().array().log().sum();
    const double log_det_q = 2.0 * f.q.matrixLLT().diagonal().array().log().sum();
    if (!(f.y_p_y > 0.0) || !std::isfinite(log_det_a) || !std::isfinite(log_det_q)) return f;
    // beta and sigma^2 integrated out under flat priors: (m - q) log(y'Py) + log|A| + log|H'A^-1H|.
    const double residual_df = static_cast<double>(data.x.rows() - data.h.cols());
    f.deviance = residual_df * std::log(f.y_p_y) + log_det_a + log_det_q + f.penalty;
    f.ok = true;
    return f;
}

MatrixXd projection(const GpFit& f) {
    const Index m = f.a.rows();
    MatrixXd p = f.llt.solve(MatrixXd::Identity(m, m));
    p.noalias() -= f.a_inv_h * f.q.solve(f.a_inv_h.transpose());
    return p;
}

// d deviance / d theta = tr(W dA/dtheta) with W = P - (m - q) alpha alpha' / y'Py. For
// theta_j = log delta_j, dA_ik = A_ik 2 (x_ij - x_kj)^2 / delta_j^2, so with M = W o A
// (elementwise) and r = M 1 the sum is 4 / delta_j^2 (sum_i x_ij^2 r_i - x_j' M x_j); for log nu,
// dA = nu I.
VectorXd deviance_gradient(const GpData& data, const GpFit& f, const MatrixXd& p) {
    const Index d = data.x.cols();
    const double residual_df = static_cast<double>(data.x.rows() - data.h.cols());
    MatrixXd w = p;
    w.noalias() -= (residual_df / f.y_p_y) * f.alpha * f.alpha.transpose();
    VectorXd gradient(d + 1);
    gradient(d) = f.hyper.nugget * w.trace();
    w.array() *= f.a.array();
    const VectorXd r = w.rowwise().sum();
    const MatrixXd wx = w * data.x;
    for (Index j = 0; j < d; ++j) {
        const double il2 = f.hyper.inverse_length(j) * f.hyper.inverse_length(j);
        gradient(j) = 4.0 * il2 * (data.x.col(j).cwiseAbs2().dot(r) - data.x.col(j).dot(wx.col(j)));
    }
    if (f.penalty > 0.0) {
        VectorXd sum_gradient(d + 1);
        neighbour_sum(f.theta, &sum_gradient);
        gradient += 2.0 * std::sqrt(kPenaltyWeight * f.penalty) * sum_gradient;
    }
    return gradient;
}

struct GpOptimum {
    VectorXd theta;
    GpFit fit;
    int evaluations;
};

// Quasi-Newton (BFGS) minimisation of the deviance in the box, projected: coordinates at a bound
// whose gradient points out of the box are held there, steps are clipped to the box and limited
// to 2 log units, and a backtracking line search enforces sufficient decrease (Nocedal & Wright
// 2006, ch. 6; Byrd et al. 1995 for the bound handling). It stops when the deviance improves by
// less than 0.01 twice in a row (a likelihood ratio of 1.005: irrelevant for the fit).
GpOptimum minimise_deviance(const GpData& data, VectorXd theta, const VectorXd& lower,
                            const VectorXd& upper) {
    constexpr int max_iterations = 40;
    constexpr double max_step = 2.0;
    constexpr double tolerance = 0.01;
    const Index k = theta.size();
    const MatrixXd identity = MatrixXd::Identity(k, k);
    theta = theta.cwiseMax(lower).cwiseMin(upper);
    GpOptimum best{theta, gp_fit(data, theta, true), 1};
    if (!best.fit.ok) return best;
    VectorXd gradient = deviance_gradient(data, best.fit, projection(best.fit));
    MatrixXd inverse_hessian = identity / std::max(1.0, gradient.cwiseAbs().maxCoeff());
    bool scaled = false;
    int small = 0;
    for (int iteration = 0; iteration < max_iterations; ++iteration) {
        VectorXd free_gradient = gradient;
        for (Index i = 0; i < k; ++i) {
            const bool held = (best.theta(i) <= lower(i) && gradient(i) > 0.0) ||
                              (best.theta(i) >= upper(i) && gradient(i) < 0.0);
            if (held) free_gradient(i) = 0.0;
        }
        if (free_gradient.cwiseAbs().maxCoeff() < 1e-6) break;
        VectorXd direction = -(inverse_hessian * free_gradient);
        for (Index i = 0; i < k; ++i) {
            if (free_gradient(i) == 0.0) direction(i) = 0.0;
        }
        if (direction.dot(free_gradient) >= 0.0) {  // not a descent direction: restart
            inverse_hessian = identity / std::max(1.0, free_gradient.cwiseAbs().maxCoeff());
            scaled = false;
            direction = -(inverse_hessian * free_gradient);
        }
        const double longest = direction.cwiseAbs().maxCoeff();
        if (longest > max_step) direction *= max_step / longest;

        double t = 1.0;
        bool accepted = false;
        VectorXd next;
        GpFit trial;
        for (int attempt = 0; attempt < 12 && !accepted; ++attempt, t *= 0.25) {
            next = (best.theta + t * direction).cwiseMax(lower).cwiseMin(upper);
            trial = gp_fit(data, next, true);
            ++best.evaluations;
            accepted = trial.ok &&
                       trial.deviance <= best.fit.deviance + 1e-4 * gradient.dot(next - best.theta);
        }
        if (!accepted) break;
        const VectorXd step = next - best.theta;
        const VectorXd next_gradient = deviance_gradient(data, trial, projection(trial));
        const VectorXd change = next_gradient - gradient;
        const double curvature = step.dot(change);
        if (curvature > 1e-10 * step.norm() * change.norm()) {
            if (!scaled) {  // Nocedal & Wright (6.20)
                inverse_hessian = identity * (curvature / change.squaredNorm());
                scaled = true;
            }
            const MatrixXd v = identity - step * change.transpose() / curvature;
            inverse_hessian =
                v * inverse_hessian * v.transpose() + step * step.transpose() / curvature;
        }
        const double decrease = best.fit.deviance - trial.deviance;
        best.theta = next;
        best.fit = std::move(trial);
        gradient = next_gradient;
        small = decrease < tolerance ? small + 1 : 0;
        if (small >= 2) break;
    }
    return best;
}

std::vector<std::size_t> evenly_spaced(std::size_t n, std::size_t count) {
    std::vector<std::size_t> rows(std::min(n, count));
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i * n / rows.size();
    return rows;
}

// Rows of the search subset out of m training rows: 256 (20 per hyperparameter if that is more),
// where a deviance and its gradient cost a few milliseconds, but at most half of the training
// rows, so that at least as many are held out to judge the optima. Below 4 (d + 2) training rows
// the search uses them all and the optima are judged by leave-one-out errors instead.
std::size_t search_size(Index n_inputs, std::size_t m) {
    const auto per_hyperparameter = static_cast<std::size_t>(n_inputs + 2);
    const std::size_t size = std::max<std::size_t>(256, 20 * per_hyperparameter);
    if (m < 4 * per_hyperparameter) return m;
    return std::min(size, m / 2);
}

// Starting points: isotropic length-scales (in sd) for a nearly quadratic, a moderately curved and
// a wiggly surface, each raised if needed to respect the neighbour constraint.
constexpr double kStartLengths[] = {8.0, 2.5, 1.0};

// The smallest common length-scale that keeps S(theta) = d log(1 + 4 / delta^2) <= S_max.
double smallest_isotropic_length(Index d, Index rows) {
    const double per_input = max_neighbour_sum(rows) / static_cast<double>(d);
    return 2.0 / std::sqrt(std::expm1(per_input));
}

// Isotropic start with the nugget profiled out on a grid of log nu (steps of 2 from -12 to 8):
// along the ridge of the likelihood where length-scale and nugget trade off, so the
// quasi-Newton search starts from a sensible signal-to-noise ratio.
GpOptimum profiled_start(const GpData& data, double length) {
    const Index d = data.x.cols();
    const double feasible = std::max(length, smallest_isotropic_length(d, data.x.rows()));
    GpOptimum best{theta_of(d, std::min(feasible, kLengthMax), 1.0), GpFit(), 0};
    VectorXd theta = best.theta;
    for (double log_nugget = -12.0; log_nugget <= 8.0; log_nugget += 2.0) {
        theta(d) = log_nugget;
        GpFit f = gp_fit(data, theta, true);
        ++best.evaluations;
        if (f.ok && f.deviance < best.fit.deviance) {
            best.theta = theta;
            best.fit = std::move(f);
        }
    }
    return best;
}

struct GpCandidate {
    VectorXd theta;
    double edf;          // effective degrees of freedom on the search subset
    VectorXd residuals;  // held-out (or leave-one-out) prediction errors
    double mean_square;
};

// h(x)'beta + k(x, X) A^-1 (y - H beta) at every row of x, in blocks of rows so that the
// cross-correlation matrix stays small.
VectorXd posterior_mean(const MatrixXd& x, const GpData& train, const GpFit& fit) {
    constexpr Index block = 1000;
    VectorXd mean(x.rows());
    for (Index start = 0; start < x.rows(); start += block) {
        const Index rows = std::min(block, x.rows() - start);
        const MatrixXd part = x.middleRows(start, rows);
        mean.segment(start, rows) =
            regressors(part) * fit.beta +
            correlation(part, train.x, fit.hyper.inverse_length) * fit.alpha;
    }
    return mean;
}

GpCandidate candidate(const GpData& search, const GpData& held_out, const GpOptimum& optimum) {
    GpCandidate c{optimum.theta, 0.0, VectorXd(), 0.0};
    const MatrixXd p = projection(optimum.fit);
    // Hat matrix of the fitted values H beta + (A - nu I) alpha = y - nu alpha: trace m - nu tr(P).
    c.edf = static_cast<double>(search.x.rows()) - optimum.fit.hyper.nugget * p.trace();
    if (held_out.x.rows() > 0) {
        c.residuals = held_out.y - posterior_mean(held_out.x, search, optimum.fit);
    } else {
        c.residuals = optimum.fit.alpha.array() / p.diagonal().array();  // leave-one-out
    }
    c.mean_square = c.residuals.squaredNorm() / static_cast<double>(c.residuals.size());
    return c;
}

// The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani & Friedman 2009, 7.10):
// among the candidates whose mean squared prediction error is within one standard error (of the
// paired difference) of the best, the smoothest, i.e. the one with the fewest effective degrees
// of freedom.
std::size_t choose(const std::vector<GpCandidate>& candidates) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < candidates.size(); ++i) {
        if (candidates[i].mean_square < candidates[best].mean_square) best = i;
    }
    std::size_t chosen = best;
    const Eigen::ArrayXd best_squares = candidates[best].residuals.array().square();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const Eigen::ArrayXd difference = candidates[i].residuals.array().square() - best_squares;
        const double count = static_cast<double>(difference.size());
        const double sd =
            std::sqrt((difference - difference.mean()).square().sum() / std::max(count - 1.0, 1.0));
        const bool close = difference.mean() <= sd / std::sqrt(count);
        if (close && candidates[i].edf < candidates[chosen].edf) chosen = i;
    }
    return chosen;
}

}  // namespace

GaussianProcessSmoother::GaussianProcessSmoother(const MatrixXd& inputs, std::size_t max_training)
    : inputs_(inputs) {
    const std::string who = "Gaussian-process regression";
    const std::size_t d = static_cast<std::size_t>(inputs.cols());
    if (d < 1) throw ModelError(who + ": no inputs were given. Pass at least one input column");
    const std::size_t needed = d + 3;
    const std::string why =
        " (the linear mean has one coefficient per input plus one, the "
        "variance needs two more)";
    if (static_cast<std::size_t>(inputs.rows()) < needed) {
        throw ModelError(who + ": " + std::to_string(inputs.rows()) + " rows for " +
                         std::to_string(d) + " inputs. At least " + std::to_string(needed) +
                         " are needed" + why + "; use more PSA samples");
    }
    if (max_training < needed) {
        throw ModelError(who + ": the training subsample may have at most " +
                         std::to_string(max_training) + " rows but " + std::to_string(d) +
                         " inputs need at least " + std::to_string(needed) + why +
                         "; allow a larger subsample");
    }
    check_inputs(inputs, who);
    // Standardised inputs make the length-scales comparable and the search box meaningful.
    for (Index j = 0; j < inputs_.cols(); ++j) {
        auto column = inputs_.col(j);
        const double mean = column.mean();
        const double sd = std::sqrt((column.array() - mean).square().mean());
        column = (column.array() - mean) / sd;
    }
    training_ = evenly_spaced(static_cast<std::size_t>(inputs.rows()), max_training);
    const std::vector<std::size_t> picked =
        evenly_spaced(training_.size(), search_size(inputs.cols(), training_.size()));
    std::vector<bool> in_search(training_.size(), false);
    for (std::size_t i : picked) in_search[i] = true;
    for (std::size_t i = 0; i < training_.size(); ++i) {
        (in_search[i] ? search_ : held_out_).push_back(training_[i]);
    }
}

MetamodelFit GaussianProcessSmoother::fit(const VectorXd& y) const {
    check_response(y, inputs_.rows(), "Gaussian-process regression");
    MetamodelFit result{y, MatrixXd(), kNaN, 0.0, "constant response, nothing to fit"};
    const double mean = y.mean();
    const double sd = std::sqrt((y.array() - mean).square().mean());
    if (sd == 0.0) return result;
    const VectorXd standard = (y.array() - mean) / sd;

    const Index d = inputs_.cols();
    VectorXd lower(d + 1);
    VectorXd upper(d + 1);
    lower.head(d).setConstant(std::log(kLengthMin));
    upper.head(d).setConstant(std::log(kLengthMax));
    lower(d) = std::log(kNuggetMin);
    upper(d) = std::log(kNuggetMax);

    const GpData search = gp_data(inputs_, standard, search_);
    const GpData held_out = gp_data(inputs_, standard, held_out_);
    std::vector<GpCandidate> candidates;
    int evaluations = 0;
    // A candidate must respect the neighbour constraint (up to the slack the penalty leaves) and
    // differ from the ones already kept.
    const double max_sum = max_neighbour_sum(search.x.rows()) + 0.1;
    const auto consider = [&](const GpOptimum& optimum) {
        evaluations += optimum.evaluations;
        if (!optimum.fit.factored || neighbour_sum(optimum.theta, nullptr) > max_sum) return;
        for (const GpCandidate& c : candidates) {
            if ((c.theta - optimum.theta).cwiseAbs().maxCoeff() < 0.1) return;
        }
        candidates.push_back(candidate(search, held_out, optimum));
    };
    for (double length : kStartLengths) {
        const GpOptimum start = profiled_start(search, length);
        consider(start);
        if (start.fit.ok) consider(minimise_deviance(search, start.theta, lower, upper));
    }
    // The limit of no signal (every length-scale and the nugget at their upper bounds): the
    // linear mean alone, i.e. generalised least squares on the inputs. A Gaussian process has to
    // predict the held-out rows better than this to be used. It is also the answer when the
    // response is exactly linear in the inputs (y'Py = 0, so no deviance is finite).
    consider({upper, gp_fit(search, upper), 1});
    if (candidates.empty()) {
        throw ModelError(
            "Gaussian-process regression: the covariance matrix of the search "
            "subsample is numerically singular. Check for duplicated PSA samples");
    }
    const GpCandidate& chosen = candidates[choose(candidates)];

    const GpData train = gp_data(inputs_, standard, training_);
    const GpFit s = gp_fit(train, chosen.theta);
    if (!s.factored) {
        throw ModelError(
            "Gaussian-process regression: the covariance matrix of the training "
            "subsample is numerically singular. Check for duplicated PSA samples");
    }
    // At the training rows the posterior mean is y - nu alpha (A alpha = y - H beta), so only the
    // other rows need the cross-correlations.
    std::vector<bool> is_training(static_cast<std::size_t>(inputs_.rows()), false);
    for (std::size_t i : training_) is_training[i] = true;
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < is_training.size(); ++i) {
        if (!is_training[i]) others.push_back(i);
    }
    VectorXd fitted(inputs_.rows());
    const VectorXd at_training = train.y - s.hyper.nugget * s.alpha;
    for (std::size_t i = 0; i < training_.size(); ++i) {
        fitted(static_cast<Index>(training_[i])) = at_training(static_cast<Index>(i));
    }
    if (!others.empty()) {
        const GpData rest = gp_data(inputs_, standard, others);
        const VectorXd at_others = posterior_mean(rest.x, train, s);
        for (std::size_t i = 0; i < others.size(); ++i) {
            fitted(static_cast<Index>(others[i])) = at_others(static_cast<Index>(i));
        }
    }
    result.fitted = (fitted.array() * sd + mean).matrix();
    const double sigma2 =
        std::max(0.0, s.y_p_y) / static_cast<double>(train.x.rows() - train.h.cols());
    result.residual_variance = sigma2 * s.hyper.nugget * sd * sd;
    const std::string searched = std::to_string(candidates.size()) + " candidates, " +
                                 std::to_string(evaluations) + " likelihood evaluations";
    if (chosen.theta == upper) {
        result.summary =
            "linear mean only: no Gaussian process predicted better (" + searched + ")";
    } else {
        std::string lengths;
        for (Index j = 0; j < d; ++j) {
            lengths += (j == 0 ? "" : ", ") + significant(1.0 / s.hyper.inverse_length(j), 3);
        }
        result.summary = "length-scales (sd) " + lengths + ", noise/signal variance " +
                         significant(s.hyper.nugget, 3) + " (" + searched + ")";
    }
    return result;
}

std::string GaussianProcessSmoother::description() const {
    const std::size_t m = training_.size();
    std::string chosen = held_out_.empty()
                             ? "leave-one-out error"
                             : "prediction error on the other " + std::to_string(held_out_.size()) +
                                   " training rows";
    return "Gaussian process regression (squared-exponential ARD covariance, nugget, linear "
           "mean), trained on " +
           std::to_string(m) + " of " + std::to_string(inputs_.rows()) +
           " samples; hyperparameters by marginal likelihood (quasi-Newton from " +
           std::to_string(std::size(kStartLengths)) + " starts on " +
           std::to_string(search_.size()) +
           " rows; among the optima, the starts and the linear "
           "mean alone, the smoothest whose " +
           chosen +
           " is within one standard error of the "
           "best)";
}

}  // namespace parity
