// Counter-based random streams and the parameter sampler. The sampler checks the distributions
// once, precomputes what each draw needs (gamma constants, truncation probabilities, Cholesky
// factors) and then fills samples without allocating per draw.
#include "parity/sampling.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "parity/sampling_math.hpp"
#include "parity/text.hpp"

namespace parity {

// ---- RandomStream ------------------------------------------------------------------------------

namespace {
// Blocks [block, block + N) of a stream into out[0, 4N). A constant N unrolls into straight-line
// code, so the N independent blocks run side by side.
template <std::size_t N>
inline void philox_blocks(const r123::Philox4x64::key_type& key, std::uint64_t sample,
                          std::uint64_t block, std::uint64_t* out) {
    for (std::size_t k = 0; k < N; ++k) {
        const r123::Philox4x64::ctr_type counter = {{sample, block + k, 0, 0}};
        const r123::Philox4x64::ctr_type words = r123::Philox4x64()(counter, key);
        for (std::size_t i = 0; i < 4; ++i) out[4 * k + i] = words[i];
    }
}
}  // namespace

void RandomStream::refill() {
    const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
    // Univariate draws need one or two blocks; only a stream that comes back a third time (a
    // Dirichlet row, say) is long enough to gain from four at once.
    const std::size_t blocks = block_ < 2 ? 1 : buffer_.size() / 4;
    if (blocks == 1)
        philox_blocks<1>(key, sample_, block_, buffer_.data());
    else
        philox_blocks<4>(key, sample_, block_, buffer_.data());
    block_ += blocks;
    next_ = 0;
    end_ = 4 * blocks;
}

namespace {
// Inlined into the gamma loops below, where a call per draw would show.
inline double standard_normal(RandomStream& rs) {
    return boost::random::normal_distribution<double>()(rs);
}
inline double standard_exponential(RandomStream& rs) {
    return boost::random::exponential_distribution<double>()(rs);
}
}  // namespace

double RandomStream::normal() { return standard_normal(*this); }
double RandomStream::exponential() { return standard_exponential(*this); }

namespace {

// Gamma(shape, 1) by Marsaglia and Tsang (2000): one normal and one uniform per try, accepted
// with probability above 0.95 for every shape >= 1. A shape below 1 is drawn as
// Gamma(shape + 1) * U^(1/shape), written exp(-E / shape) with E = -log U a standard exponential
// from the ziggurat: one exp instead of a pow, and no log. The exp, and the logs of the rare
// slow acceptance test, are inline ones (parity/sampling_math.hpp) with the same bits on every
// machine. The constants are kept so each draw is only the loop.
struct GammaDraw {
    double d = 0, c = 0, inv_shape = 0;
    bool boosted = false;  // shape < 1

    GammaDraw() = default;
    explicit GammaDraw(double shape) : inv_shape(1.0 / shape), boosted(shape < 1.0) {
        d = (boosted ? shape + 1.0 : shape) - 1.0 / 3.0;
        c = 1.0 / std::sqrt(9.0 * d);
    }

