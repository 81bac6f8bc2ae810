#include <catch2/catch.hpp>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "parity/distributions.hpp"
#include "parity/errors.hpp"
#include "parity/sampling.hpp"

using parity::Distribution;
using parity::ParameterSampler;
using parity::RandomStream;

namespace {

using Named = std::vector<std::pair<std::string, Distribution>>;
using CovarianceEntry = std::tuple<std::string, std::string, double>;

constexpr std::size_t kDraws = 100000;

Distribution parse(const std::string& type, const std::string& parameters,
                   double base_value = 0.0) {
    return parity::parse_distribution(type, parameters, base_value, "p", {});
}

// Column p of a block of samples.
std::vector<double> column(const std::vector<double>& values, std::size_t n_parameters,
                           std::size_t p) {
    std::vector<double> out;
    for (std::size_t i = p; i < values.size(); i += n_parameters) out.push_back(values[i]);
    return out;
}

struct Moments {
    double mean = 0, variance = 0, fourth = 0;  // sample mean, variance and 4th central moment
};

Moments moments_of(const std::vector<double>& x) {
    Moments m;
    const double n = static_cast<double>(x.size());
    for (double v : x) m.mean += v / n;
    for (double v : x) {
        const double d2 = (v - m.mean) * (v - m.mean);
        m.variance += d2 / (n - 1);
        m.fourth += d2 * d2 / n;
    }
    return m;
}

// The sample mean lies within 5 standard errors of the true mean, and the sample variance within
// 5 of its own standard errors, sqrt((mu4 - sigma^4) / n), estimated from the sample's fourth
// central moment. Five standard errors: a false alarm about once in 1.7 million checks.
void check_moments(const std::vector<double>& x, double mean, double variance) {
    const Moments m = moments_of(x);
    const double n = static_cast<double>(x.size());
    INFO("sample mean " << m.mean << " vs " << mean << "; sample variance " << m.variance << " vs "
                        << variance);
    REQUIRE(std::abs(m.mean - mean) < 5.0 * std::sqrt(variance / n));
    const double variance_se = std::sqrt(std::max(m.fourth - m.variance * m.variance, 0.0) / n);
    REQUIRE(std::abs(m.variance - variance) < 5.0 * variance_se);
}

// Kolmogorov-Smirnov: sqrt(n) D < 2.23 holds with probability 0.9999 when the draws follow cdf
// (about 15 such checks run, so a false alarm once in ~700 platforms or seeds).
void check_distribution(std::vector<double> x, const Distribution& d) {
    std::sort(x.begin(), x.end());
    const double n = static_cast<double>(x.size());
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double f = d.cdf(x[i]);
        worst = std::max({worst, std::abs(f - i / n), std::abs((i + 1) / n - f)});
    }
    INFO("Kolmogorov-Smirnov sqrt(n) D = " << std::sqrt(n) * worst);
    REQUIRE(std::sqrt(n) * worst < 2.23);
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

Named dirichlet_row(const std::string& group, const std::vector<double>& alphas) {
    Named out;
    for (std::size_t i = 0; i < alphas.size(); ++i)
        out.emplace_back(group + "_" + std::to_string(i),
                         parity::dirichlet_member(group, alphas[i]));
    return out;
}

// A Sick-Sicker-like parameter list: the 16 distributions of params/sick_sicker plus fixed
// and derived parameters that are not sampled.
Named sick_sicker() {
    return {{"r_HD", parse("gamma", "shape=20; rate=10000")},
            {"r_HS1", parse("gamma", "shape=30; rate=200")},
            {"r_S1H", parse("gamma", "shape=60; rate=120")},
            {"r_S1S2", parse("gamma", "shape=84; rate=800")},
            {"hr_S1", parse("lognormal", "meanlog=log(3); sdlog=0.01")},
            {"hr_S2", parse("lognormal", "meanlog=log(10); sdlog=0.02")},
            {"hr_S1S2_trtB", parse("lognormal", "meanlog=log(0.6); sdlog=0.02")},
            {"c_H", parse("gamma", "shape=100; scale=20")},
            {"c_S1", parse("gamma", "shape=177.8; scale=22.5")},
            {"c_S2", parse("gamma", "shape=225; scale=66.7")},
            {"c_D", parse("", "", 0.0)},
            {"c_trtA", parse("gamma", "shape=73.5; scale=163.3")},
            {"c_trtB", parse("gamma", "shape=86.2; scale=150.8")},
            {"u_H", parse("beta", "alpha=200; beta=3")},
            {"u_S1", parse("beta", "alpha=130; beta=45")},
            {"u_S2", parse("beta", "alpha=230; beta=230")},
            {"u_D", parse("", "", 0.0)},
            {"u_trtA", parse("beta", "alpha=300; beta=15")},
            {"p_HS1", parse("", "", 0.0)}};
}

}  // namespace

