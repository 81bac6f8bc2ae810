#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "parity/distributions.hpp"
#include "parity/errors.hpp"

using parity::Distribution;
using parity::DistributionType;
using parity::Location;
using parity::parse_distribution;

namespace {

const Location kCell{"parameters.csv", 7, 8, "distribution_parameters"};

Distribution parse(const std::string& type, const std::string& parameters,
                   double base_value = 0.5) {
    return parse_distribution(type, parameters, base_value, "p_test", kCell);
}

// Every univariate type once, for the generic checks.
std::vector<Distribution> one_of_each() {
    return {parse("beta", "alpha=130; beta=45"),
            parse("gamma", "shape=30; rate=200"),
            parse("gamma", "shape=0.4; scale=3"),
            parse("lognormal", "meanlog=log(3); sdlog=0.2"),
            parse("normal", "mean=-2; sd=0.5"),
            parse("truncated_normal", "mean=0.1; sd=0.2; lower=0"),
            parse("truncated_normal", "mean=0; sd=1; lower=2; upper=4"),
            parse("truncated_normal", "mean=0; sd=1; min=-1; max=0.5"),
            parse("uniform", "min=100; max=300"),
            parse("triangular", "min=0; mode=0.2; max=1"),
            parse("pert", "min=10; mode=12; max=20"),
            parse("pert", "min=0; mode=0.5; max=1; lambda=2")};
}

}  // namespace

TEST_CASE("the parameterisations of parameters.csv give canonical parameters", "[distributions]") {
    SECTION("gamma: rate and scale both said explicitly") {
        const Distribution rate = parse("gamma", "shape=30; rate=200");
        REQUIRE(rate.type == DistributionType::gamma);
        REQUIRE(rate.p[0] == 30.0);
        REQUIRE(rate.p[1] == Approx(0.005).epsilon(1e-15));
        REQUIRE(rate.mean() == Approx(0.15).epsilon(1e-14));
        const Distribution scale = parse("Gamma", "shape=100, scale=20");
        REQUIRE(scale.p[1] == 20.0);
        REQUIRE(scale.describe() == "gamma(shape=100, scale=20)");
    }
    SECTION("lognormal and beta as in the Sick-Sicker folder") {
        const Distribution hr = parse("lognormal", "meanlog=1.0986122886681098; sdlog=0.01");
        REQUIRE(hr.p[0] == 1.0986122886681098);
        REQUIRE(hr.p[1] == 0.01);
        const Distribution u = parse("beta", "alpha=200; beta=3");
        REQUIRE(u.p[0] == 200.0);
        REQUIRE(u.p[1] == 3.0);
        REQUIRE(u.mean() == Approx(200.0 / 203.0));
    }
    SECTION("values may be constant arithmetic") {
        const Distribution d = parse("lognormal", "meanlog = log(3) ; sdlog = 1/100");
        REQUIRE(d.p[0] == Approx(std::log(3.0)).epsilon(1e-15));
        REQUIRE(d.p[1] == Approx(0.01).epsilon(1e-15));
        const Distribution m = parse("uniform", "min=min(1, 2); max=max(3, 4)");
        REQUIRE(m.p[0] == 1.0);
        REQUIRE(m.p[1] == 4.0);
    }
    SECTION("fixed, blank, and aliases") {
        const Distribution blank = parse("", "", 0.25);
        REQUIRE(blank.type == DistributionType::fixed);
        REQUIRE_FALSE(blank.sampled());
        REQUIRE(blank.p[0] == 0.25);
        REQUIRE(parse("FIXED", "  ", 3).p[0] == 3.0);
        REQUIRE(parse("truncnormal", "mean=0; se=1; max=2").type ==
                DistributionType::truncated_normal);
        REQUIRE(parse("truncated-normal", "mean=0; sd=1; min=0").p[3] ==
                std::numeric_limits<double>::infinity());
        REQUIRE(parse("normal", "mean=1; se=2").p[1] == 2.0);
        REQUIRE(parse("beta", "mean=0.3; sd=0.05").type == DistributionType::beta);
        REQUIRE(parse("pert", "min=0; mode=1; max=2").p[3] == 4.0);
    }
    SECTION("group members") {
        const Distribution d = parse("dirichlet", "group=from_H; count=17");
        REQUIRE(d.type == DistributionType::dirichlet);
        REQUIRE(d.group == "from_H");
        REQUIRE(d.p[0] == 17.0);
        REQUIRE(d.grouped());
        const Distribution m = parse("mvnormal", "group=costs", 1200);
        REQUIRE(m.type == DistributionType::multivariate_normal);
        REQUIRE(m.p[0] == 1200.0);  // the parameter's value is the default mean
        REQUIRE(parse("multivariate_normal", "group=costs; mean=3", 1200).p[0] == 3.0);
        REQUIRE(m.mean() == 1200.0);
        REQUIRE_THROWS_WITH(d.mean(), Catch::Contains("dirichlet_marginal"));
        REQUIRE_THROWS_WITH(m.variance(), Catch::Contains("marginal"));
        REQUIRE_THROWS_WITH(d.quantile(0.5), Catch::Contains("group 'from_H'"));
    }
}

