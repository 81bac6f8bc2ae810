#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "parity/correction.hpp"
#include "parity/errors.hpp"

using parity::correction_weights;
using parity::CorrectionMethod;
using parity::CorrectionSpec;

namespace {

std::vector<double> weights_for(CorrectionMethod method, int n) {
    CorrectionSpec spec;
    spec.method = method;
    return correction_weights(spec, n);
}

void require_same(const std::vector<double>& actual, const std::vector<double>& expected) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t t = 0; t < expected.size(); ++t) {
        INFO("t = " << t);
        REQUIRE(actual[t] == Approx(expected[t]).margin(1e-15));
    }
}

double sum(const std::vector<double>& w) { return std::accumulate(w.begin(), w.end(), 0.0); }

// sum_t w_t f(t): the rule's estimate of the integral of f over [0, n].
template <class F>
double integrate(const std::vector<double>& w, F f) {
    double total = 0.0;
    for (std::size_t t = 0; t < w.size(); ++t) total += w[t] * f(static_cast<double>(t));
    return total;
}

// The vector darthtools::gen_wcc(n, "Simpson1/3") returns: 1/3 at both ends, then 2/3 at odd t
// and 4/3 at even t, which is Simpson's rule with the interior 2s and 4s swapped.
std::vector<double> darth_article_weights(int n) {
    std::vector<double> w(static_cast<std::size_t>(n) + 1);
    for (int t = 0; t <= n; ++t) w[static_cast<std::size_t>(t)] = t % 2 == 1 ? 2.0 / 3 : 4.0 / 3;
    w.front() = w.back() = 1.0 / 3;
    return w;
}

}  // namespace

TEST_CASE("start and end count each cycle once, at one end", "[correction]") {
    require_same(weights_for(CorrectionMethod::start, 1), {1, 0});
    require_same(weights_for(CorrectionMethod::start, 4), {1, 1, 1, 1, 0});
    require_same(weights_for(CorrectionMethod::end, 1), {0, 1});
    require_same(weights_for(CorrectionMethod::end, 4), {0, 1, 1, 1, 1});
}

TEST_CASE("half_cycle and trapezoid give the same weights", "[correction]") {
    require_same(weights_for(CorrectionMethod::half_cycle, 1), {0.5, 0.5});
    require_same(weights_for(CorrectionMethod::half_cycle, 3), {0.5, 1, 1, 0.5});
    for (int n = 1; n <= 12; ++n) {
        INFO("n = " << n);
        require_same(weights_for(CorrectionMethod::trapezoid, n),
                     weights_for(CorrectionMethod::half_cycle, n));
    }
}

TEST_CASE("simpson weights for small n", "[correction]") {
    const double a = 1.0 / 3, b = 4.0 / 3, c = 2.0 / 3;
    SECTION("one cycle falls back to the trapezoid") {
        require_same(weights_for(CorrectionMethod::simpson, 1), {0.5, 0.5});
    }
    SECTION("even n is composite Simpson 1/3") {
        require_same(weights_for(CorrectionMethod::simpson, 2), {a, b, a});
        require_same(weights_for(CorrectionMethod::simpson, 4), {a, b, c, b, a});
        require_same(weights_for(CorrectionMethod::simpson, 6), {a, b, c, b, c, b, a});
    }
    SECTION("odd n ends with Simpson 3/8 over the last three intervals") {
        require_same(weights_for(CorrectionMethod::simpson, 3),
                     {3.0 / 8, 9.0 / 8, 9.0 / 8, 3.0 / 8});
        // 1/3 over [0,2], 3/8 over [2,5]; point 2 gets 1/3 + 3/8.
        require_same(weights_for(CorrectionMethod::simpson, 5),
                     {a, b, a + 3.0 / 8, 9.0 / 8, 9.0 / 8, 3.0 / 8});
        require_same(weights_for(CorrectionMethod::simpson, 7),
                     {a, b, c, b, a + 3.0 / 8, 9.0 / 8, 9.0 / 8, 3.0 / 8});
    }
}

TEST_CASE("trapezoid and simpson weights sum to the number of cycles", "[correction]") {
    for (int n = 1; n <= 40; ++n) {
        INFO("n = " << n);
        REQUIRE(sum(weights_for(CorrectionMethod::trapezoid, n)) == Approx(n).epsilon(1e-14));
        REQUIRE(sum(weights_for(CorrectionMethod::simpson, n)) == Approx(n).epsilon(1e-14));
        REQUIRE(sum(weights_for(CorrectionMethod::start, n)) == n);
        REQUIRE(sum(weights_for(CorrectionMethod::end, n)) == n);
    }
}

