// Gold-standard validation: the DARTH Sick-Sicker models (Alarid-Escudero et al., Med Decis
// Making 2023;43(1):3-20 and 21-41), read from the shipped model folders, reproduce every
// published cost, QALY, ICER, trace entry and the first transition matrix to the published
// precision. Published values: ../shared/references/validation-sick-sicker.md.
#include <catch2/catch.hpp>
#include <cmath>

#include "parity/cea.hpp"
#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"

using namespace parity;

namespace {

std::string folder(const std::string& name) {
    return std::string(PARITY_SOURCE_DIR) + "/params/" + name;
}

/// A published figure rounded to `decimals` decimals: the model must round to it.
void require_rounds_to(double value, double published, int decimals) {
    const double half_unit = 0.5 * std::pow(10.0, -decimals);
    INFO("value " << value << " published " << published);
    REQUIRE(std::abs(value - published) <= half_unit + 1e-9);
}

/// The article's Simpson weights (mis-indexed): 1/3 at both ends, then 2/3 at odd and 4/3 at
/// even cycles in between.
std::vector<double> article_weights(int n) {
    std::vector<double> w(n + 1);
    for (int t = 0; t <= n; ++t) w[t] = (t % 2 == 1) ? 2.0 / 3.0 : 4.0 / 3.0;
    w[0] = w[n] = 1.0 / 3.0;
    return w;
}

struct Published {
    const char* strategy;
    double cost;
    double qaly;
    int qaly_decimals;
};

void check(const Outcomes& out, const std::vector<Published>& table) {
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto& s = out.strategies[i];
        REQUIRE(s.strategy == table[i].strategy);
        require_rounds_to(s.total_cost(), table[i].cost, 0);
        require_rounds_to(s.qalys, table[i].qaly, table[i].qaly_decimals);
    }
}

std::vector<IcerRow> icers(const Outcomes& out) {
    std::vector<std::string> names;
    std::vector<double> c, e;
    for (const auto& s : out.strategies) {
        names.push_back(s.strategy);
        c.push_back(s.total_cost());
        e.push_back(s.qalys);
    }
    return incremental_analysis(names, c, e);
}

const IcerRow& row(const std::vector<IcerRow>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.strategy == name) return r;
    FAIL("no row " << name);
    return rows.front();
}

}  // namespace

TEST_CASE("Sick-Sicker, corrected release: costs, QALYs and ICERs", "[validation]") {
    const CompiledModel model(read_model_folder(folder("sick_sicker")));
    const auto out = model.evaluate();
    check(out, {{"SoC", 152282, 21.03, 2},
                {"A", 285889, 21.83, 2},
                {"B", 260222, 22.50, 2},
                {"AB", 380378, 23.46, 2}});
    const auto rows = icers(out);
    REQUIRE(row(rows, "A").status == DominanceStatus::dominated);
    require_rounds_to(row(rows, "B").icer, 73279, 0);
    require_rounds_to(row(rows, "AB").icer, 125302, 0);
}

TEST_CASE("Sick-Sicker, article: the mis-indexed Simpson weights as a user vector",
          "[validation]") {
    auto spec = read_model_folder(folder("sick_sicker"));
    spec.settings.correction.method = CorrectionMethod::weights;
    spec.settings.correction.weights = article_weights(spec.settings.n_cycles);
    const auto out = CompiledModel(spec).evaluate();
    check(out, {{"SoC", 151580, 20.711, 3},
                {"A", 284805, 21.499, 3},
                {"B", 259100, 22.184, 3},
                {"AB", 378875, 23.137, 3}});
    const auto rows = icers(out);
    REQUIRE(row(rows, "A").status == DominanceStatus::dominated);
    require_rounds_to(row(rows, "B").icer, 72988, 0);
    require_rounds_to(row(rows, "AB").icer, 125764, 0);
}

TEST_CASE("Sick-Sicker: the published trace, cycles 0-5", "[validation]") {
    const auto out = CompiledModel(read_model_folder(folder("sick_sicker"))).evaluate();
    const double published[6][4] = {{1, 0, 0, 0},
                                    {.859, .139, .000, .002},
                                    {.792, .189, .014, .005},
                                    {.755, .206, .032, .008},
                                    {.729, .208, .052, .011},
                                    {.707, .206, .072, .015}};
    for (const auto& s : out.strategies) {
        if (s.strategy != "SoC") continue;
        for (int t = 0; t < 6; ++t)
            for (int j = 0; j < 4; ++j) require_rounds_to(s.trace(t, j), published[t][j], 3);
    }
}

TEST_CASE("Sick-Sicker with age-dependent mortality: first matrix and results", "[validation]") {
    const CompiledModel model(read_model_folder(folder("sick_sicker_age")));
    const auto P = model.transition_matrix("SoC", 0);
    const double published[3][4] = {{0.8598357, 0.1391509, 0, 0.001013486},
                                    {0.3922742, 0.5053157, 0.09937273, 0.003037378},
                                    {0, 0, 0.98991124, 0.010088764}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) {
            // Published to 7 significant figures (10 for two entries).
            const double x = published[i][j];
            REQUIRE(P(i, j) == Approx(x).epsilon(5e-7).margin(1e-12));
        }
    const auto out = model.evaluate();
    check(out, {{"SoC", 116374, 18.879, 3},
                {"A", 218789, 19.636, 3},
                {"B", 202536, 20.199, 3},
                {"AB", 296300, 21.097, 3}});
    const auto rows = icers(out);
    REQUIRE(row(rows, "A").status == DominanceStatus::dominated);
    require_rounds_to(row(rows, "B").icer, 65288, 0);
    require_rounds_to(row(rows, "AB").icer, 104461, 0);
}
