#pragma once
// A small evaluator for the LaTeX expressions final answers are written in, used to decide whether two
// answers are mathematically equal: both are evaluated at the same random values of their variables.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace gpo::mathexpr {

/// A parsed expression that can be evaluated for given variable values.
class Expression {
public:
    /// Parses a normalised LaTeX expression; nullopt when it is not one we understand.
    static std::optional<Expression> parse(std::string_view latex);
    const std::set<std::string>& variables() const { return variables_; }
    /// Value for the given variable values; NaN where undefined.
    double evaluate(const std::map<std::string, double>& values) const;

private:
    std::string source_;
    std::set<std::string> variables_;
};

/// True when both parse and agree (relative tolerance 1e-6) at several points of their shared variables.
bool equivalent(std::string_view a, std::string_view b);
/// The constant value of an expression without variables.
std::optional<double> constantValue(std::string_view latex);

} // namespace gpo::mathexpr
