// The perspective setting: which payers' costs count in the total cost of ICERs and net benefit,
// checked on a one-state model whose totals are known by hand.
#include <catch2/catch.hpp>

#include "parity/cohort.hpp"
#include "parity/csv_io.hpp"
#include "temp_folder.hpp"

using Catch::Contains;
using parity::testing::TempDir;
using parity::testing::write_file;

namespace {

// One alive state for 2 cycles counted at their start, undiscounted: each yearly cost counts 2x.
void write_folder(const TempDir& dir, const std::string& perspective) {
    write_file(dir / "settings.csv",
               "setting,value\nn_cycles,2\ncorrection,start\ndiscount_rate,0\n" +
                   (perspective.empty() ? "" : "perspective," + perspective + "\n"));
    write_file(dir / "parameters.csv", "name,value,source\nc,1,test\n");
    write_file(dir / "states.csv", "name,initial\nA,1\n");
    write_file(dir / "strategies.csv", "name\nS\n");
    write_file(dir / "transitions.csv", "from,to,probability\nA,A,1\n");
    write_file(dir / "state_rewards.csv",
               "state,category,value\nA,acute,100\nA,social,20\nA,school,3\nA,quality,4000\nA,"
               "utility,1\n");
    write_file(dir / "cost_categories.csv",
               "category,payer\nacute,nhs_acute\nsocial,local_authority_social_care\n"
               "school,other_public_sector\nquality,wider_society\n");
}

double total(const TempDir& dir) {
    const auto out = parity::CompiledModel(parity::read_model_folder(dir.str())).evaluate();
    return out.strategies.at(0).total_cost();
}

}  // namespace

TEST_CASE("a perspective counts only its payers' costs in the total", "[perspective]") {
    TempDir dir;
    write_folder(dir, "");
    CHECK(total(dir) == Approx(2 * (100 + 20 + 3 + 4000)));
    write_folder(dir, "nhs");
    CHECK(total(dir) == Approx(2 * 100));
    write_folder(dir, "nhs_pss");
    CHECK(total(dir) == Approx(2 * (100 + 20)));
    write_folder(dir, "public_sector");
    CHECK(total(dir) == Approx(2 * (100 + 20 + 3)));
    write_folder(dir, "societal");
    CHECK(total(dir) == Approx(2 * (100 + 20 + 3 + 4000)));
    write_folder(dir, "nhs_acute; wider_society");
    CHECK(total(dir) == Approx(2 * (100 + 4000)));
    // Costs by category are reported whatever the perspective.
    const auto out = parity::CompiledModel(parity::read_model_folder(dir.str())).evaluate();
    CHECK(out.strategies.at(0).costs.at(2) == Approx(2 * 3));
}

TEST_CASE("perspective errors say what would fix them", "[perspective][errors]") {
    TempDir dir;
    write_folder(dir, "nhs_pps");
    REQUIRE_THROWS_WITH(
        parity::read_model_folder(dir.str()),
        Contains("settings.csv") && Contains("'nhs_pps'") && Contains("did you mean 'nhs_pss'"));
    write_folder(dir, "nhs");
    write_file(dir / "cost_categories.csv", "category,payer\nacute,nhs_acute\nsocial,\n");
    REQUIRE_THROWS_WITH(parity::CompiledModel(parity::read_model_folder(dir.str())),
                        Contains("cost_categories.csv:3") && Contains("'social' has no payer") &&
                            Contains("perspective"));
}