TEST_CASE("simpson integrates cubics exactly, trapezoid linear functions", "[correction]") {
    for (int n = 2; n <= 9; ++n) {
        INFO("n = " << n);
        const double nn = n;
        const auto simpson = weights_for(CorrectionMethod::simpson, n);
        REQUIRE(std::abs(integrate(simpson, [](double t) { return t * t * t; }) -
                         nn * nn * nn * nn / 4) < 1e-12);
        REQUIRE(std::abs(integrate(simpson, [](double t) { return 2 - 3 * t + t * t; }) -
                         (2 * nn - 1.5 * nn * nn + nn * nn * nn / 3)) < 1e-12);
    }
    for (int n = 1; n <= 9; ++n) {
        INFO("n = " << n);
        const double nn = n;
        const auto trapezoid = weights_for(CorrectionMethod::trapezoid, n);
        REQUIRE(std::abs(integrate(trapezoid, [](double t) { return 5 - 2 * t; }) -
                         (5 * nn - nn * nn)) < 1e-12);
    }
}

TEST_CASE("user weights are returned as given", "[correction]") {
    CorrectionSpec spec;
    spec.method = CorrectionMethod::weights;
    spec.weights = {0.25, 1, 0, 0.75};
    require_same(correction_weights(spec, 3), {0.25, 1, 0, 0.75});
}

TEST_CASE("the DARTH article's Simpson vector is accepted as user weights", "[correction]") {
    // n = 75 is the horizon of the DARTH introductory tutorial. Swapping the 2s and 4s loses a
    // third of a cycle when n is odd and two thirds when n is even.
    CorrectionSpec spec;
    spec.method = CorrectionMethod::weights;
    spec.weights = darth_article_weights(75);
    const auto w = correction_weights(spec, 75);
    require_same(w, spec.weights);
    REQUIRE(sum(w) == Approx(75.0 - 1.0 / 3).epsilon(1e-14));

    spec.weights = darth_article_weights(74);
    REQUIRE(sum(correction_weights(spec, 74)) == Approx(74.0 - 2.0 / 3).epsilon(1e-14));
}

TEST_CASE("invalid correction specs throw with a fix", "[correction]") {
    using Catch::Contains;
    CorrectionSpec spec;

    SECTION("too few cycles") {
        REQUIRE_THROWS_AS(correction_weights(spec, 0), parity::ModelError);
        REQUIRE_THROWS_WITH(correction_weights(spec, 0),
                            Contains("number of cycles is 0") && Contains("at least 1"));
        REQUIRE_THROWS_WITH(correction_weights(spec, -3), Contains("number of cycles is -3"));
    }
    SECTION("user weights of the wrong length") {
        spec.method = CorrectionMethod::weights;
        spec.weights = {0.5, 1, 1, 0.5};
        REQUIRE_THROWS_AS(correction_weights(spec, 4), parity::ModelError);
        REQUIRE_THROWS_WITH(correction_weights(spec, 4),
                            Contains("have 4 entries") && Contains("needs 5") &&
                                Contains("n_cycles + 1") && Contains("one weight per cycle point"));
        spec.weights.clear();
        REQUIRE_THROWS_WITH(correction_weights(spec, 2),
                            Contains("have 0 entries") && Contains("needs 3"));
    }
    SECTION("negative or non-finite user weights") {
        spec.method = CorrectionMethod::weights;
        spec.weights = {0.5, -1, 0.5};
        REQUIRE_THROWS_WITH(correction_weights(spec, 2),
                            Contains("t = 1 is -1") && Contains("non-negative"));
        spec.weights = {0.5, 1, std::numeric_limits<double>::quiet_NaN()};
        REQUIRE_THROWS_WITH(correction_weights(spec, 2),
                            Contains("t = 2 is nan") && Contains("finite"));
        spec.weights = {std::numeric_limits<double>::infinity(), 1, 0.5};
        REQUIRE_THROWS_WITH(correction_weights(spec, 2), Contains("t = 0 is inf"));
    }
    SECTION("weights given with another method") {
        spec.method = CorrectionMethod::simpson;
        spec.weights = {0.5, 1, 0.5};
        REQUIRE_THROWS_WITH(correction_weights(spec, 2),
                            Contains("method is 'simpson'") && Contains("'weights'"));
    }
}

TEST_CASE("correction method names", "[correction]") {
    using parity::parse_correction_method;
    for (CorrectionMethod m :
         {CorrectionMethod::start, CorrectionMethod::end, CorrectionMethod::half_cycle,
          CorrectionMethod::trapezoid, CorrectionMethod::simpson, CorrectionMethod::weights}) {
        REQUIRE(parse_correction_method(parity::to_string(m)) == m);
    }
    REQUIRE(parse_correction_method("none") == CorrectionMethod::start);
    REQUIRE(parse_correction_method("half-cycle") == CorrectionMethod::half_cycle);
    REQUIRE(parse_correction_method("life_table") == CorrectionMethod::trapezoid);
    REQUIRE(parse_correction_method("simpson_1_3") == CorrectionMethod::simpson);

    REQUIRE_THROWS_AS(parse_correction_method("Simpson1/3"), parity::ModelError);
    REQUIRE_THROWS_WITH(parse_correction_method("midpoint"),
                        Catch::Contains("unknown within-cycle correction method 'midpoint'") &&
                            Catch::Contains("start, end, half_cycle, trapezoid, simpson, weights"));
}
