// The block walker of muParser bytecode must agree with muParser itself on every expression.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "parity/expression.hpp"

using namespace parity;

namespace {

constexpr std::size_t B = 37;

/// Evaluate `expr` for B samples both ways and compare.
void agree(ExpressionSet& set, int id, const std::vector<double>& block_vars, std::size_t n_vars,
           const std::string& expr) {
    std::vector<double> scalar_values(B);
    try {
        for (std::size_t b = 0; b < B; ++b) {
            for (std::size_t v = 0; v < n_vars; ++v) set.variables()[v] = block_vars[v * B + b];
            scalar_values[b] = set.eval(id);
        }
    } catch (const ModelError&) {
        // A function refused one sample's arguments (a lookup of NaN): so must the block.
        std::vector<double> block(B);
        REQUIRE_THROWS_AS(set.eval_block(id, block_vars.data(), B, block.data()), ModelError);
        return;
    }
    std::vector<double> block(B);
    set.eval_block(id, block_vars.data(), B, block.data());
    for (std::size_t b = 0; b < B; ++b) {
        const double scalar = scalar_values[b];
        INFO(expr << " at sample " << b);
        if (std::isnan(scalar))
            REQUIRE(std::isnan(block[b]));
        else
            REQUIRE(block[b] == Approx(scalar).epsilon(1e-15).margin(1e-300));
    }
}

std::string random_expression(std::mt19937_64& rng, int depth) {
    static const char* vars[] = {"a", "b", "c", "age"};
    static const char* binops[] = {"+",  "-",  "*",  "/",  "^",  "<", ">",
                                   "<=", ">=", "==", "!=", "&&", "||"};
    static const char* funs1[] = {"exp",          "ln",           "sqrt",         "abs",      "sin",
                                  "rate_to_prob", "prob_to_odds", "odds_to_prob", "lt_Total", "-"};
    std::uniform_int_distribution<int> pick(0, depth <= 0 ? 1 : 7);
    switch (pick(rng)) {
        case 0: return vars[rng() % 4];
        case 1: return std::to_string(static_cast<double>(rng() % 1000) / 100.0);
        case 2:
        case 3:
            return "(" + random_expression(rng, depth - 1) + " " + binops[rng() % 13] + " " +
                   random_expression(rng, depth - 1) + ")";
        case 4: {
            const std::string f = funs1[rng() % 10];
            return f == "-" ? "-(" + random_expression(rng, depth - 1) + ")"
                            : f + "(" + random_expression(rng, depth - 1) + ")";
        }
        case 5:
            return "min(" + random_expression(rng, depth - 1) + ", " +
                   random_expression(rng, depth - 1) + ", " + vars[rng() % 4] + ")";
        case 6:
            return "apply_hr(" + random_expression(rng, depth - 1) + ", " + vars[rng() % 4] + ")";
        default:
            return "(" + random_expression(rng, depth - 1) + " ? " +
                   random_expression(rng, depth - 1) + " : " + random_expression(rng, depth - 1) +
                   ")";
    }
}

}  // namespace

TEST_CASE("block evaluation agrees with muParser", "[expression][block]") {
    std::vector<LookupTable> tables(1);
    tables[0].name = "lt";
    tables[0].key_name = "age";
    tables[0].keys = {0, 10, 20, 30};
    tables[0].columns = {"Total"};
    tables[0].values = {{0.01, 0.02, 0.04, 0.08}};
    const std::vector<std::string> names = {"a", "b", "c", "age"};
    ExpressionSet set(names, &tables, 0.5);
    std::mt19937_64 rng(20261123);
    std::uniform_real_distribution<double> u(-2.0, 3.0);
    std::vector<double> block_vars(names.size() * B);
    for (auto& x : block_vars) x = u(rng);
    for (std::size_t b = 0; b < B; ++b) block_vars[3 * B + b] = 5.0 * b;  // age 0..180

    SECTION("hand-picked expressions, one per kind of bytecode") {
        const char* exprs[] = {"a + b * c",
                               "a - b / c",
                               "a ^ 2",
                               "a ^ 3 + b ^ 4",
                               "2 * a + 1",
                               "-a",
                               "(a < b) + (a >= c)",
                               "a && b || c",
                               "exp(a) * ln(abs(b) + 1)",
                               "min(a, b, c)",
                               "max(a, 1, b, c)",
                               "sum(a, b, c, 1)",
                               "rate_to_prob(abs(a))",
                               "rate_to_prob(abs(a), 2)",
                               "rescale_prob(0.3, 1)",
                               "apply_hr(0.2, abs(b))",
                               "apply_or(0.2, abs(c) + 0.1)",
                               "lt_Total(age)",
                               "lt(age) * a",
                               "a > 0 ? b : c",
                               "_pi * a",
                               "3",
                               "a",
                               "(1 - a) * (1 - (b + c))",
                               "a * 0.5 + b * 0.25"};
        for (const char* e : exprs) {
            const int id = set.add(e, e);
            agree(set, id, block_vars, names.size(), e);
        }
        REQUIRE(set.vectorised(set.add("(1 - a) * (1 - (b + c))", "x")));
        REQUIRE_FALSE(set.vectorised(set.add("a > 0 ? b : c", "x")));
    }
    SECTION("random expressions") {
        for (int i = 0; i < 400; ++i) {
            const std::string e = random_expression(rng, 4);
            const int id = set.add(e, e);
            agree(set, id, block_vars, names.size(), e);
        }
    }
}
