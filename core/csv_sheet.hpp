// The reading side shared by the files of a model folder (core/csv_io.cpp, core/csv_tree.cpp):
// a file's accepted columns and a checked sheet with helpers for its cells. Internal to the core.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "parity/csv_table.hpp"
#include "parity/model_spec.hpp"

namespace parity {

// The columns of each file: required ones first. `notes` is accepted everywhere because analysts
// annotate rows; it is kept only where the spec has a field for it.
struct Schema {
    std::string file;
    std::vector<std::string> required;
    std::vector<std::string> optional;
};

// A file of the folder whose header has been checked against its schema.
class Sheet {
public:
    Sheet(CsvTable table, const Schema& schema) : table_(std::move(table)) {
        check_columns(table_, schema.required, schema.optional);
    }

    const std::vector<CsvRow>& rows() const { return table_.rows; }
    bool has(const std::string& column) const { return table_.find_column(column) >= 0; }
    const std::string& file() const { return table_.file; }

    /// The cell, or "" when the file has no such column.
    std::string get(const CsvRow& row, const std::string& column) const {
        const int i = table_.find_column(column);
        return i < 0 ? std::string() : row.cells[static_cast<std::size_t>(i)];
    }

    /// A cell that must not be empty; `what` completes "Give ..." in the message.
    std::string need(const CsvRow& row, const std::string& column, const std::string& what) const {
        std::string value = get(row, column);
        if (value.empty())
            throw InputError(at(row, column), "the '" + column + "' cell is empty",
                             "Give " + what + ", or delete the row");
        return value;
    }

    /// The strategy a row applies to; a blank cell or a missing column means all of them.
    std::string strategy(const CsvRow& row) const {
        const std::string s = get(row, "strategy");
        return s.empty() ? kAllStrategies : s;
    }

    Location at(const CsvRow& row, const std::string& column) const {
        return table_.at(row, table_.find_column(column));
    }

private:
    CsvTable table_;
};

}  // namespace parity
