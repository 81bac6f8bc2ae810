#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "parity/discount.hpp"
#include "parity/errors.hpp"

using parity::discount_factor_at;
using parity::discount_factors;
using parity::DiscountMethod;
using parity::DiscountSpec;
using parity::RateScaling;

namespace {

DiscountSpec spec_with(double rate, DiscountMethod method = DiscountMethod::discrete,
                       RateScaling scaling = RateScaling::exact) {
    DiscountSpec spec;
    spec.rate = rate;
    spec.method = method;
    spec.scaling = scaling;
    return spec;
}

void require_close(const std::vector<double>& actual, const std::vector<double>& expected) {
    REQUIRE(actual.size() == expected.size());
    for (std::size_t t = 0; t < expected.size(); ++t) {
        INFO("t = " << t);
        REQUIRE(actual[t] == Approx(expected[t]).epsilon(1e-12));
    }
}

}  // namespace

TEST_CASE("discrete annual discounting", "[discount]") {
    const auto d = discount_factors(spec_with(0.03), 75, 1.0);
    REQUIRE(d.size() == 76);
    REQUIRE(d[0] == 1.0);
    for (int t = 0; t <= 75; ++t) {
        INFO("t = " << t);
        REQUIRE(d[static_cast<std::size_t>(t)] == Approx(1.0 / std::pow(1.03, t)).epsilon(1e-13));
    }
    // Exact and simple scaling agree when a cycle is a year.
    require_close(
        discount_factors(spec_with(0.03, DiscountMethod::discrete, RateScaling::simple), 75, 1.0),
        d);
}

TEST_CASE("monthly cycles: exact compounds the annual rate, simple divides it", "[discount]") {
    const double month = 1.0 / 12;
    const auto exact = discount_factors(spec_with(0.03), 240, month);
    const DiscountSpec simple_spec = spec_with(0.03, DiscountMethod::discrete, RateScaling::simple);
    const auto simple = discount_factors(simple_spec, 240, month);
    for (int t = 0; t <= 240; ++t) {
        INFO("t = " << t);
        const auto i = static_cast<std::size_t>(t);
        REQUIRE(exact[i] == Approx(std::pow(1.03, -t / 12.0)).epsilon(1e-13));
        REQUIRE(simple[i] == Approx(std::pow(1.0 + 0.03 / 12, -t)).epsilon(1e-13));
    }
    // A year of exact monthly factors is the annual factor; simple compounds monthly, so more.
    REQUIRE(exact[12] == Approx(1 / 1.03).epsilon(1e-14));
    REQUIRE(simple[12] < exact[12]);
}

TEST_CASE("continuous discounting ignores scaling", "[discount]") {
    for (RateScaling scaling : {RateScaling::exact, RateScaling::simple}) {
        const auto d =
            discount_factors(spec_with(0.035, DiscountMethod::continuous, scaling), 30, 0.5);
        for (int t = 0; t <= 30; ++t) {
            INFO("t = " << t);
            const double expected = std::exp(-0.035 * 0.5 * t);
            REQUIRE(d[static_cast<std::size_t>(t)] == Approx(expected).epsilon(1e-13));
        }
    }
}

TEST_CASE("discounting the first cycle shifts every point by one cycle", "[discount]") {
    const double month = 1.0 / 12;
    for (RateScaling scaling : {RateScaling::exact, RateScaling::simple}) {
        DiscountSpec spec = spec_with(0.035, DiscountMethod::discrete, scaling);
        const auto plain = discount_factors(spec, 25, month);
        spec.discount_first_cycle = true;
        const auto shifted = discount_factors(spec, 25, month);
        REQUIRE(shifted.size() == 26);
        REQUIRE(shifted[0] < 1.0);
        const auto longer =
            discount_factors(spec_with(0.035, DiscountMethod::discrete, scaling), 26, month);
        require_close(shifted, std::vector<double>(longer.begin() + 1, longer.end()));
        REQUIRE(plain[0] == 1.0);
    }
    DiscountSpec annual = spec_with(0.03);
    annual.discount_first_cycle = true;
    const auto d = discount_factors(annual, 10, 1.0);
    for (int t = 0; t <= 10; ++t) {
        REQUIRE(d[static_cast<std::size_t>(t)] == Approx(std::pow(1.03, -(t + 1))).epsilon(1e-13));
    }
}

