// Expressions: parameter values, probabilities and rewards written as formulas (muParser), with
// the conversions health economists use (rates, probabilities, odds, hazard ratios) and lookups
// in tables such as life tables.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "parity/model_spec.hpp"

namespace parity {

/// Names with a meaning in every expression. `cycle` is the cycle index t, `time` the model time
/// in years (t * cycle_length), `age` the cohort's age (start_age + time), `state_time` the
/// cycles spent in a tunnel state.
inline const std::vector<std::string>& time_variable_names() {
    static const std::vector<std::string> names = {"cycle", "time", "age", "state_time"};
    return names;
}

/// Functions parity adds to muParser's built-ins, with their help text (for docs and errors).
const std::vector<std::pair<std::string, std::string>>& expression_function_help();

/// The variable names an expression refers to, in order of first use (functions excluded).
/// Throws ModelError with the position of a syntax error; `context` says whose expression it is.
std::vector<std::string> referenced_names(const std::string& expression,
                                          const std::vector<LookupTable>& tables,
                                          const std::string& context);

/// A set of compiled expressions sharing one block of variables. Each expression is parsed once;
/// evaluating it reads the current values of the variables. Not thread-safe: each thread makes
/// its own ExpressionSet from the same strings.
class ExpressionSet {
public:
    /// `variables` names the slots of the variable block; `tables` provide lookup functions;
    /// `cycle_length` is the default duration of the rate/probability conversions. The tables
    /// must outlive this object.
    ExpressionSet(std::vector<std::string> variables, const std::vector<LookupTable>* tables,
                  double cycle_length);
    ~ExpressionSet();
    ExpressionSet(const ExpressionSet&) = delete;
    ExpressionSet& operator=(const ExpressionSet&) = delete;

    /// Compile an expression; returns its id. Unknown names are an error naming `context`.
    int add(const std::string& expression, const std::string& context);

    double eval(int id);
    /// Evaluate for a block of B samples: variable v of sample b is block_vars[v * B + b].
    /// Arithmetic runs over the whole block; what cannot (if-then-else) runs sample by sample
    /// through the scalar variables, which it leaves changed.
    void eval_block(int id, const double* block_vars, std::size_t B, double* out);
    /// The variable an expression merely names (its whole text is that name), or -1.
    int variable_of(int id) const;
    /// Whether eval_block runs the expression over the block (not sample by sample).
    bool vectorised(int id) const;
    double* variables() { return values_.data(); }
    std::size_t size() const;

private:
    static double* bind_variable(const char* name, void* user);
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::vector<double> values_;
};

}  // namespace parity
