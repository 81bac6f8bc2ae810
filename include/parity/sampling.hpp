// Reproducible sampling of model parameters for probabilistic sensitivity analysis. Every random
// number is a pure function of (seed, stream, sample, draw): a counter-based generator (Philox,
// Salmon et al. 2011) needs no state carried from one sample to the next, so a sample has the
// same values whichever thread draws it and however the run is split into chunks.
// Details: docs/methods/distributions.md.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "parity/distributions.hpp"

namespace parity {

/// Uniform random bits keyed by (seed, stream, sample): Random123 Philox4x64-10 with key
/// {seed, stream} and counter {sample, block, 0, 0}. Each block gives four 64-bit words, used in
/// order, so draw d of a stream comes from block d / 4. A UniformRandomBitGenerator: Boost.Random
/// and <random> distributions can draw from it.
/// After its second block a stream computes four blocks at a time: they are independent, so the
/// processor overlaps their multiply chains (a long stream, such as a Dirichlet row, draws about
/// twice as fast), and the words and their order are the same as one block at a time.
class RandomStream {
public:
    using result_type = std::uint64_t;

    RandomStream(std::uint64_t seed, std::uint64_t stream, std::uint64_t sample)
        : key_{seed, stream}, sample_(sample) {}

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
    result_type operator()() {
        if (next_ == end_) refill();
        return buffer_[next_++];
    }

    /// Uniform on (0, 1) with 53 random bits: k / 2^53 for k in [1, 2^53), a zero k drawn again
    /// (probability 2^-53) so that logs and inverse CDFs never see 0 or 1.
    double uniform() {
        for (;;) {
            const std::uint64_t k = (*this)() >> 11;
            if (k != 0) return static_cast<double>(k) * 0x1p-53;
        }
    }
    /// Standard normal (Boost.Random's ziggurat).
    double normal();
    /// Standard exponential (Boost.Random's ziggurat).
    double exponential();
    /// Gamma with this shape and scale 1 (Marsaglia and Tsang 2000; a shape below 1 as
    /// Gamma(shape + 1) exp(-E / shape) with E exponential). Draws of a shape well below 1 can
    /// be subnormal or 0 when the true value is below the smallest double.
    double gamma(double shape);

private:
    void refill();

    std::array<std::uint64_t, 2> key_;
    std::uint64_t sample_;
    std::uint64_t block_ = 0;
    std::array<std::uint64_t, 16> buffer_;  // words [next_, end_) not used yet; no need to clear
    std::size_t next_ = 0;
    std::size_t end_ = 0;  // words of buffer_ filled
};

/// Stream ids: a parameter's stream is derived from its name and a group's from the group's
/// name (64-bit FNV-1a; the top bit is 0 for parameters and 1 for groups, so the two never
/// meet). Keying by name rather than position keeps a parameter's draws the same when other
/// parameters are added, removed or reordered.
std::uint64_t parameter_stream(const std::string& parameter);
std::uint64_t group_stream(const std::string& group);

struct SamplingPlan;  // the checked, precomputed form; see core/sampling.cpp

class ParameterSampler {
public:
    /// `parameters`: every model parameter in order, with its Distribution (fixed ones are not
    /// sampled). `covariance`: (parameter_1, parameter_2, value) entries for multivariate_normal
    /// groups (ModelSpec::covariance, read from covariance.csv); an entry (a, b) also
    /// gives (b, a), unlisted pairs are 0, each member needs its variance (a, a), and each
    /// group's matrix must be symmetric positive definite. Throws ModelError naming the
    /// parameter or group when the list is inconsistent (duplicate names, a group mixing
    /// dirichlet and multivariate_normal, a dirichlet group of one, covariance entries for
    /// unknown or non-multivariate-normal parameters or across groups, conflicting entries).
    ParameterSampler(std::vector<std::pair<std::string, Distribution>> parameters,
                     std::vector<std::tuple<std::string, std::string, double>> covariance,
                     std::uint64_t seed);

    std::size_t n_parameters() const;
    /// Indices of the parameters that vary (every type but fixed), in order.
    const std::vector<std::size_t>& sampled() const;
    const std::string& name(std::size_t parameter) const;
    const Distribution& distribution(std::size_t parameter) const;
    std::uint64_t seed() const;

    /// The parameter's marginal distribution: its own for univariate types, beta(alpha_i,
    /// sum - alpha_i) for a dirichlet member, normal(mean, sqrt(covariance_ii)) for a
    /// multivariate normal member.
    Distribution marginal(std::size_t parameter) const;

    /// Fill values[(s - first) * n_parameters() + p] for samples s in [first, first + count).
    /// Parameters that do not vary get NaN ("use the model's expression"). Thread-safe (const),
    /// and the values of sample s never depend on `first` or `count`.
    void sample(std::uint64_t first, std::size_t count, double* values) const;
    /// The same into a new vector of count * n_parameters() values.
    std::vector<double> sample(std::uint64_t first, std::size_t count) const;

private:
    std::shared_ptr<const SamplingPlan> plan_;
};

}  // namespace parity