TEST_CASE("RandomStream is Philox4x64 keyed by seed and stream, counted by sample", "[sampling]") {
    RandomStream rs(42, 7, 1234);
    for (std::uint64_t block = 0; block < 3; ++block) {
        const r123::Philox4x64::ctr_type ctr = {{1234, block, 0, 0}};
        const r123::Philox4x64::key_type key = {{42, 7}};
        const auto expected = r123::Philox4x64()(ctr, key);
        for (int i = 0; i < 4; ++i) REQUIRE(rs() == expected[i]);
    }
    RandomStream a(1, 2, 3), b(1, 2, 3), c(1, 2, 4), d(1, 3, 3), e(2, 2, 3);
    const double first = a.uniform();
    REQUIRE(first == b.uniform());
    REQUIRE(first != c.uniform());
    REQUIRE(first != d.uniform());
    REQUIRE(first != e.uniform());

    std::vector<double> u(kDraws), z(kDraws), g(kDraws);
    RandomStream rs2(9, 9, 9);
    for (std::size_t i = 0; i < kDraws; ++i) {
        u[i] = rs2.uniform();
        z[i] = rs2.normal();
        g[i] = rs2.gamma(2.5);
        REQUIRE(u[i] > 0.0);
        REQUIRE(u[i] < 1.0);
    }
    check_moments(u, 0.5, 1.0 / 12);
    check_distribution(u, parity::uniform_distribution(0, 1));
    check_moments(z, 0.0, 1.0);
    check_distribution(z, parity::normal_distribution(0, 1));
    check_moments(g, 2.5, 2.5);
    check_distribution(g, parity::gamma_distribution(2.5, 1));
}

TEST_CASE("every distribution samples its mean, variance and CDF", "[sampling]") {
    const Named parameters = {
        {"beta", parse("beta", "alpha=130; beta=45")},
        {"beta_small", parse("beta", "alpha=0.3; beta=0.6")},
        {"beta_fit", parse("beta", "mean=0.1; se=0.05")},
        {"gamma", parse("gamma", "shape=30; rate=200")},
        {"gamma_small", parse("gamma", "shape=0.25; scale=4")},
        {"lognormal", parse("lognormal", "meanlog=log(3); sdlog=0.2")},
        {"normal", parse("normal", "mean=-2; sd=0.5")},
        {"fixed", parse("fixed", "", 1.0)},
        {"truncated_below", parse("truncated_normal", "mean=0.1; sd=0.2; lower=0")},
        {"truncated_tail", parse("truncated_normal", "mean=0; sd=1; lower=2; upper=4")},
        {"truncated_both", parse("truncated_normal", "mean=0; sd=1; lower=-1; upper=0.5")},
        {"uniform", parse("uniform", "min=100; max=300")},
        {"triangular", parse("triangular", "min=0; mode=0.2; max=1")},
        {"triangular_edge", parse("triangular", "min=0; mode=0; max=2")},
        {"pert", parse("pert", "min=10; mode=12; max=20")},
        {"pert_lambda", parse("pert", "min=0; mode=0.5; max=1; lambda=2")},
    };
    const ParameterSampler sampler(parameters, {}, 20240611);
    REQUIRE(sampler.n_parameters() == parameters.size());
    REQUIRE(sampler.sampled().size() == parameters.size() - 1);
    const std::vector<double> values = sampler.sample(0, kDraws);
    for (std::size_t p = 0; p < parameters.size(); ++p) {
        const Distribution& d = parameters[p].second;
        INFO(parameters[p].first << ": " << d.describe());
        const std::vector<double> x = column(values, parameters.size(), p);
        if (!d.sampled()) {
            REQUIRE(std::all_of(x.begin(), x.end(), [](double v) { return std::isnan(v); }));
            continue;
        }
        check_moments(x, d.mean(), d.variance());
        check_distribution(x, d);
        REQUIRE(*std::min_element(x.begin(), x.end()) >= d.quantile(0));
        REQUIRE(*std::max_element(x.begin(), x.end()) <= d.quantile(1));
    }
}

