// The exp and log used inside the gamma sampler: the exp for every draw of a shape below 1
// (drawn as Gamma(shape + 1) exp(-E / shape)), the logs for the few tries that miss
// Marsaglia and Tsang's quick acceptance test. The C library's are calls with special-case
// branches; these are inline and straight-line, and their results are fixed by the code below
// rather than by whichever libm a machine has, so the same seed gives the same samples
// everywhere. Files that use them are compiled with -ffp-contract=off (see CMakeLists.txt): a
// fused multiply-add on one machine only would change the last bit.
// Details and accuracy: docs/methods/distributions.md.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

namespace parity::detail {

/// 2^(j/64) for j = 0..63, each the double nearest the exact value (computed to 60 digits).
inline constexpr double kExp2Sixtyfourths[64] = {
    0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
    0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
    0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
    0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
    0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
    0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
    0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
    0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
    0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
    0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
    0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
    0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0,
};

/// Arguments below this give 0 (the true value, below 2^-1022, is subnormal or smaller).
inline constexpr double kSamplingExpMin = -708.0;
/// The largest argument handled (e^x is finite up to 709.78); the sampler only passes x <= 0.
inline constexpr double kSamplingExpMax = 709.0;

/// e^x within 1 ulp or so for x in [kSamplingExpMin, kSamplingExpMax], and 0 below.
/// x = (64 k + j) ln2 / 64 + r with |r| <= ln2 / 128, so e^x = 2^k 2^(j/64) e^r, and e^r - 1
/// is its Taylor polynomial of degree 5 (the next term is below 4e-17 relative).
inline double sampling_exp(double x) {
    constexpr double kSixtyfourOverLn2 = 0x1.71547652b82fep+6;
    // ln2 / 64 in two parts; the high part has 32 significant bits, so n * kHi is exact for
    // every |n| < 2^21.
    constexpr double kLn2OverSixtyfourHi = 0x1.62e42fee00000p-7;
    constexpr double kLn2OverSixtyfourLo = 0x1.a39ef35793c76p-39;
    constexpr double kShifter = 0x1.8p52;  // adding it rounds to an integer in the low bits
    const bool underflow = x < kSamplingExpMin;
    const double xc = underflow ? kSamplingExpMin : x;
    const double shifted = xc * kSixtyfourOverLn2 + kShifter;
    std::uint64_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    const double n = shifted - kShifter;
    const double r = (xc - n * kLn2OverSixtyfourHi) - n * kLn2OverSixtyfourLo;
    // The low 32 bits of `bits` hold n as a two's-complement integer.
    const std::int32_t ni = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
    const std::int32_t j = ni & 63;
    const std::int32_t k = (ni - j) / 64;
    const std::uint64_t scale_bits = static_cast<std::uint64_t>(k + 1023) << 52;
    double scale;
    std::memcpy(&scale, &scale_bits, sizeof scale);
    const double r2 = r * r;
    const double q = r + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * (1.0 / 24.0 + r * (1.0 / 120.0)));
    const double t = kExp2Sixtyfourths[j];
    const double y = (t + t * q) * scale;
    return underflow ? 0.0 : y;
}

/// The natural log within 1 ulp or so of every positive normal double; -inf for x below the
/// smallest normal double (0 included). x = 2^k m with m in [sqrt(1/2), sqrt(2)), and
/// log m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172, summed to s^21 (the next term is
/// below 2e-17 relative).
inline double sampling_log(double x) {
    constexpr double kLn2Hi = 0x1.62e42fee00000p-1;  // 32 significant bits: k * kLn2Hi is exact
    constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
    constexpr std::int64_t kSqrtHalfBits = 0x3fe6a09e667f3bcd;
    constexpr double kSmallestNormal = 0x1p-1022;
    const bool tiny = x < kSmallestNormal;
    const double xc = tiny ? 1.0 : x;
    std::int64_t bits;
    std::memcpy(&bits, &xc, sizeof bits);
    // Shift the binade boundary to sqrt(1/2) so m lands in [sqrt(1/2), sqrt(2)).
    const std::int64_t k = (bits - kSqrtHalfBits) >> 52;
    const std::int64_t m_bits = bits - k * (std::int64_t(1) << 52);
    double m;
    std::memcpy(&m, &m_bits, sizeof m);
    const double f = m - 1.0;  // exact
    const double s = f / (2.0 + f);
    const double z = s * s;
    const double z2 = z * z;
    const double z4 = z2 * z2;
    // 1/3 + z/5 + ... + z^9/21, in Estrin's order so the terms do not wait for each other.
    const double p01 = 1.0 / 3.0 + z * (1.0 / 5.0);
    const double p23 = 1.0 / 7.0 + z * (1.0 / 9.0);
    const double p45 = 1.0 / 11.0 + z * (1.0 / 13.0);
    const double p67 = 1.0 / 15.0 + z * (1.0 / 17.0);
    const double p89 = 1.0 / 19.0 + z * (1.0 / 21.0);
    const double p = (p01 + z2 * p23) + z4 * ((p45 + z2 * p67) + z4 * p89);
    const double two_s = s + s;
    const double kd = static_cast<double>(k);
    const double y = kd * kLn2Hi + (two_s + (two_s * z * p + kd * kLn2Lo));
    return tiny ? -std::numeric_limits<double>::infinity() : y;
}

}  // namespace parity::detail