TEST_CASE("method-of-moments fits return the mean and standard error", "[distributions]") {
    const std::vector<std::pair<double, double>> cases = {
        {0.3, 0.05}, {0.95, 0.02}, {0.01, 0.005}, {0.5, 0.4}};
    for (const auto& [mean, se] : cases) {
        INFO("mean " << mean << ", se " << se);
        const Distribution b =
            parse("beta", "mean=" + std::to_string(mean) + "; se=" + std::to_string(se));
        REQUIRE(b.mean() == Approx(mean).epsilon(1e-12));
        REQUIRE(std::sqrt(b.variance()) == Approx(se).epsilon(1e-12));
    }
    for (const auto& [mean, se] :
         std::vector<std::pair<double, double>>{{0.15, 0.0274}, {4000, 300}, {2.5, 10}}) {
        INFO("mean " << mean << ", se " << se);
        const Distribution g = parity::gamma_from_moments(mean, se);
        REQUIRE(g.mean() == Approx(mean).epsilon(1e-12));
        REQUIRE(std::sqrt(g.variance()) == Approx(se).epsilon(1e-12));
        const Distribution l = parity::lognormal_from_moments(mean, se);
        REQUIRE(l.mean() == Approx(mean).epsilon(1e-12));
        REQUIRE(std::sqrt(l.variance()) == Approx(se).epsilon(1e-12));
    }
    // The lognormal formulas as written in the docs.
    const Distribution l = parse("lognormal", "mean=3; se=0.6");
    const double s2 = std::log(1.0 + 0.04);
    REQUIRE(l.p[1] == Approx(std::sqrt(s2)).epsilon(1e-15));
    REQUIRE(l.p[0] == Approx(std::log(3.0) - s2 / 2).epsilon(1e-15));
}

TEST_CASE("95% interval fits put the 2.5% and 97.5% quantiles on the interval", "[distributions]") {
    const auto check = [](const Distribution& d, double lower, double upper) {
        INFO(d.describe() << " for [" << lower << ", " << upper << "]");
        const double tolerance = 1e-8 * std::max(1.0, upper);  // 1e-8, relative for large values
        REQUIRE(std::abs(d.quantile(0.025) - lower) <= tolerance);
        REQUIRE(std::abs(d.quantile(0.975) - upper) <= tolerance);
    };
    const std::vector<std::pair<double, double>> unit = {{0.6, 0.8},   {0.01, 0.05}, {0.9, 0.999},
                                                         {0.001, 0.9}, {0.4, 0.41},  {0.2, 0.95}};
    for (const auto& [l, u] : unit) {
        check(parity::beta_from_interval(l, u), l, u);
        check(parity::gamma_from_interval(l, u), l, u);
        check(parity::lognormal_from_interval(l, u), l, u);
        check(parity::normal_from_interval(l, u), l, u);
    }
    for (const auto& [l, u] : std::vector<std::pair<double, double>>{
             {1000, 5000}, {0.5, 2.0}, {1e-4, 1.0}, {2.9, 3.1}}) {
        check(parity::gamma_from_interval(l, u), l, u);
        check(parity::lognormal_from_interval(l, u), l, u);
    }
    check(parse("beta", "lower=0.6; upper=0.8"), 0.6, 0.8);
    check(parse("gamma", "lower=1000; upper=5000"), 1000, 5000);
    check(parse("normal", "lower=-1; upper=3"), -1, 3);
    // The closed forms, with z = Φ^{-1}(0.975).
    const Distribution ln = parse("lognormal", "lower=2; upper=4.5");
    REQUIRE(ln.p[0] == Approx((std::log(2) + std::log(4.5)) / 2).epsilon(1e-15));
    REQUIRE(ln.p[1] ==
            Approx((std::log(4.5) - std::log(2)) / (2 * 1.959963984540054)).epsilon(1e-15));
}