TEST_CASE("dirichlet groups sum to 1 and have beta marginals", "[sampling]") {
    for (const std::vector<double>& alphas :
         {std::vector<double>{2, 5, 13}, std::vector<double>{0.05, 0.3, 0.01, 1.5}}) {
        Named parameters = dirichlet_row("row", alphas);
        parameters.insert(parameters.begin() + 1, {"other", parse("normal", "mean=0; sd=1")});
        const ParameterSampler sampler(parameters, {}, 77);
        const std::size_t n = sampler.n_parameters();
        const std::vector<double> values = sampler.sample(0, kDraws);
        for (std::size_t s = 0; s < kDraws; ++s) {
            double total = 0;
            for (std::size_t p = 0; p < n; ++p)
                if (p != 1) total += values[s * n + p];
            REQUIRE(std::abs(total - 1.0) < 1e-12);
        }
        double alpha_sum = 0;
        for (double a : alphas) alpha_sum += a;
        for (std::size_t p = 0; p < n; ++p) {
            if (p == 1) continue;
            const Distribution marginal = sampler.marginal(p);
            INFO(sampler.name(p) << " ~ " << marginal.describe());
            const double alpha = parameters[p].second.p[0];
            REQUIRE(marginal.mean() == Approx(alpha / alpha_sum));
            const std::vector<double> x = column(values, n, p);
            check_moments(x, marginal.mean(), marginal.variance());
            REQUIRE(std::all_of(x.begin(), x.end(), [](double v) { return v >= 0 && v <= 1; }));
        }
    }
}

TEST_CASE("a multivariate normal group recovers its means and correlations", "[sampling]") {
    const std::vector<double> mean = {1.0, 10.0, -5.0}, sd = {1.0, 2.0, 0.5};
    const double corr[3][3] = {{1.0, 0.5, -0.3}, {0.5, 1.0, 0.2}, {-0.3, 0.2, 1.0}};
    Named parameters;
    std::vector<CovarianceEntry> covariance;
    for (std::size_t i = 0; i < 3; ++i) {
        parameters.emplace_back("m" + std::to_string(i), parse("mvnormal", "group=costs", mean[i]));
        for (std::size_t j = 0; j <= i; ++j)  // one triangle: (b, a) follows from (a, b)
            covariance.emplace_back("m" + std::to_string(i), "m" + std::to_string(j),
                                    corr[i][j] * sd[i] * sd[j]);
    }
    parameters.emplace_back("fixed", parse("", "", 3.0));
    const ParameterSampler sampler(parameters, covariance, 5);
    const std::vector<double> values = sampler.sample(0, kDraws);
    std::vector<std::vector<double>> x;
    for (std::size_t i = 0; i < 3; ++i) {
        x.push_back(column(values, 4, i));
        check_moments(x[i], mean[i], sd[i] * sd[i]);
        const Distribution marginal = sampler.marginal(i);
        REQUIRE(marginal.type == parity::DistributionType::normal);
        REQUIRE(marginal.p[1] == Approx(sd[i]).epsilon(1e-12));
    }
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < i; ++j) {
            const Moments mi = moments_of(x[i]), mj = moments_of(x[j]);
            double cov = 0;
            for (std::size_t s = 0; s < kDraws; ++s)
                cov += (x[i][s] - mi.mean) * (x[j][s] - mj.mean) / (kDraws - 1);
            const double r = cov / std::sqrt(mi.variance * mj.variance);
            INFO("correlation " << i << "," << j << ": " << r);
            REQUIRE(std::abs(r - corr[i][j]) < 0.02);
        }
}

