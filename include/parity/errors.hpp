// Errors a user can act on: every exception says what went wrong, where, and how to fix it.
#pragma once

#include <stdexcept>
#include <string>

namespace parity {

/// Base of every error parity raises. The Python bindings translate it to parity.ParityError
/// (a ValueError), keeping the message.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A place in an input: a file with an optional line and column, or a named parameter.
/// Rendered as "file:line:column" (the parts that are known).
struct Location {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based; 0 when unknown
    std::string column_name;

    std::string str() const;
    bool empty() const { return file.empty() && line == 0; }
};

/// Input that cannot be read or is malformed (a CSV file, a setting, a missing file).
class InputError : public Error {
public:
    InputError(const Location& where, const std::string& what, const std::string& fix);
    const Location& where() const { return where_; }

private:
    Location where_;
};

/// A model that is well formed but wrong: unknown names, circular parameters, probabilities
/// outside [0,1], rows of a transition matrix not summing to 1.
class ModelError : public Error {
public:
    explicit ModelError(const std::string& message) : Error(message) {}
};

/// Compose "what (at where). fix" so every message reads the same way.
std::string format_error(const Location& where, const std::string& what, const std::string& fix);

}  // namespace parity