TEST_CASE("moments, quantiles, CDFs and densities agree", "[distributions]") {
    for (const Distribution& d : one_of_each()) {
        INFO(d.describe());
        for (double u : {0.001, 0.025, 0.3, 0.5, 0.77, 0.975, 0.999}) {
            const double x = d.quantile(u);
            REQUIRE(d.cdf(x) == Approx(u).epsilon(1e-9));
            // The density is the slope of the CDF.
            const double sd = std::sqrt(d.variance());
            const double h = 1e-5 * (x == 0 ? sd : std::min(std::abs(x), sd));
            const double slope = (d.cdf(x + h) - d.cdf(x - h)) / (2 * h);
            REQUIRE(d.pdf(x) == Approx(slope).epsilon(1e-4));
        }
        // Mean and variance by quadrature over the quantile function: E[g(X)] = ∫ g(Q(u)) du.
        const int n = 200000;
        double m1 = 0, m2 = 0;
        for (int i = 0; i < n; ++i) {
            const double x = d.quantile((i + 0.5) / n);
            m1 += x / n;
            m2 += x * x / n;
        }
        const double sd = std::sqrt(d.variance());
        REQUIRE(std::abs(m1 - d.mean()) < 2e-3 * sd);
        REQUIRE(m2 - m1 * m1 == Approx(d.variance()).epsilon(2e-2));
    }
    const Distribution fixed = parity::fixed_value(2.0);
    REQUIRE(fixed.mean() == 2.0);
    REQUIRE(fixed.variance() == 0.0);
    REQUIRE(fixed.quantile(0.3) == 2.0);
    REQUIRE(fixed.cdf(1.999) == 0.0);
    REQUIRE(fixed.cdf(2.0) == 1.0);
    const Distribution g = parse("gamma", "shape=2; scale=1");
    REQUIRE(g.quantile(0.0) == 0.0);
    REQUIRE(std::isinf(g.quantile(1.0)));
    REQUIRE_THROWS_WITH(g.quantile(1.5), Catch::Contains("between 0 and 1"));
}

TEST_CASE("truncated normal moments follow the closed form", "[distributions]") {
    // Standard normal truncated to [0, inf): the half-normal.
    const double pi = std::acos(-1.0);
    const Distribution half = parse("truncated_normal", "mean=0; sd=1; lower=0");
    REQUIRE(half.mean() == Approx(std::sqrt(2 / pi)).epsilon(1e-14));
    REQUIRE(half.variance() == Approx(1 - 2 / pi).epsilon(1e-14));
    // Far in the upper tail, where Φ is close to 1: the mirrored form keeps its precision.
    const Distribution tail = parse("truncated_normal", "mean=0; sd=1; lower=8; upper=9");
    REQUIRE(tail.quantile(0.0) == 8.0);
    REQUIRE(tail.quantile(0.5) > 8.0);
    REQUIRE(tail.quantile(0.5) < 8.2);
    REQUIRE(tail.cdf(tail.quantile(0.3)) == Approx(0.3).epsilon(1e-9));
}

TEST_CASE("dirichlet marginals are betas", "[distributions]") {
    const Distribution member = parity::dirichlet_member("row", 3);
    const Distribution m = parity::dirichlet_marginal(member, 10);
    REQUIRE(m.type == DistributionType::beta);
    REQUIRE(m.p[0] == 3.0);
    REQUIRE(m.p[1] == 7.0);
    REQUIRE(m.mean() == Approx(0.3));
}

