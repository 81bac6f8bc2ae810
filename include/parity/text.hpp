// Small string helpers shared by the readers and the error messages.
#pragma once

#include <string>
#include <vector>

namespace parity {

std::string trim(const std::string& s);
std::string to_lower(std::string s);
std::vector<std::string> split(const std::string& s, char sep);
std::string join(const std::vector<std::string>& parts, const std::string& sep);

/// Parse a whole string as a finite-or-not double; false when anything but a number is there.
bool parse_double(const std::string& s, double& out);

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// " (did you mean 'x'?)" for the closest candidates, or "" when none is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

/// Shortest round-trip text for a double.
std::string format_double(double x);

}  // namespace parity
