// Discount factors for the cycle points of a cohort trace and for arbitrary times in years.
// The formulas, their sources and the edge cases are in docs/methods/correction-and-discounting.md.
#pragma once

#include <string>
#include <vector>

namespace parity {

enum class DiscountMethod { discrete, continuous };

/// How an annual rate r is applied to cycles of length L years (ignored by continuous discounting):
/// exact compounds the annual rate, (1 + r)^-L per cycle; simple uses the per-cycle rate r * L,
/// (1 + r * L)^-1 per cycle, as the DARTH tutorials do for monthly cycles.
enum class RateScaling { exact, simple };

/// An annual rate in force from model time from_year (in years) onwards.
struct RateStep {
    double from_year;
    double rate;
};

struct DiscountSpec {
    double rate = 0.035;  // annual rate, NICE reference case
    DiscountMethod method = DiscountMethod::discrete;
    RateScaling scaling = RateScaling::exact;
    /// false: cycle point t is discounted as at time t * cycle_length, so point 0 has factor 1.
    /// true: point t is discounted as at time (t + 1) * cycle_length.
    bool discount_first_cycle = false;
    /// Piecewise-constant annual rates; when non-empty it replaces `rate`. Steps must be strictly
    /// increasing in from_year and the first must start at 0.
    std::vector<RateStep> schedule;
};

/// Factors for cycle points t = 0..n_cycles (n_cycles + 1 of them). Throws ModelError when
/// n_cycles < 1, cycle_length is not a finite positive number, or the spec is invalid.
std::vector<double> discount_factors(const DiscountSpec& spec, int n_cycles, double cycle_length);

/// Factor for a time in years (finite, >= 0), compounding exactly: `scaling` and
/// `discount_first_cycle` are not used, because both are defined in terms of cycles.
double discount_factor_at(const DiscountSpec& spec, double years);

/// Accepts "discrete" and "continuous"; throws ModelError listing the valid names.
DiscountMethod parse_discount_method(const std::string& name);
/// Accepts "exact" and "simple"; throws ModelError listing the valid names.
RateScaling parse_rate_scaling(const std::string& name);

std::string to_string(DiscountMethod m);
std::string to_string(RateScaling s);

/// HM Treasury Green Book (2022) declining long-term discount rates: 3.5% for years 0-30, 3.0%
/// for 31-75, 2.5% for 76-125, 2.0% for 126-200, 1.5% for 201-300 and 1.0% from 301 on, as steps
/// starting at 0, 30, 75, 125, 200 and 300 years.
std::vector<RateStep> green_book_schedule();

}  // namespace parity
