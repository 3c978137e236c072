// Python's arithmetic, concatenation and comparison on template values.
#include "template/builtins.h"
#include "template/template_error.h"

#include <cmath>

namespace gpo::tmpl {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b, int line) {
    throw TemplateError("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" +
                            b.typeName() + "'",
                        line);
}

Value repeat(const Value& seq, int64_t n) {
    if (seq.isString()) {
        std::string out;
        for (int64_t i = 0; i < n; ++i)
            out += seq.asString();
        return Value(out);
    }
    ValueList out;
    for (int64_t i = 0; i < n; ++i)
        out.insert(out.end(), seq.asList().begin(), seq.asList().end());
    return Value::list(std::move(out));
}

int orderOf(const Value& a, const Value& b, const std::string& op, int line) {
    if (a.isNumber() && b.isNumber()) {
        const double x = a.asDouble(), y = b.asDouble();
        if (a.isInt() && b.isInt()) return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.isString() && b.isString())
        return a.asString().compare(b.asString()) < 0 ? -1 : a.asString() == b.asString() ? 0 : 1;
    if (a.isList() && b.isList()) {
        const auto& x = a.asList();
        const auto& y = b.asList();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i)
            if (!x[i].equals(y[i])) return orderOf(x[i], y[i], op, line);
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    if (a.isUndefined()) undefinedError(a, line);
    if (b.isUndefined()) undefinedError(b, line);
    throw TemplateError("'" + op + "' not supported between instances of '" + a.typeName() + "' and '" +
                            b.typeName() + "'",
                        line);
}

bool contains(const Value& container, const Value& item, int line) {
    if (container.isString()) {
        if (!item.isString())
            throw TemplateError("'in <string>' requires string as left operand, not " + item.typeName(),
                                line);
        return container.asString().find(item.asString()) != std::string::npos;
    }
    if (container.isList()) {
        for (const Value& v : container.asList())
            if (v.equals(item)) return true;
        return false;
    }
    if (container.isDict()) return item.isString() && container.asDict().find(item.asString()) != nullptr;
    if (container.isUndefined()) return false;
    throw TemplateError("argument of type '" + container.typeName() + "' is not iterable", line);
}

} // namespace

Value binaryOp(const std::string& op, const Value& a, const Value& b, int line) {
    if (op == "~") return Value(a.str() + b.str());
    if (a.isUndefined()) undefinedError(a, line);
    if (b.isUndefined()) undefinedError(b, line);
    const bool ints = a.isInt() && b.isInt();
    const bool numbers = a.isNumber() && b.isNumber();
    if (op == "+") {
        if (ints) return Value::integer(a.asInt() + b.asInt());
        if (numbers) return Value::number(a.asDouble() + b.asDouble());
        if (a.isString() && b.isString()) return Value(a.asString() + b.asString());
        if (a.isList() && b.isList() && a.isTuple() == b.isTuple()) {
            ValueList out = a.asList();
            out.insert(out.end(), b.asList().begin(), b.asList().end());
            return Value::list(std::move(out), a.isTuple());
        }
        if (a.isString())
            throw TemplateError("can only concatenate str (not \"" + b.typeName() + "\") to str", line);
        unsupported(op, a, b, line);
    }
    if (op == "-") {
        if (ints) return Value::integer(a.asInt() - b.asInt());
        if (numbers) return Value::number(a.asDouble() - b.asDouble());
        unsupported(op, a, b, line);
    }
    if (op == "*") {
        if (ints) return Value::integer(a.asInt() * b.asInt());
        if (numbers) return Value::number(a.asDouble() * b.asDouble());
        if ((a.isString() || a.isList()) && b.isInt()) return repeat(a, b.asInt());
        if ((b.isString() || b.isList()) && a.isInt()) return repeat(b, a.asInt());
        unsupported(op, a, b, line);
    }
    if (!numbers) unsupported(op, a, b, line);
    if (op == "**") {
        if (ints && b.asInt() >= 0) {
            int64_t r = 1;
            for (int64_t i = 0; i < b.asInt(); ++i)
                r *= a.asInt();
            return Value::integer(r);
        }
        return Value::number(std::pow(a.asDouble(), b.asDouble()));
    }
    if (b.asDouble() == 0)
        throw TemplateError(op == "%" ? "integer modulo by zero" : "division by zero", line);
    if (op == "/") return Value::number(a.asDouble() / b.asDouble());
    if (op == "//") {
        if (ints) {
            int64_t q = a.asInt() / b.asInt();
            if ((a.asInt() % b.asInt() != 0) && ((a.asInt() < 0) != (b.asInt() < 0))) --q;
            return Value::integer(q);
        }
        return Value::number(std::floor(a.asDouble() / b.asDouble()));
    }
    if (op == "%") {
        if (ints) {
            int64_t r = a.asInt() % b.asInt();
            if (r != 0 && ((r < 0) != (b.asInt() < 0))) r += b.asInt();
            return Value::integer(r);
        }
        double r = std::fmod(a.asDouble(), b.asDouble());
        if (r != 0 && ((r < 0) != (b.asDouble() < 0))) r += b.asDouble();
        return Value::number(r);
    }
    throw TemplateError("unknown operator " + op, line);
}

Value unaryOp(const std::string& op, const Value& a, int line) {
    if (op == "not") return Value::boolean(!a.truthy());
    if (a.isUndefined()) undefinedError(a, line);
    if (!a.isNumber())
        throw TemplateError("bad operand type for unary " + op + ": '" + a.typeName() + "'", line);
    if (op == "-") return a.isInt() ? Value::integer(-a.asInt()) : Value::number(-a.asDouble());
    return a.isInt() ? Value::integer(a.asInt()) : a;
}

bool compareOp(const std::string& op, const Value& a, const Value& b, int line) {
    if (op == "==") return a.equals(b);
    if (op == "!=") return !a.equals(b);
    if (op == "in") return contains(b, a, line);
    if (op == "not in") return !contains(b, a, line);
    const int order = orderOf(a, b, op, line);
    if (op == "<") return order < 0;
    if (op == ">") return order > 0;
    if (op == "<=") return order <= 0;
    return order >= 0;
}

} // namespace gpo::tmpl