TEST_CASE("a zero rate gives factors of one", "[discount]") {
    for (DiscountMethod method : {DiscountMethod::discrete, DiscountMethod::continuous}) {
        for (RateScaling scaling : {RateScaling::exact, RateScaling::simple}) {
            DiscountSpec spec = spec_with(0.0, method, scaling);
            spec.discount_first_cycle = true;
            for (double factor : discount_factors(spec, 40, 0.25)) REQUIRE(factor == 1.0);
        }
    }
}

TEST_CASE("a negative rate inflates later points", "[discount]") {
    const auto d = discount_factors(spec_with(-0.01), 5, 1.0);
    REQUIRE(d[5] == Approx(std::pow(0.99, -5)).epsilon(1e-13));
}

TEST_CASE("Green Book declining rates", "[discount]") {
    DiscountSpec spec;
    spec.schedule = parity::green_book_schedule();
    REQUIRE(spec.schedule.size() == 6);

    REQUIRE(discount_factor_at(spec, 0.0) == 1.0);
    REQUIRE(discount_factor_at(spec, 30.0) == Approx(std::pow(1.035, -30)).epsilon(1e-13));
    REQUIRE(discount_factor_at(spec, 40.0) ==
            Approx(std::pow(1.035, -30) * std::pow(1.03, -10)).epsilon(1e-13));
    REQUIRE(
        discount_factor_at(spec, 100.0) ==
        Approx(std::pow(1.035, -30) * std::pow(1.03, -45) * std::pow(1.025, -25)).epsilon(1e-13));
    REQUIRE(discount_factor_at(spec, 350.0) ==
            Approx(std::pow(1.035, -30) * std::pow(1.03, -45) * std::pow(1.025, -50) *
                   std::pow(1.02, -75) * std::pow(1.015, -100) * std::pow(1.01, -50))
                .epsilon(1e-12));

    SECTION("cycle points follow the schedule") {
        const auto d = discount_factors(spec, 50, 1.0);
        for (int t = 0; t <= 50; ++t) {
            INFO("t = " << t);
            const double expected = discount_factor_at(spec, t);
            REQUIRE(d[static_cast<std::size_t>(t)] == Approx(expected).epsilon(1e-14));
        }
        REQUIRE(d[31] / d[30] == Approx(1 / 1.03).epsilon(1e-13));
    }
    SECTION("continuous") {
        spec.method = DiscountMethod::continuous;
        REQUIRE(discount_factor_at(spec, 40.0) ==
                Approx(std::exp(-0.035 * 30 - 0.03 * 10)).epsilon(1e-13));
    }
    SECTION("simple scaling uses the rate in force at the start of each cycle") {
        spec.scaling = RateScaling::simple;
        // 360 months ends exactly on the first step; month 361 is the first at 3.0%.
        const auto d = discount_factors(spec, 480, 1.0 / 12);
        const double at_30 = std::pow(1 + 0.035 / 12, -360);
        REQUIRE(d[360] == Approx(at_30).epsilon(1e-13));
        REQUIRE(d[361] == Approx(at_30 / (1 + 0.03 / 12)).epsilon(1e-13));
        REQUIRE(d[480] == Approx(at_30 * std::pow(1 + 0.03 / 12, -120)).epsilon(1e-13));
    }
}

TEST_CASE("a one-step schedule equals the plain rate", "[discount]") {
    for (DiscountMethod method : {DiscountMethod::discrete, DiscountMethod::continuous}) {
        for (RateScaling scaling : {RateScaling::exact, RateScaling::simple}) {
            for (bool first : {false, true}) {
                DiscountSpec plain = spec_with(0.04, method, scaling);
                plain.discount_first_cycle = first;
                DiscountSpec stepped = plain;
                stepped.rate = 0.9;  // replaced by the schedule
                stepped.schedule = {{0.0, 0.04}};
                require_close(discount_factors(stepped, 60, 1.0 / 12),
                              discount_factors(plain, 60, 1.0 / 12));
                REQUIRE(discount_factor_at(stepped, 7.3) == Approx(discount_factor_at(plain, 7.3)));
            }
        }
    }
}

TEST_CASE("a step part-way through a cycle", "[discount]") {
    DiscountSpec spec;
    spec.schedule = {{0.0, 0.05}, {1.5, 0.01}};
    const auto d = discount_factors(spec, 3, 1.0);
    REQUIRE(d[2] == Approx(std::pow(1.05, -1.5) * std::pow(1.01, -0.5)).epsilon(1e-13));

    spec.scaling = RateScaling::simple;
    const auto s = discount_factors(spec, 3, 1.0);
    REQUIRE(s[2] == Approx(std::pow(1.05, -2)).epsilon(1e-13));  // cycle 1 starts at year 1: 5%
    REQUIRE(s[3] == Approx(std::pow(1.05, -2) / 1.01).epsilon(1e-13));
}