    double core(RandomStream& rs) const {
        for (;;) {
            double x = 0, v = 0;
            do {
                x = standard_normal(rs);
                v = 1.0 + c * x;
            } while (v <= 0.0);
            v = v * v * v;
            const double u = rs.uniform();
            const double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // quick acceptance, no logs
            if (detail::sampling_log(u) < 0.5 * x2 + d * (1.0 - v + detail::sampling_log(v)))
                return d * v;
        }
    }
    /// A draw; for shapes below 1 it may be tiny or underflow to 0 (P(X < 2^-960) is about
    /// 2^(-960 shape)), which callers that normalise check for with kTiny.
    double draw(RandomStream& rs) const {
        const double x = core(rs);
        return boosted ? x * boost_factor(rs) : x;
    }
    /// The log of a draw from the same random numbers as draw(), for the rare draw that would
    /// underflow.
    double draw_log(RandomStream& rs) const {
        const double x = std::log(core(rs));
        return boosted ? x + log_boost_factor(rs) : x;
    }
    /// U^(1/shape), which takes a Gamma(shape + 1) draw to a Gamma(shape) draw, and its log.
    double boost_factor(RandomStream& rs) const {
        return detail::sampling_exp(log_boost_factor(rs));
    }
    double log_boost_factor(RandomStream& rs) const {
        return -standard_exponential(rs) * inv_shape;
    }
};

// Draws below this lose relative precision as they approach the subnormal range (2^-1022):
// a group or beta with such a draw is drawn again, from the same random numbers, in log space.
constexpr double kTiny = 0x1p-960;

}  // namespace

double RandomStream::gamma(double shape) { return GammaDraw(shape).draw(*this); }

// ---- stream ids --------------------------------------------------------------------------------

namespace {

constexpr std::uint64_t kGroupBit = std::uint64_t(1) << 63;

// FNV-1a, 64 bits: fixed by its definition, so stream ids are the same on every platform and in
// every version (unlike std::hash).
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace

std::uint64_t parameter_stream(const std::string& parameter) {
    return fnv1a(parameter) & ~kGroupBit;
}

std::uint64_t group_stream(const std::string& group) { return fnv1a(group) | kGroupBit; }

// ---- the plan ----------------------------------------------------------------------------------

namespace {

using CovarianceTriple = std::tuple<std::string, std::string, double>;

enum class UnitKind { univariate, dirichlet, multivariate_normal };

// One independent source of randomness: a univariate parameter, or a whole group.
struct Unit {
    UnitKind kind = UnitKind::univariate;
    std::uint64_t stream = 0;
    std::string group;
    std::vector<std::size_t> members;  // parameter indices, in parameter order
    Distribution dist;                 // univariate
    std::vector<GammaDraw> gammas;     // beta/pert: 2; gamma: 1; dirichlet: one per member
    std::optional<detail::TruncatedNormal> truncated;
    std::vector<double> mean;      // multivariate normal
    std::vector<double> cholesky;  // row-major lower triangle, k x k
    double alpha_sum = 0;          // dirichlet
};

[[noreturn]] void fail(const std::string& what, const std::string& fix) {
    throw ModelError(what + ". " + fix);
}

}  // namespace

struct SamplingPlan {
    std::vector<std::string> names;
    std::vector<Distribution> distributions;
    std::vector<std::size_t> sampled;
    std::vector<Unit> units;
    std::vector<std::size_t> unit_of;        // parameter -> unit (npos when fixed)
    std::vector<std::size_t> place_in_unit;  // parameter -> position among the unit's members
    std::vector<std::size_t> not_drawn;      // parameters of no unit (fixed): NaN in samples
    std::size_t widest_group = 0;
    std::uint64_t seed = 0;
};

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

Unit univariate_unit(std::size_t index, const std::string& name, const Distribution& d) {
    Unit u;
    u.stream = parameter_stream(name);
    u.members = {index};
    u.dist = d;
    if (d.type == DistributionType::gamma) u.gammas = {GammaDraw(d.p[0])};
    if (d.type == DistributionType::beta) u.gammas = {GammaDraw(d.p[0]), GammaDraw(d.p[1])};
    if (d.type == DistributionType::pert) {
        const auto shapes = detail::pert_shapes(d.p[0], d.p[1], d.p[2], d.p[3]);
        u.gammas = {GammaDraw(shapes.first), GammaDraw(shapes.second)};
    }
    if (d.type == DistributionType::truncated_normal)
        u.truncated.emplace(d.p[0], d.p[1], d.p[2], d.p[3]);
    return u;
}

void check_unique_names(const std::vector<std::string>& names) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (!seen.emplace(names[i], i).second)
            fail("parameter '" + names[i] + "' is listed twice (positions " +
                     std::to_string(seen[names[i]] + 1) + " and " + std::to_string(i + 1) + ")",
                 "Give each parameter one distribution");
}

// Distributions may be built by hand (from Python, say) rather than parsed: run them through
// the checked constructors so bad values fail here, named, rather than as NaN samples.
void check_distribution(const std::string& name, const Distribution& d) {
    const auto& p = d.p;
    try {
        switch (d.type) {
            case DistributionType::fixed: break;
            case DistributionType::beta: beta_distribution(p[0], p[1]); break;
            case DistributionType::gamma: gamma_distribution(p[0], p[1]); break;
            case DistributionType::lognormal: lognormal_distribution(p[0], p[1]); break;
            case DistributionType::normal: normal_distribution(p[0], p[1]); break;
            case DistributionType::truncated_normal:
                truncated_normal_distribution(p[0], p[1], p[2], p[3]);
                break;
            case DistributionType::uniform: uniform_distribution(p[0], p[1]); break;
            case DistributionType::triangular: triangular_distribution(p[0], p[1], p[2]); break;
            case DistributionType::pert: pert_distribution(p[0], p[1], p[2], p[3]); break;
            case DistributionType::dirichlet: dirichlet_member(d.group, p[0]); break;
            case DistributionType::multivariate_normal:
                multivariate_normal_member(d.group, p[0]);
                break;
        }
    } catch (const ModelError& e) {
        throw ModelError("parameter '" + name + "': " + e.what());
    }
}

// Groups in order of first appearance, each with its members in parameter order.
std::vector<Unit> group_units(const SamplingPlan& plan) {
    std::vector<Unit> groups;
    std::map<std::string, std::size_t> position;  // a large model has hundreds of groups
    for (std::size_t i = 0; i < plan.names.size(); ++i) {
        const Distribution& d = plan.distributions[i];
        if (!d.grouped()) continue;
        const UnitKind kind = d.type == DistributionType::dirichlet ? UnitKind::dirichlet
                                                                    : UnitKind::multivariate_normal;
        const auto [at, fresh] = position.emplace(d.group, groups.size());
        if (fresh) {
            Unit u;
            u.kind = kind;
            u.group = d.group;
            u.stream = group_stream(d.group);
            groups.push_back(u);
        }
        Unit* it = &groups[at->second];
        if (!fresh && it->kind != kind) {
            fail("group '" + d.group + "' mixes dirichlet and multivariate_normal members ('" +
                     plan.names[it->members.front()] + "' and '" + plan.names[i] + "')",
                 "Give the two kinds of group different names");
        }
        it->members.push_back(i);
    }
    return groups;
}

void prepare_dirichlet(Unit& u, const SamplingPlan& plan) {
    if (u.members.size() < 2)
        fail("dirichlet group '" + u.group + "' has only one member ('" +
                 plan.names[u.members.front()] + "'), which would always be 1",
             "List every cell of the row in the group (e.g. the probabilities of leaving one "
             "state), each with its count as alpha");
    for (std::size_t m : u.members) {
        const double alpha = plan.distributions[m].p[0];
        u.gammas.emplace_back(alpha);
        u.alpha_sum += alpha;
    }
}

// Lower-triangular L with L L^T = a (k x k, row-major), or false when a is not positive definite.
// A pivot that is not clearly positive, relative to its diagonal entry, counts as not positive
// definite: a correlation of exactly +-1 leaves only rounding noise there.
bool cholesky(const std::vector<double>& a, std::size_t k, std::vector<double>& lower) {
    lower.assign(k * k, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
            double sum = a[i * k + j];
            for (std::size_t m = 0; m < j; ++m) sum -= lower[i * k + m] * lower[j * k + m];
            if (i == j) {
                if (!(sum > 1e-12 * a[i * k + i])) return false;
                lower[i * k + i] = std::sqrt(sum);
            } else {
                lower[i * k + j] = sum / lower[j * k + j];
            }
        }
    }
    return true;
}

