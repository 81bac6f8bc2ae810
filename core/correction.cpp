#include "parity/correction.hpp"

#include <cmath>
#include <cstddef>
#include <sstream>

#include "parity/errors.hpp"

namespace parity {
namespace {

std::string format_number(double x) {
    std::ostringstream out;
    out << x;
    return out.str();
}

void require_cycles(int n_cycles) {
    if (n_cycles < 1) {
        throw ModelError(format_error(
            {}, "the number of cycles is " + std::to_string(n_cycles) + " but must be at least 1",
            "Set a time horizon of at least one cycle"));
    }
}

std::vector<double> trapezoid_weights(int n) {
    std::vector<double> w(static_cast<std::size_t>(n) + 1, 1.0);
    w.front() = 0.5;
    w.back() = 0.5;
    return w;
}

// Adds composite Simpson 1/3 weights for the intervals [first, last]; last - first is even.
void add_simpson_1_3(std::vector<double>& w, int first, int last) {
    for (int t = first; t <= last; ++t) {
        double coefficient;
        if (t == first || t == last) {
            coefficient = 1.0;
        } else {
            coefficient = (t - first) % 2 == 1 ? 4.0 : 2.0;
        }
        w[static_cast<std::size_t>(t)] += coefficient / 3.0;
    }
}

std::vector<double> simpson_weights(int n) {
    // Simpson's rules need at least two intervals; a single cycle has no midpoint to use.
    if (n == 1) return trapezoid_weights(n);
    std::vector<double> w(static_cast<std::size_t>(n) + 1, 0.0);
    if (n % 2 == 0) {
        add_simpson_1_3(w, 0, n);
        return w;
    }
    // An odd count cannot be split into pairs of intervals, so the last three take Simpson's 3/8
    // rule, which is exact for cubics too and keeps the whole rule fourth-order.
    if (n > 3) add_simpson_1_3(w, 0, n - 3);
    const double three_eighths[] = {1.0, 3.0, 3.0, 1.0};
    for (int k = 0; k < 4; ++k) {
        w[static_cast<std::size_t>(n - 3 + k)] += 3.0 / 8.0 * three_eighths[k];
    }
    return w;
}

std::vector<double> user_weights(const std::vector<double>& given, int n) {
    const std::size_t needed = static_cast<std::size_t>(n) + 1;
    if (given.size() != needed) {
        throw ModelError(format_error(
            {},
            "the correction weights have " + std::to_string(given.size()) +
                " entries but a model with " + std::to_string(n) + " cycles needs " +
                std::to_string(needed) + " (n_cycles + 1, one per cycle point t = 0.." +
                std::to_string(n) + ")",
            "Give exactly one weight per cycle point, including t = 0 and t = " +
                std::to_string(n)));
    }
    for (std::size_t t = 0; t < given.size(); ++t) {
        if (!std::isfinite(given[t]) || given[t] < 0.0) {
            throw ModelError(format_error(
                {},
                "the correction weight at cycle point t = " + std::to_string(t) + " is " +
                    format_number(given[t]) + "; weights must be finite and non-negative",
                "Replace it with a number >= 0"));
        }
    }
    return given;
}

}  // namespace

std::vector<double> correction_weights(const CorrectionSpec& spec, int n_cycles) {
    require_cycles(n_cycles);
    if (spec.method != CorrectionMethod::weights && !spec.weights.empty()) {
        // Silently ignoring them would hide a model that was meant to use its own weights.
        throw ModelError(
            format_error({},
                         "correction weights were given but the correction method is '" +
                             to_string(spec.method) + "'",
                         "Set the method to 'weights' to use them, or remove the weights"));
    }
    const int n = n_cycles;
    switch (spec.method) {
        case CorrectionMethod::start: {
            std::vector<double> w(static_cast<std::size_t>(n) + 1, 1.0);
            w.back() = 0.0;
            return w;
        }
        case CorrectionMethod::end: {
            std::vector<double> w(static_cast<std::size_t>(n) + 1, 1.0);
            w.front() = 0.0;
            return w;
        }
        case CorrectionMethod::half_cycle:
        case CorrectionMethod::trapezoid: return trapezoid_weights(n);
        case CorrectionMethod::simpson: return simpson_weights(n);
        case CorrectionMethod::weights: return user_weights(spec.weights, n);
    }
    throw ModelError("unhandled correction method; this is a bug in parity, please report it");
}

CorrectionMethod parse_correction_method(const std::string& name) {
    struct Entry {
        const char* name;
        CorrectionMethod method;
    };
    static const Entry entries[] = {
        {"start", CorrectionMethod::start},
        {"end", CorrectionMethod::end},
        {"half_cycle", CorrectionMethod::half_cycle},
        {"trapezoid", CorrectionMethod::trapezoid},
        {"simpson", CorrectionMethod::simpson},
        {"weights", CorrectionMethod::weights},
        {"none", CorrectionMethod::start},
        {"half-cycle", CorrectionMethod::half_cycle},
        {"life_table", CorrectionMethod::trapezoid},
        {"simpson_1_3", CorrectionMethod::simpson},
    };
    for (const Entry& e : entries) {
        if (name == e.name) return e.method;
    }
    throw ModelError(format_error(
        {}, "unknown within-cycle correction method '" + name + "'",
        "Use one of: start, end, half_cycle, trapezoid, simpson, weights (aliases: none = start, "
        "half-cycle = half_cycle, life_table = trapezoid, simpson_1_3 = simpson)"));
}

std::string to_string(CorrectionMethod m) {
    switch (m) {
        case CorrectionMethod::start: return "start";
        case CorrectionMethod::end: return "end";
        case CorrectionMethod::half_cycle: return "half_cycle";
        case CorrectionMethod::trapezoid: return "trapezoid";
        case CorrectionMethod::simpson: return "simpson";
        case CorrectionMethod::weights: return "weights";
    }
    throw ModelError("unhandled correction method; this is a bug in parity, please report it");
}

}  // namespace parity
