#include "parity/errors.hpp"

namespace parity {

std::string Location::str() const {
    std::string s = file;
    if (line > 0) {
        s += (s.empty() ? "line " : ":") + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    if (!column_name.empty())
        s += (s.empty() ? "column '" : " (column '") + column_name + (s.empty() ? "'" : "')");
    return s;
}

std::string format_error(const Location& where, const std::string& what, const std::string& fix) {
    std::string msg;
    const std::string place = where.str();
    if (!place.empty()) msg = place + ": ";
    msg += what;
    if (!fix.empty()) msg += ". " + fix;
    return msg;
}

InputError::InputError(const Location& where, const std::string& what, const std::string& fix)
    : Error(format_error(where, what, fix)), where_(where) {}

}  // namespace parity