TEST_CASE("bad distribution cells are errors that say where, what and how to fix",
          "[distributions]") {
    using Catch::Contains;
    SECTION("unknown distribution, with a suggestion and the valid names") {
        REQUIRE_THROWS_AS(parse("gama", "shape=1; rate=1"), parity::InputError);
        REQUIRE_THROWS_WITH(parse("gama", "shape=1; rate=1"),
                            Contains("parameters.csv:7:8") && Contains("'p_test'") &&
                                Contains("unknown distribution 'gama'") &&
                                Contains("did you mean 'gamma'") &&
                                Contains("lognormal, multivariate_normal"));
    }
    SECTION("missing and unknown keys list the accepted forms") {
        REQUIRE_THROWS_WITH(parse("gamma", "shape=30"), Contains("needs a rate or a scale") &&
                                                            Contains("rate=") &&
                                                            Contains("scale="));
        REQUIRE_THROWS_WITH(parse("beta", "alpha=2"),
                            Contains("'beta' is missing") && Contains("mean & se"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=2; rat=3"), Contains("unknown key 'rat'") &&
                                                                  Contains("did you mean 'rate'") &&
                                                                  Contains("shape & scale"));
        REQUIRE_THROWS_WITH(parse("normal", ""),
                            Contains("found nothing") && Contains("mean & sd"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=2; rate=1; mean=3"),
                            Contains("'mean' cannot be combined with shape & rate"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=2; rate=1; scale=1"),
                            Contains("both rate and scale"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=2; shape=3; rate=1"), Contains("given twice"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape 2; rate=1"), Contains("not a key=value pair"));
        REQUIRE_THROWS_WITH(parse("dirichlet", "alpha=3"), Contains("'group' is missing"));
        REQUIRE_THROWS_WITH(parse("truncated_normal", "mean=0; sd=1"),
                            Contains("no bound is given"));
        REQUIRE_THROWS_WITH(parse("mvnormal", "group=g", std::nan("")), Contains("needs a mean"));
    }
    SECTION("values out of range") {
        REQUIRE_THROWS_WITH(parse("normal", "mean=1; sd=-0.2"), Contains("'p_test'") &&
                                                                    Contains("sd is -0.2") &&
                                                                    Contains("greater than 0"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=0; rate=1"), Contains("shape is 0"));
        REQUIRE_THROWS_WITH(parse("gamma", "shape=2; rate=-1"), Contains("rate is -1"));
        REQUIRE_THROWS_WITH(parse("dirichlet", "group=g; alpha=-1"), Contains("alpha is -1"));
        REQUIRE_THROWS_WITH(parse("beta", "mean=1.2; se=0.1"),
                            Contains("beta mean 1.2 is outside (0, 1)"));
        REQUIRE_THROWS_WITH(parse("beta", "mean=0.5; se=0.6"),
                            Contains("too large") && Contains("mean*(1-mean)"));
        REQUIRE_THROWS_WITH(parse("gamma", "mean=-3; se=1"), Contains("not positive"));
        REQUIRE_THROWS_WITH(parse("lognormal", "mean=0; se=1"), Contains("not positive"));
        REQUIRE_THROWS_WITH(parse("normal", "lower=3; upper=1"),
                            Contains("lower (3) must be less than upper (1)"));
        REQUIRE_THROWS_WITH(parse("beta", "lower=0.2; upper=1.5"), Contains("not inside (0, 1)"));
        REQUIRE_THROWS_WITH(parse("uniform", "min=2; max=2"), Contains("must be less than"));
        REQUIRE_THROWS_WITH(parse("triangular", "min=0; mode=3; max=2"),
                            Contains("mode 3 is outside [min, max]"));
        REQUIRE_THROWS_WITH(parse("truncated_normal", "mean=0; sd=1; lower=50"),
                            Contains("hold no probability"));
    }
    SECTION("values that are not finite numbers") {
        REQUIRE_THROWS_WITH(parse("normal", "mean=abc; sd=1"),
                            Contains("'mean' is 'abc', which is not a number"));
        REQUIRE_THROWS_WITH(parse("normal", "mean=nan; sd=1"), Contains("not a finite number"));
        REQUIRE_THROWS_WITH(parse("normal", "mean=1; sd=inf"), Contains("not a finite number"));
        REQUIRE_THROWS_WITH(parse("normal", "mean=; sd=1"), Contains("has no value"));
    }
    SECTION("parameters without a distribution, or with a fixed one") {
        REQUIRE_THROWS_WITH(parse("", "shape=3"), Contains("but no distribution"));
        REQUIRE_THROWS_WITH(parse("fixed", "value=3"), Contains("takes no distribution"));
    }
}
