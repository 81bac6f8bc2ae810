#include "block_code.hpp"

#include <algorithm>
#include <cmath>

namespace parity {
namespace {

bool is_binary(mu::ECmdCode c) {
    return c == mu::cmLE || c == mu::cmGE || c == mu::cmNEQ || c == mu::cmEQ || c == mu::cmLT ||
           c == mu::cmGT || c == mu::cmADD || c == mu::cmSUB || c == mu::cmMUL || c == mu::cmDIV ||
           c == mu::cmPOW || c == mu::cmLAND || c == mu::cmLOR;
}

bool reads_variable(mu::ECmdCode c) {
    return c == mu::cmVAR || c == mu::cmVARPOW2 || c == mu::cmVARPOW3 || c == mu::cmVARPOW4 ||
           c == mu::cmVARMUL;
}

template <typename F>
void binary(double* x, const double* y, std::size_t B, F f) {
    for (std::size_t i = 0; i < B; ++i) x[i] = f(x[i], y[i]);
}

constexpr int kMaxFixedArgs = 4;

}  // namespace

BlockCode::BlockCode(mu::Parser& parser, const double* variables, std::size_t n_variables)
    : parser_(&parser) {
    const mu::ParserByteCode& code = parser.GetByteCode();
    const mu::SToken* tok = code.GetBase();
    std::size_t depth = 0;
    for (std::size_t i = 0; i < code.GetSize(); ++i) {
        const mu::SToken& t = tok[i];
        Op op{t.Cmd, 0, 0.0, 0.0, 0, {}};
        if (reads_variable(t.Cmd)) {
            const std::ptrdiff_t v = t.Val.ptr - variables;
            if (v < 0 || static_cast<std::size_t>(v) >= n_variables) {
                vectorised_ = false;  // not one of ours: let muParser handle it
            } else {
                op.var = static_cast<std::size_t>(v);
                if (std::find(used_.begin(), used_.end(), op.var) == used_.end())
                    used_.push_back(op.var);
            }
            op.a = t.Val.data;
            op.b = t.Val.data2;
            ++depth;
        } else if (t.Cmd == mu::cmVAL) {
            op.b = t.Val.data2;
            ++depth;
        } else if (is_binary(t.Cmd)) {
            --depth;
        } else if (t.Cmd == mu::cmFUNC) {
            op.argc = t.Fun.argc;
            op.fn = t.Fun.cb;
            const int n = op.argc >= 0 ? op.argc : -op.argc;
            if (op.argc > kMaxFixedArgs) vectorised_ = false;
            depth = depth + 1 - static_cast<std::size_t>(n);
        } else if (t.Cmd == mu::cmEND) {
            ops_.push_back(op);
            break;
        } else {
            vectorised_ = false;  // if-then-else, strings, bulk functions, assignments
        }
        max_stack_ = std::max(max_stack_, depth);
        ops_.push_back(op);
    }
    if (depth != 1) vectorised_ = false;  // several comma-separated results
    // The fallback needs every variable the expression reads, vectorised or not.
    if (!vectorised_) {
        used_.clear();
        for (const auto& kv : parser.GetUsedVar()) {
            const std::ptrdiff_t v = kv.second - variables;
            if (v >= 0 && static_cast<std::size_t>(v) < n_variables)
                used_.push_back(static_cast<std::size_t>(v));
        }
    }
}

void BlockCode::eval(const double* block_vars, std::size_t B, double* out, double* scalar_vars) {
    if (vectorised_)
        run(block_vars, B, out);
    else
        fallback(block_vars, B, out, scalar_vars);
}

void BlockCode::fallback(const double* block_vars, std::size_t B, double* out,
                         double* scalar_vars) {
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t v : used_) scalar_vars[v] = block_vars[v * B + b];
        out[b] = parser_->Eval();
    }
}

