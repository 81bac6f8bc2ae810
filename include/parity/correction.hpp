// Within-cycle correction: how much each cycle point of a cohort trace counts towards a total.
// The formulas, their sources and the edge cases are in docs/methods/correction-and-discounting.md.
#pragma once

#include <string>
#include <vector>

namespace parity {

/// How outcomes counted at the cycle points t = 0..n are weighted. half_cycle and trapezoid give
/// the same weights (Elbasha & Chhatwal 2016); both names are kept because models cite either.
enum class CorrectionMethod { start, end, half_cycle, trapezoid, simpson, weights };

struct CorrectionSpec {
    CorrectionMethod method = CorrectionMethod::half_cycle;
    /// User weights, one per cycle point (n_cycles + 1 of them); only for method == weights, and
    /// must be empty otherwise.
    std::vector<double> weights;
};

/// Weights w_0..w_n (n = n_cycles) that multiply the reward counted at each cycle point.
/// Throws ModelError when n_cycles < 1 or the spec is invalid (see the docs for the rules).
std::vector<double> correction_weights(const CorrectionSpec& spec, int n_cycles);

/// Accepts "start", "end", "half_cycle", "trapezoid", "simpson", "weights" and the aliases "none"
/// (start), "half-cycle" (half_cycle), "life_table" (trapezoid), "simpson_1_3" (simpson).
/// Matching is exact (case-sensitive). Throws ModelError listing the valid names.
CorrectionMethod parse_correction_method(const std::string& name);

/// The canonical name, which parse_correction_method accepts.
std::string to_string(CorrectionMethod m);

}  // namespace parity