// A group's covariance matrix as it is filled in, remembering which entries were given.
struct CovarianceMatrix {
    std::size_t k = 0;
    std::vector<double> value;
    std::vector<char> given;
};

// Covariance entries sorted into their groups' matrices, with each problem named.
class CovarianceBuilder {
public:
    CovarianceBuilder(const SamplingPlan& plan, std::vector<Unit>& groups)
        : plan_(plan), groups_(groups) {
        for (std::size_t i = 0; i < plan.names.size(); ++i) index_[plan.names[i]] = i;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            if (groups[g].kind != UnitKind::multivariate_normal) continue;
            const std::size_t k = groups[g].members.size();
            matrices_[g] =
                CovarianceMatrix{k, std::vector<double>(k * k, 0.0), std::vector<char>(k * k, 0)};
        }
    }

    void add(const CovarianceTriple& entry) {
        const auto [a, b, value] = entry;
        const auto pa = locate(a), pb = locate(b);
        if (pa.first != pb.first)
            fail("covariance given between '" + a + "' (group '" + groups_[pa.first].group +
                     "') and '" + b + "' (group '" + groups_[pb.first].group + "')",
                 "Parameters of different groups are independent; put correlated parameters "
                 "in one multivariate_normal group");
        if (!std::isfinite(value))
            fail("covariance of '" + a + "' and '" + b + "' is " + format_double(value),
                 "Give a finite number");
        set(pa.first, pa.second, pb.second, value, a, b);
        set(pa.first, pb.second, pa.second, value, a, b);
    }

    // Check every matrix and store its Cholesky factor in its group.
    void finish() {
        for (auto& [g, matrix] : matrices_) {
            Unit& u = groups_[g];
            for (std::size_t i = 0; i < u.members.size(); ++i) {
                const std::string& name = plan_.names[u.members[i]];
                const std::size_t ii = i * matrix.k + i;
                if (!matrix.given[ii])
                    fail("multivariate_normal parameter '" + name + "' (group '" + u.group +
                             "') has no variance",
                         "Add a covariance row with parameter_1 and parameter_2 both '" + name +
                             "'");
                if (!(matrix.value[ii] > 0))
                    fail("variance of '" + name + "' (group '" + u.group + "') is " +
                             format_double(matrix.value[ii]),
                         "A variance must be greater than 0");
            }
            factor(u, matrix);
        }
    }

