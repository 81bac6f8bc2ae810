// The sampler's own exp and log against the C library's over their whole ranges.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "parity/sampling_math.hpp"

using parity::detail::sampling_exp;
using parity::detail::sampling_log;

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
double ulps(double a, double b) {
    if (a == b) return 0;
    return std::abs(a - b) / (std::nextafter(std::abs(b), INFINITY) - std::abs(b));
}

double from_bits(std::uint64_t bits) {
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
}

}  // namespace

TEST_CASE("sampling_exp agrees with std::exp to 2 ulp over its range", "[sampling]") {
    std::mt19937_64 gen(11);
    std::uniform_real_distribution<double> anywhere(parity::detail::kSamplingExpMin,
                                                    parity::detail::kSamplingExpMax);
    std::uniform_real_distribution<double> near_zero(-1.0, 1.0);
    double worst = 0;
    for (int i = 0; i < 1000000; ++i) {
        const double x = i % 2 ? anywhere(gen) : near_zero(gen) * std::pow(2.0, -(i % 60));
        worst = std::max(worst, ulps(sampling_exp(x), std::exp(x)));
    }
    CHECK(worst <= 2.0);
    // Edges and exact points.
    CHECK(sampling_exp(0.0) == 1.0);
    CHECK(ulps(sampling_exp(-708.0), std::exp(-708.0)) <= 2.0);
    CHECK(ulps(sampling_exp(709.0), std::exp(709.0)) <= 2.0);
    CHECK(sampling_exp(-708.5) == 0.0);
    CHECK(sampling_exp(-1e6) == 0.0);
    CHECK(sampling_exp(-std::numeric_limits<double>::infinity()) == 0.0);
}

TEST_CASE("sampling_log agrees with std::log to 2 ulp over the positive doubles", "[sampling]") {
    std::mt19937_64 gen(12);
    std::uniform_int_distribution<std::uint64_t> normal_bits(0x0010000000000000ull,
                                                             0x7fefffffffffffffull);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double worst = 0;
    for (int i = 0; i < 1000000; ++i) {
        // Every binade, the unit interval (the uniforms of the acceptance test) and around 1,
        // where the log is small and a careless sum would lose its digits.
        const double x = i % 3 == 0   ? from_bits(normal_bits(gen))
                         : i % 3 == 1 ? unit(gen)
                                      : 1.0 + (unit(gen) - 0.5) * std::pow(2.0, -(i % 50));
        if (x == 1.0 || x <= 0.0) continue;
        worst = std::max(worst, ulps(sampling_log(x), std::log(x)));
    }
    CHECK(worst <= 2.0);
    CHECK(sampling_log(1.0) == 0.0);
    CHECK(ulps(sampling_log(0x1p-1022), std::log(0x1p-1022)) <= 2.0);
    CHECK(ulps(sampling_log(0x1p-53), std::log(0x1p-53)) <= 2.0);
    CHECK(sampling_log(0.0) == -std::numeric_limits<double>::infinity());
    CHECK(sampling_log(0x1p-1070) == -std::numeric_limits<double>::infinity());
}