TEST_CASE("samples are reproducible whatever the chunking, threads or neighbours", "[sampling]") {
    Named parameters = sick_sicker();
    const Named row = dirichlet_row("from_H", {40, 3, 1});
    parameters.insert(parameters.end(), row.begin(), row.end());
    parameters.emplace_back("c_x", parse("mvnormal", "group=costs", 100));
    parameters.emplace_back("c_y", parse("mvnormal", "group=costs", 200));
    const std::vector<CovarianceEntry> covariance = {
        {"c_x", "c_x", 100}, {"c_y", "c_y", 400}, {"c_x", "c_y", 50}};
    const ParameterSampler sampler(parameters, covariance, 2024);
    const std::size_t n = sampler.n_parameters();
    const std::vector<double> whole = sampler.sample(0, 1000);

    SECTION("two chunks") {
        std::vector<double> halves = sampler.sample(0, 500);
        const std::vector<double> second = sampler.sample(500, 500);
        halves.insert(halves.end(), second.begin(), second.end());
        REQUIRE(same_bits(whole, halves));
    }
    SECTION("one sample at a time, in reverse") {
        std::vector<double> single(whole.size());
        for (std::size_t s = 1000; s-- > 0;) sampler.sample(s, 1, &single[s * n]);
        REQUIRE(same_bits(whole, single));
    }
    SECTION("threads, each filling its own chunk") {
        std::vector<double> threaded(whole.size());
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 4; ++t)
            threads.emplace_back([&, t] { sampler.sample(t * 250, 250, &threaded[t * 250 * n]); });
        for (auto& th : threads) th.join();
        REQUIRE(same_bits(whole, threaded));
    }
    SECTION("a copy of the sampler and a sampler built again") {
        const ParameterSampler copy = sampler;
        REQUIRE(same_bits(whole, copy.sample(0, 1000)));
        REQUIRE(same_bits(whole, ParameterSampler(parameters, covariance, 2024).sample(0, 1000)));
    }
    SECTION("another seed gives other values") {
        const std::vector<double> other =
            ParameterSampler(parameters, covariance, 2025).sample(0, 1000);
        for (std::size_t p : sampler.sampled()) {
            INFO(sampler.name(p));
            REQUIRE(column(other, n, p) != column(whole, n, p));
        }
    }
    SECTION("a parameter's draws do not depend on the parameters around it") {
        // Streams are keyed by name: dropping, adding or moving other parameters leaves them.
        const Named alone = {{"u_S1", parse("beta", "alpha=130; beta=45")}};
        const std::vector<double> own = ParameterSampler(alone, {}, 2024).sample(0, 1000);
        const auto it = std::find_if(parameters.begin(), parameters.end(),
                                     [](const auto& p) { return p.first == "u_S1"; });
        const auto index = static_cast<std::size_t>(it - parameters.begin());
        REQUIRE(column(whole, n, index) == own);
        Named reversed(parameters.rbegin(), parameters.rend());
        const std::vector<double> back =
            ParameterSampler(reversed, covariance, 2024).sample(0, 1000);
        REQUIRE(column(back, n, n - 1 - index) == own);
    }
}

TEST_CASE("inconsistent sampling inputs are errors naming the group or parameter", "[sampling]") {
    using Catch::Contains;
    const auto mv = [](const std::string& group) { return parse("mvnormal", "group=" + group, 1); };
    const Named pair = {{"a", mv("g")}, {"b", mv("g")}};
    SECTION("covariance not positive definite") {
        const std::vector<CovarianceEntry> cov = {{"a", "a", 1}, {"b", "b", 1}, {"a", "b", 1.5}};
        REQUIRE_THROWS_AS(ParameterSampler(pair, cov, 1), parity::ModelError);
        REQUIRE_THROWS_WITH(ParameterSampler(pair, cov, 1),
                            Contains("group 'g'") && Contains("not positive definite"));
        const std::vector<CovarianceEntry> one = {{"a", "a", 1}, {"b", "b", 4}, {"b", "a", 2}};
        REQUIRE_THROWS_WITH(ParameterSampler(pair, one, 1), Contains("not positive definite"));
    }
    SECTION("missing variance, unknown names, conflicting entries") {
        REQUIRE_THROWS_WITH(ParameterSampler(pair, {{"a", "a", 1}}, 1),
                            Contains("'b' (group 'g') has no variance"));
        REQUIRE_THROWS_WITH(
            ParameterSampler(pair, {{"a", "a", 1}, {"bb", "bb", 1}}, 1),
            Contains("'bb', which is not a parameter") && Contains("did you mean 'b'"));
        REQUIRE_THROWS_WITH(
            ParameterSampler(pair, {{"a", "a", 1}, {"b", "b", 1}, {"a", "b", 0.1}, {"b", "a", 0.2}},
                             1),
            Contains("given twice with different values"));
        const Named mixed = {
            {"a", mv("g")}, {"c", mv("h")}, {"n", parse("normal", "mean=0; sd=1")}};
        const std::vector<CovarianceEntry> across = {{"a", "a", 1}, {"c", "c", 1}, {"a", "c", 0}};
        REQUIRE_THROWS_WITH(ParameterSampler(mixed, across, 1), Contains("different groups"));
        const std::vector<CovarianceEntry> normal = {{"a", "a", 1}, {"c", "c", 1}, {"n", "n", 1}};
        REQUIRE_THROWS_WITH(ParameterSampler(mixed, normal, 1),
                            Contains("whose distribution is normal"));
    }
    SECTION("groups and names") {
        REQUIRE_THROWS_WITH(ParameterSampler(dirichlet_row("row", {3}), {}, 1),
                            Contains("dirichlet group 'row' has only one member"));
        const Named both = {{"a", mv("g")}, {"d", parity::dirichlet_member("g", 2)}};
        REQUIRE_THROWS_WITH(ParameterSampler(both, {{"a", "a", 1}}, 1),
                            Contains("mixes dirichlet and multivariate_normal"));
        const Named twice = {{"x", parse("normal", "mean=0; sd=1")},
                             {"x", parse("normal", "mean=0; sd=1")}};
        REQUIRE_THROWS_WITH(ParameterSampler(twice, {}, 1), Contains("'x' is listed twice"));
        Distribution bad = parity::normal_distribution(0, 1);
        bad.p[1] = -1;  // built by hand, not through the checked constructor
        REQUIRE_THROWS_WITH(ParameterSampler({{"bad", bad}}, {}, 1),
                            Contains("parameter 'bad'") && Contains("sd is -1"));
    }
}