TEST_CASE("simple scaling starts a step on the cycle that rounds just short of it", "[discount]") {
    // 3 * 0.3 is 0.8999999999999999 in binary floating point; the cycle starting there is the
    // first at the new rate.
    DiscountSpec spec;
    spec.scaling = RateScaling::simple;
    spec.schedule = {{0.0, 0.05}, {0.9, 0.01}};
    const auto d = discount_factors(spec, 5, 0.3);
    REQUIRE(d[3] == Approx(std::pow(1.015, -3)).epsilon(1e-13));
    REQUIRE(d[4] == Approx(std::pow(1.015, -3) / 1.003).epsilon(1e-13));
}

TEST_CASE("invalid discount inputs throw with a fix", "[discount]") {
    using Catch::Contains;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    DiscountSpec spec;

    SECTION("rates") {
        spec.rate = -1.0;
        REQUIRE_THROWS_AS(discount_factors(spec, 10, 1.0), parity::ModelError);
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, 1.0), Contains("discount rate is -1") &&
                                                                 Contains("greater than -1") &&
                                                                 Contains("0.035 for 3.5%"));
        spec.rate = nan;
        REQUIRE_THROWS_WITH(discount_factor_at(spec, 1.0), Contains("discount rate is nan"));
    }
    SECTION("cycles and cycle length") {
        REQUIRE_THROWS_WITH(discount_factors(spec, 0, 1.0),
                            Contains("number of cycles is 0") && Contains("at least 1"));
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, 0.0),
                            Contains("cycle length is 0 years") && Contains("1/12"));
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, -1.0), Contains("cycle length is -1 years"));
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, nan), Contains("cycle length is nan"));
    }
    SECTION("time for discount_factor_at") {
        REQUIRE_THROWS_WITH(discount_factor_at(spec, -2.0),
                            Contains("time -2 years") && Contains("0 years or more"));
        REQUIRE_THROWS_WITH(discount_factor_at(spec, std::numeric_limits<double>::infinity()),
                            Contains("time inf years"));
    }
    SECTION("schedules") {
        spec.schedule = {{1.0, 0.035}};
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, 1.0),
                            Contains("starts at year 1") && Contains("from_year 0"));
        spec.schedule = {{0.0, 0.035}, {30.0, 0.03}, {30.0, 0.025}};
        REQUIRE_THROWS_WITH(discount_factors(spec, 10, 1.0),
                            Contains("step 3 starts at year 30") && Contains("Sort the steps"));
        spec.schedule = {{0.0, 0.035}, {30.0, 0.03}, {20.0, 0.025}};
        REQUIRE_THROWS_WITH(discount_factor_at(spec, 5.0), Contains("step 3 starts at year 20"));
        spec.schedule = {{0.0, 0.035}, {nan, 0.03}};
        REQUIRE_THROWS_WITH(discount_factor_at(spec, 5.0), Contains("step 2 starts at year nan"));
        spec.schedule = {{0.0, 0.035}, {30.0, -1.5}};
        REQUIRE_THROWS_WITH(
            discount_factors(spec, 10, 1.0),
            Contains("schedule step 2 (from year 30) is -1.5") && Contains("greater than -1"));
    }
    SECTION("simple scaling needs a per-cycle rate above -1") {
        spec.rate = -0.6;
        spec.scaling = RateScaling::simple;
        REQUIRE_THROWS_WITH(discount_factors(spec, 3, 2.0), Contains("per-cycle rate") &&
                                                                Contains("-1.2") &&
                                                                Contains("exact rate scaling"));
        spec.scaling = RateScaling::exact;
        REQUIRE_NOTHROW(discount_factors(spec, 3, 2.0));
    }
}

TEST_CASE("discount method and scaling names", "[discount]") {
    using parity::parse_discount_method;
    using parity::parse_rate_scaling;
    for (DiscountMethod m : {DiscountMethod::discrete, DiscountMethod::continuous}) {
        REQUIRE(parse_discount_method(parity::to_string(m)) == m);
    }
    for (RateScaling s : {RateScaling::exact, RateScaling::simple}) {
        REQUIRE(parse_rate_scaling(parity::to_string(s)) == s);
    }
    REQUIRE_THROWS_WITH(parse_discount_method("annual"),
                        Catch::Contains("'annual'") && Catch::Contains("discrete, continuous"));
    REQUIRE_THROWS_WITH(parse_rate_scaling("compound"),
                        Catch::Contains("'compound'") && Catch::Contains("exact, simple"));
}
