// Evaluates a parsed muParser expression for a block of samples at once. muParser evaluates one
// value per call; here its reverse-Polish bytecode is walked once per block, each operation
// running over all samples, so arithmetic vectorises and the interpretation cost is shared.
// Expressions the walker does not handle (if-then-else, string functions) fall back to muParser,
// sample by sample.
#pragma once

#include <muParser.h>

#include <cstddef>
#include <vector>

namespace parity {

class BlockCode {
public:
    /// `parser` has parsed its expression with variables bound inside `variables`, an array of
    /// `n_variables` doubles; the bytecode is copied, so the parser may later re-parse.
    BlockCode(mu::Parser& parser, const double* variables, std::size_t n_variables);

    /// out[b] for b < B, reading variable v of sample b at block_vars[v * B + b].
    /// `scalar_vars` is the parser's own variable array, used by the fallback.
    void eval(const double* block_vars, std::size_t B, double* out, double* scalar_vars);

    bool vectorised() const { return vectorised_; }

private:
    struct Op {
        mu::ECmdCode cmd;
        std::size_t var;  // variable index for variable tokens
        double a, b;      // constants of cmVAL (b) and cmVARMUL (a * x + b)
        int argc;         // functions: number of arguments (negative: variadic)
        mu::generic_callable_type fn;
    };
    void run(const double* block_vars, std::size_t B, double* out);
    void fallback(const double* block_vars, std::size_t B, double* out, double* scalar_vars);

    mu::Parser* parser_;
    std::vector<Op> ops_;
    std::vector<std::size_t> used_;  // variables the expression reads
    std::size_t max_stack_ = 0;
    bool vectorised_ = true;
    std::vector<double> stack_;
};

}  // namespace parity