TEST_CASE("gamma with shape below 1: moments, distribution and lower tail", "[sampling]") {
    // Gamma(k + 1) exp(-E / k): most of the mass of a small shape sits close to 0, so the
    // check includes the lower tail, at the 0.1% quantile, beside the moments and KS.
    for (double shape : {0.1, 0.5}) {
        INFO("shape " << shape);
        const Distribution d = parity::gamma_distribution(shape, 1);
        RandomStream rs(3, 17, 0);
        std::vector<double> x(kDraws);
        for (double& v : x) v = rs.gamma(shape);
        REQUIRE(
            std::all_of(x.begin(), x.end(), [](double v) { return v > 0 && std::isfinite(v); }));
        check_moments(x, shape, shape);
        check_distribution(x, d);
        const double q = d.quantile(1e-3);
        const double below =
            static_cast<double>(std::count_if(x.begin(), x.end(), [q](double v) { return v < q; }));
        INFO("draws below the 0.1% quantile " << q << ": " << below);
        REQUIRE(std::abs(below - 1e-3 * kDraws) < 5.0 * std::sqrt(1e-3 * kDraws));
    }
}

TEST_CASE("tiny shapes: draws below the double range keep groups and betas exact", "[sampling]") {
    // With alpha = 0.005 a gamma is below 2^-960 in about 4% of draws and below the smallest
    // double in about 2%. A group with such a draw is drawn again in log space from the same
    // random numbers: every sample still sums to 1, no draw is NaN, and the share of values
    // below 1e-300 is the marginal beta's probability of it.
    const double tiny = 0.005;
    Named parameters = dirichlet_row("row", {tiny, tiny, tiny});
    parameters.emplace_back("b", parity::beta_distribution(tiny, tiny));
    const ParameterSampler sampler(parameters, {}, 11);
    const std::size_t n = sampler.n_parameters();
    const std::vector<double> values = sampler.sample(0, kDraws);
    for (std::size_t s = 0; s < kDraws; ++s) {
        const double* row = &values[s * n];
        REQUIRE(std::abs(row[0] + row[1] + row[2] - 1.0) < 1e-12);
        for (std::size_t p = 0; p < n; ++p) REQUIRE((row[p] >= 0.0 && row[p] <= 1.0));
    }
    // The same samples drawn one at a time, in reverse: the log-space redraw depends only on
    // the sample's own counter.
    std::vector<double> single(values.size());
    for (std::size_t s = 2000; s-- > 0;) sampler.sample(s, 1, &single[s * n]);
    REQUIRE(std::equal(single.begin(), single.begin() + 2000 * n, values.begin()));
    for (std::size_t p = 0; p < n; ++p) {
        const Distribution marginal = sampler.marginal(p);
        INFO(sampler.name(p) << " ~ " << marginal.describe());
        const std::vector<double> x = column(values, n, p);
        check_moments(x, marginal.mean(), marginal.variance());
        for (double edge : {1e-200, 1e-300}) {
            const double f = marginal.cdf(edge);
            const double below = static_cast<double>(
                std::count_if(x.begin(), x.end(), [edge](double v) { return v < edge; }));
            INFO("below " << edge << ": " << below << " draws, expected " << f * kDraws);
            REQUIRE(std::abs(below - f * kDraws) < 5.0 * std::sqrt(f * (1 - f) * kDraws));
        }
    }
}
