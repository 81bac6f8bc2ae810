#include "parity/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace parity {

std::string trim(const std::string& raw) {
    // Excel starts UTF-8 files with a byte-order mark; drop it whole, never a lone byte of it.
    const std::string bom = "\xEF\xBB\xBF";
    const std::string& s = raw.compare(0, bom.size(), bom) == 0 ? raw.substr(bom.size()) : raw;
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::string to_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
    return out;
}

bool parse_double(const std::string& raw, double& out) {
    const std::string s = trim(raw);
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub =
                prev[j - 1] + (std::tolower(a[i - 1]) != std::tolower(b[j - 1]));
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
    std::size_t best = std::string::npos;
    std::vector<std::string> close;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(name, c);
        if (d < best) {
            best = d;
            close = {c};
        } else if (d == best) {
            close.push_back(c);
        }
    }
    const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
    if (close.empty() || best > limit) return {};
    if (close.size() > 3) close.resize(3);
    std::string out = " (did you mean ";
    for (std::size_t i = 0; i < close.size(); ++i)
        out += (i ? (i + 1 == close.size() ? " or " : ", ") : "") + ("'" + close[i] + "'");
    return out + "?)";
}

std::string format_double(double x) {
    if (std::isnan(x)) return "nan";
    std::ostringstream os;
    os.precision(15);
    os << x;
    double back = 0;
    if (parse_double(os.str(), back) && back == x) return os.str();
    os.str("");
    os.precision(17);
    os << x;
    return os.str();
}

}  // namespace parity