private:
    std::pair<std::size_t, std::size_t> locate(const std::string& name) const {
        const auto it = index_.find(name);
        if (it == index_.end()) {
            fail("covariance entry names '" + name + "', which is not a parameter" +
                     did_you_mean(name, plan_.names),
                 "Use the names of multivariate_normal parameters");
        }
        const Distribution& d = plan_.distributions[it->second];
        if (d.type != DistributionType::multivariate_normal)
            fail("covariance entry names '" + name + "', whose distribution is " +
                     distribution_type_name(d.type) + ", not multivariate_normal",
                 "Give '" + name +
                     "' distribution multivariate_normal with group=<name>, or "
                     "remove its covariance rows");
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const auto& m = groups_[g].members;
            const auto pos = std::find(m.begin(), m.end(), it->second);
            if (groups_[g].group == d.group && pos != m.end())
                return {g, static_cast<std::size_t>(pos - m.begin())};
        }
        return {0, 0};  // unreachable: every multivariate_normal member is in a group
    }

    void set(std::size_t g, std::size_t i, std::size_t j, double value, const std::string& a,
             const std::string& b) {
        CovarianceMatrix& m = matrices_[g];
        const std::size_t at = i * m.k + j;
        if (m.given[at] && m.value[at] != value)
            fail("covariance of '" + a + "' and '" + b +
                     "' is given twice with different "
                     "values (" +
                     format_double(m.value[at]) + " and " + format_double(value) + ")",
                 "Give each pair once (either order)");
        m.value[at] = value;
        m.given[at] = 1;
    }

    static void factor(Unit& u, const CovarianceMatrix& matrix) {
        if (!cholesky(matrix.value, matrix.k, u.cholesky))
            fail("the covariance matrix of multivariate_normal group '" + u.group +
                     "' is not positive definite",
                 "Check the covariances: each correlation cov_ij / sqrt(var_i var_j) must lie "
                 "in (-1, 1) and together they must be consistent (e.g. estimated from one data "
                 "set); a correlation of exactly +-1 means two parameters are one");
    }

    const SamplingPlan& plan_;
    std::vector<Unit>& groups_;
    std::map<std::string, std::size_t> index_;
    std::map<std::size_t, CovarianceMatrix> matrices_;
};

// Streams are hashes of names; two names sharing one (odds ~2^-63 per pair) would give two
// parameters identical draws, so it is checked rather than assumed.
void check_streams(const SamplingPlan& plan) {
    std::map<std::uint64_t, std::string> owner;
    for (const Unit& u : plan.units) {
        const std::string who = u.kind == UnitKind::univariate
                                    ? "parameter '" + plan.names[u.members.front()] + "'"
                                    : "group '" + u.group + "'";
        const auto [it, fresh] = owner.emplace(u.stream, who);
        if (!fresh)
            fail(who + " and " + it->second + " hash to the same random stream",
                 "Rename one of them");
    }
}