void BlockCode::run(const double* block_vars, std::size_t B, double* out) {
    stack_.resize((max_stack_ + 2) * B);
    // Slot k of the stack holds B values; sidx follows muParser's 1-based stack index.
    auto slot = [&](std::ptrdiff_t k) { return stack_.data() + static_cast<std::size_t>(k) * B; };
    std::ptrdiff_t sidx = 0;
    for (const Op& op : ops_) {
        switch (op.cmd) {
            case mu::cmVAR: {
                const double* x = block_vars + op.var * B;
                std::copy(x, x + B, slot(++sidx));
                break;
            }
            case mu::cmVAL:
                std::fill(slot(sidx + 1), slot(sidx + 1) + B, op.b);
                ++sidx;
                break;
            case mu::cmVARPOW2:
            case mu::cmVARPOW3:
            case mu::cmVARPOW4: {
                const double* x = block_vars + op.var * B;
                double* s = slot(++sidx);
                const int k = op.cmd == mu::cmVARPOW2 ? 2 : op.cmd == mu::cmVARPOW3 ? 3 : 4;
                for (std::size_t i = 0; i < B; ++i) {
                    double p = x[i] * x[i];
                    if (k >= 3) p *= x[i];
                    if (k == 4) p *= x[i];
                    s[i] = p;
                }
                break;
            }
            case mu::cmVARMUL: {
                const double* x = block_vars + op.var * B;
                double* s = slot(++sidx);
                for (std::size_t i = 0; i < B; ++i) s[i] = x[i] * op.a + op.b;
                break;
            }
            case mu::cmADD:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B, [](double a, double b) { return a + b; });
                break;
            case mu::cmSUB:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B, [](double a, double b) { return a - b; });
                break;
            case mu::cmMUL:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B, [](double a, double b) { return a * b; });
                break;
            case mu::cmDIV:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B, [](double a, double b) { return a / b; });
                break;
            case mu::cmPOW:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return std::pow(a, b); });
                break;
            case mu::cmLE:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a <= b); });
                break;
            case mu::cmGE:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a >= b); });
                break;
            case mu::cmNEQ:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a != b); });
                break;
            case mu::cmEQ:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a == b); });
                break;
            case mu::cmLT:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a < b); });
                break;
            case mu::cmGT:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a > b); });
                break;
            case mu::cmLAND:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a && b); });
                break;
            case mu::cmLOR:
                --sidx;
                binary(slot(sidx), slot(sidx + 1), B,
                       [](double a, double b) { return double(a || b); });
                break;
            case mu::cmFUNC: {
                const auto& f = op.fn;
                if (op.argc < 0) {
                    const int n = -op.argc;
                    sidx -= n - 1;
                    double args[16];
                    std::vector<double> many;
                    double* a =
                        n <= 16 ? args : (many.resize(static_cast<std::size_t>(n)), many.data());
                    double* s = slot(sidx);
                    for (std::size_t i = 0; i < B; ++i) {
                        for (int k = 0; k < n; ++k) a[k] = slot(sidx + k)[i];
                        s[i] = f.call_multfun(a, n);
                    }
                    break;
                }
                switch (op.argc) {
                    case 0: {
                        double* s = slot(++sidx);
                        for (std::size_t i = 0; i < B; ++i) s[i] = f.call_fun<0>();
                        break;
                    }
                    case 1: {
                        double* s = slot(sidx);
                        for (std::size_t i = 0; i < B; ++i) s[i] = f.call_fun<1>(s[i]);
                        break;
                    }
                    case 2: {
                        sidx -= 1;
                        double* s = slot(sidx);
                        const double* y = slot(sidx + 1);
                        for (std::size_t i = 0; i < B; ++i) s[i] = f.call_fun<2>(s[i], y[i]);
                        break;
                    }
                    case 3: {
                        sidx -= 2;
                        double* s = slot(sidx);
                        const double* y = slot(sidx + 1);
                        const double* z = slot(sidx + 2);
                        for (std::size_t i = 0; i < B; ++i) s[i] = f.call_fun<3>(s[i], y[i], z[i]);
                        break;
                    }
                    default: {
                        sidx -= 3;
                        double* s = slot(sidx);
                        const double* y = slot(sidx + 1);
                        const double* z = slot(sidx + 2);
                        const double* w = slot(sidx + 3);
                        for (std::size_t i = 0; i < B; ++i)
                            s[i] = f.call_fun<4>(s[i], y[i], z[i], w[i]);
                        break;
                    }
                }
                break;
            }
            case mu::cmEND: {
                const double* s = slot(sidx);
                std::copy(s, s + B, out);
                return;
            }
            default: break;  // not reached: other tokens make the code non-vectorised
        }
    }
}

}  // namespace parity
