// Non-parametric regression metamodels for value-of-information analysis: penalised cubic
// regression splines (one input), tensor-product penalised splines (two to four inputs) and
// Gaussian-process regression (any number of inputs). Each smoother is built once for a set of
// inputs and then fitted to several responses (one per strategy), so the work that depends only
// on the inputs is shared. Methods and references: docs/methods/value-of-information.md.
#pragma once

// GCC 12 reports false -Wmaybe-uninitialized warnings inside Eigen 3.4's self-adjoint
// eigensolver. The diagnostic state where Eigen's lines are read is what counts, so it is set
// around the include rather than around the code that uses the solver.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <Eigen/Dense>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace parity {

/// One response regressed on the inputs of a smoother.
struct MetamodelFit {
    /// The fitted regression function at each input row (length n).
    Eigen::VectorXd fitted;
    /// Penalised splines only (empty otherwise): draws of the coefficients minus their estimate,
    /// one column per draw, from the approximate posterior; see posterior_draws.
    Eigen::MatrixXd coefficient_deviations;
    /// Effective degrees of freedom (trace of the hat matrix); NaN when not defined.
    double effective_df;
    /// Residual sum of squares divided by the residual degrees of freedom.
    double residual_variance;
    /// Human-readable summary of the chosen smoothing ("edf 3.2", "length-scales ...").
    std::string summary;
};

/// Penalised cubic regression splines on 1 to 4 inputs. One input: a cubic B-spline basis on
/// knots at quantiles of the input with the integrated squared second derivative as penalty (an
/// O'Sullivan penalised spline). Several inputs: the row-wise Kronecker product of such marginal
/// bases with fewer knots each and one penalty per margin (a tensor-product smooth as mgcv's te()).
/// Smoothing parameters minimise generalised cross-validation (GCV).
class PenalisedSplineSmoother {
public:
    static constexpr std::size_t max_inputs = 4;

    /// inputs: n x d, 1 <= d <= max_inputs, every column finite with at least two distinct values.
    /// Throws ModelError otherwise, or when n is too small to fit even the unpenalised part
    /// (n <= 2^d + 1).
    explicit PenalisedSplineSmoother(const Eigen::MatrixXd& inputs);

    /// Fit y (length n, finite). n_draws posterior draws of the coefficients are kept, generated
    /// from `seed`, so the same call gives the same draws.
    MetamodelFit fit(const Eigen::VectorXd& y, std::size_t n_draws, std::uint64_t seed) const;

    /// The posterior draws of `fit` evaluated at input rows first_row .. first_row + n_rows - 1:
    /// an n_rows x n_draws matrix. Rows are taken in blocks by the caller so that memory stays
    /// proportional to the block, not to n.
    Eigen::MatrixXd posterior_draws(const MetamodelFit& fit, Eigen::Index first_row,
                                    Eigen::Index n_rows) const;

    /// E.g. "penalised cubic regression spline, 20 basis functions on quantile knots, GCV".
    std::string description() const;
    std::size_t basis_dimension() const { return static_cast<std::size_t>(basis_.cols()); }

private:
    Eigen::VectorXd choose_log_lambda(const Eigen::VectorXd& z, double r0) const;
    Eigen::LLT<Eigen::MatrixXd> penalised_factor(const Eigen::VectorXd& log_lambda) const;
    double gcv(const Eigen::VectorXd& log_lambda, const Eigen::VectorXd& z, double r0) const;

    std::size_t n_inputs_;
    std::vector<std::size_t> margin_sizes_;
    Eigen::MatrixXd basis_;                   // n x p
    Eigen::MatrixXd gram_factor_;             // L with B'B (+ tiny ridge) = L L'
    std::vector<Eigen::MatrixXd> penalties_;  // L^-1 S_j L^-T, one per margin
    Eigen::MatrixXd total_eigenvectors_;      // of the sum of the penalties above
    Eigen::VectorXd total_eigenvalues_;
    double log_lambda_low_;  // search range for log smoothing parameters
    double log_lambda_high_;
};

/// Gaussian-process regression: squared-exponential covariance with one length-scale per input
/// (ARD), a nugget for noise and a linear mean function whose coefficients and the signal variance
/// are integrated out under flat priors. The training set is an evenly spaced subsample of at most
/// max_training rows. Candidate hyperparameters maximise the marginal likelihood on a search
/// subset of it (quasi-Newton from several starts, with enough correlated neighbours per row for
/// signal and noise to be told apart); the candidate kept is the smoothest whose prediction error
/// on the other training rows is within one standard error of the best (the linear mean alone is
/// a candidate too). The posterior mean is trained on the whole training set and evaluated at
/// every row.
class GaussianProcessSmoother {
public:
    /// inputs: n x d, d >= 1, every column finite with at least two distinct values;
    /// n >= d + 3 and max_training >= d + 3 (the linear mean has d + 1 coefficients and the
    /// variance needs two more rows). Throws ModelError otherwise.
    GaussianProcessSmoother(const Eigen::MatrixXd& inputs, std::size_t max_training);

    /// Fit y (length n, finite). No posterior draws: coefficient_deviations is empty. It changes
    /// nothing in the smoother, so several responses may be fitted at once from different threads.
    MetamodelFit fit(const Eigen::VectorXd& y) const;

    /// E.g. "Gaussian process regression (...), trained on 1500 of 10000 samples; ...".
    std::string description() const;

private:
    Eigen::MatrixXd inputs_;             // n x d, standardised
    std::vector<std::size_t> training_;  // rows of the training subsample
    std::vector<std::size_t> search_;    // training rows of the hyperparameter search
    std::vector<std::size_t> held_out_;  // the other training rows, to judge the candidates
};

}  // namespace parity