std::shared_ptr<const SamplingPlan> make_plan(
    std::vector<std::pair<std::string, Distribution>> parameters,
    const std::vector<CovarianceTriple>& covariance, std::uint64_t seed) {
    auto plan = std::make_shared<SamplingPlan>();
    plan->seed = seed;
    for (auto& [name, d] : parameters) {
        plan->names.push_back(std::move(name));
        plan->distributions.push_back(std::move(d));
    }
    check_unique_names(plan->names);
    for (std::size_t i = 0; i < plan->names.size(); ++i)
        check_distribution(plan->names[i], plan->distributions[i]);
    std::vector<Unit> groups = group_units(*plan);
    for (Unit& g : groups)
        if (g.kind == UnitKind::dirichlet) prepare_dirichlet(g, *plan);
    CovarianceBuilder builder(*plan, groups);
    for (const auto& entry : covariance) builder.add(entry);
    builder.finish();
    for (const Unit& g : groups)
        plan->widest_group = std::max(plan->widest_group, g.members.size());

    const std::size_t n = plan->names.size();
    plan->unit_of.assign(n, kNone);
    plan->place_in_unit.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const Distribution& d = plan->distributions[i];
        if (!d.sampled()) continue;
        plan->sampled.push_back(i);
        if (!d.grouped()) plan->units.push_back(univariate_unit(i, plan->names[i], d));
    }
    for (Unit& g : groups) {
        if (g.kind == UnitKind::multivariate_normal)
            for (std::size_t m : g.members) g.mean.push_back(plan->distributions[m].p[0]);
        plan->units.push_back(std::move(g));
    }
    for (std::size_t u = 0; u < plan->units.size(); ++u)
        for (std::size_t pos = 0; pos < plan->units[u].members.size(); ++pos) {
            plan->unit_of[plan->units[u].members[pos]] = u;
            plan->place_in_unit[plan->units[u].members[pos]] = pos;
        }
    for (std::size_t i = 0; i < n; ++i)
        if (plan->unit_of[i] == kNone) plan->not_drawn.push_back(i);
    check_streams(*plan);
    return plan;
}

// ---- drawing -----------------------------------------------------------------------------------

// X / (X + Y); drawn again in log space from the same random numbers (a copy of the stream as
// it was) when a gamma is too small to divide by with full precision.
double draw_beta(const GammaDraw& a, const GammaDraw& b, RandomStream& rs) {
    const RandomStream start = rs;
    const double x = a.draw(rs);
    const double y = b.draw(rs);
    if (x >= kTiny && y >= kTiny) return x / (x + y);
    RandomStream again = start;
    const double lx = a.draw_log(again);
    const double ly = b.draw_log(again);
    return 1.0 / (1.0 + std::exp(ly - lx));
}

double draw_univariate(const Unit& u, RandomStream& rs) {
    const auto& p = u.dist.p;
    switch (u.dist.type) {
        case DistributionType::beta: return draw_beta(u.gammas[0], u.gammas[1], rs);
        case DistributionType::gamma: return p[1] * u.gammas[0].draw(rs);
        case DistributionType::lognormal: return std::exp(p[0] + p[1] * rs.normal());
        case DistributionType::normal: return p[0] + p[1] * rs.normal();
        case DistributionType::truncated_normal:
            return u.truncated->from_standard(u.truncated->standard_quantile(rs.uniform()));
        case DistributionType::uniform: return p[0] + (p[1] - p[0]) * rs.uniform();
        case DistributionType::triangular: {
            // Inverse CDF in closed form: cheaper than any rejection scheme.
            const double v = rs.uniform(), width = p[2] - p[0];
            const double left = p[1] - p[0];
            if (v * width < left) return p[0] + std::sqrt(v * width * left);
            return p[2] - std::sqrt((1.0 - v) * width * (p[2] - p[1]));
        }
        case DistributionType::pert:
            return p[0] + (p[2] - p[0]) * draw_beta(u.gammas[0], u.gammas[1], rs);
        default: return p[0];  // fixed and group types never reach here
    }
}

// Gammas normalised within the group. A draw so small that it nears the subnormal range (only
// alphas well below 1 give one, rarely) sends the whole group back to its first random number
// to be drawn in log space, so every sample keeps full relative precision at the price of a
// few logs only where it is needed.
void draw_dirichlet(const Unit& u, const RandomStream& start, double* out) {
    const std::size_t k = u.members.size();
    RandomStream rs = start;
    double total = 0, smallest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < k; ++i) {
        const double g = u.gammas[i].draw(rs);
        out[i] = g;
        total += g;
        smallest = std::min(smallest, g);
    }
    if (!(smallest >= kTiny)) {
        rs = start;
        double top = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < k; ++i) top = std::max(top, out[i] = u.gammas[i].draw_log(rs));
        total = 0;
        for (std::size_t i = 0; i < k; ++i) total += out[i] = std::exp(out[i] - top);
    }
    const double scale = 1.0 / total;
    for (std::size_t i = 0; i < k; ++i) out[i] *= scale;
}

// mean + L z, z standard normal; `z` is scratch of the group's size.
void draw_multivariate_normal(const Unit& u, RandomStream& rs, double* z, double* out) {
    const std::size_t k = u.members.size();
    for (std::size_t i = 0; i < k; ++i) z[i] = rs.normal();
    for (std::size_t i = 0; i < k; ++i) {
        double x = u.mean[i];
        const double* row = &u.cholesky[i * k];
        for (std::size_t j = 0; j <= i; ++j) x += row[j] * z[j];
        out[i] = x;
    }
}

}  // namespace

// ---- ParameterSampler --------------------------------------------------------------------------

ParameterSampler::ParameterSampler(
    std::vector<std::pair<std::string, Distribution>> parameters,
    std::vector<std::tuple<std::string, std::string, double>> covariance, std::uint64_t seed)
    : plan_(make_plan(std::move(parameters), covariance, seed)) {}

std::size_t ParameterSampler::n_parameters() const { return plan_->names.size(); }
const std::vector<std::size_t>& ParameterSampler::sampled() const { return plan_->sampled; }
const std::string& ParameterSampler::name(std::size_t p) const { return plan_->names.at(p); }
std::uint64_t ParameterSampler::seed() const { return plan_->seed; }

const Distribution& ParameterSampler::distribution(std::size_t p) const {
    return plan_->distributions.at(p);
}

Distribution ParameterSampler::marginal(std::size_t p) const {
    const Distribution& d = plan_->distributions.at(p);
    if (!d.grouped()) return d;
    const Unit& u = plan_->units[plan_->unit_of[p]];
    if (u.kind == UnitKind::dirichlet) return dirichlet_marginal(d, u.alpha_sum);
    const std::size_t k = u.members.size(), i = plan_->place_in_unit[p];
    double variance = 0;  // (L L^T)_ii
    for (std::size_t j = 0; j <= i; ++j) variance += u.cholesky[i * k + j] * u.cholesky[i * k + j];
    return normal_distribution(d.p[0], std::sqrt(variance));
}

void ParameterSampler::sample(std::uint64_t first, std::size_t count, double* values) const {
    const SamplingPlan& plan = *plan_;
    const std::size_t n = plan.names.size();
    for (std::size_t s = 0; s < count; ++s)
        for (std::size_t p : plan.not_drawn)
            values[s * n + p] = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> out(plan.widest_group), z(plan.widest_group);  // once per call
    for (const Unit& u : plan.units) {
        for (std::size_t s = 0; s < count; ++s) {
            RandomStream rs(plan.seed, u.stream, first + s);
            double* row = values + s * n;
            if (u.kind == UnitKind::univariate) {
                row[u.members[0]] = draw_univariate(u, rs);
                continue;
            }
            if (u.kind == UnitKind::dirichlet)
                draw_dirichlet(u, rs, out.data());
            else
                draw_multivariate_normal(u, rs, z.data(), out.data());
            for (std::size_t i = 0; i < u.members.size(); ++i) row[u.members[i]] = out[i];
        }
    }
}

std::vector<double> ParameterSampler::sample(std::uint64_t first, std::size_t count) const {
    std::vector<double> values(count * n_parameters());
    sample(first, count, values.data());
    return values;
}

}  // namespace parity
