// jinja2's built-in tests: "x is defined", "x is not none", "n is divisibleby 3", ...
#include "template/builtins.h"
#include "template/template_error.h"

#include <map>

namespace gpo::tmpl {
namespace {

using Test = bool (*)(const Value&, const CallArgs&, int);

const Value& other(const CallArgs& a, int line) {
    const Value* v = a.get(0, "other");
    if (!v) throw TemplateError("the test needs an argument", line);
    return *v;
}

bool tDefined(const Value& v, const CallArgs&, int) {
    return !v.isUndefined();
}
bool tUndefined(const Value& v, const CallArgs&, int) {
    return v.isUndefined();
}
bool tNone(const Value& v, const CallArgs&, int) {
    return v.isNone();
}
bool tBoolean(const Value& v, const CallArgs&, int) {
    return v.isBool();
}
bool tTrue(const Value& v, const CallArgs&, int) {
    return v.isBool() && v.asBool();
}
bool tFalse(const Value& v, const CallArgs&, int) {
    return v.isBool() && !v.asBool();
}
bool tInteger(const Value& v, const CallArgs&, int) {
    return v.kind() == Value::Kind::Int;
}
bool tFloat(const Value& v, const CallArgs&, int) {
    return v.kind() == Value::Kind::Float;
}
bool tNumber(const Value& v, const CallArgs&, int) {
    return v.isNumber();
}
bool tString(const Value& v, const CallArgs&, int) {
    return v.isString();
}
bool tMapping(const Value& v, const CallArgs&, int) {
    return v.isDict() && !v.isNamespace();
}
bool tIterable(const Value& v, const CallArgs&, int) {
    return v.isList() || v.isString() || v.isUndefined() || (v.isDict() && !v.isNamespace());
}
bool tSequence(const Value& v, const CallArgs&, int) {
    return v.isList() || v.isString() || (v.isDict() && !v.isNamespace());
}
bool tCallable(const Value& v, const CallArgs&, int) {
    return v.isFunction();
}
bool tLower(const Value& v, const CallArgs&, int) {
    if (!v.isString()) return false;
    for (char c : v.asString())
        if (c >= 'A' && c <= 'Z') return false;
    return true;
}
bool tUpper(const Value& v, const CallArgs&, int) {
    if (!v.isString()) return false;
    for (char c : v.asString())
        if (c >= 'a' && c <= 'z') return false;
    return true;
}

int64_t integerOf(const Value& v, int line) {
    if (!v.isInt()) throw TemplateError("the test needs an integer, not " + v.typeName(), line);
    return v.asInt();
}
bool tOdd(const Value& v, const CallArgs&, int line) {
    return integerOf(v, line) % 2 != 0;
}
bool tEven(const Value& v, const CallArgs&, int line) {
    return integerOf(v, line) % 2 == 0;
}
bool tDivisible(const Value& v, const CallArgs& a, int line) {
    const int64_t n = integerOf(other(a, line), line);
    if (n == 0) throw TemplateError("integer modulo by zero", line);
    return integerOf(v, line) % n == 0;
}

bool tEq(const Value& v, const CallArgs& a, int line) {
    return compareOp("==", v, other(a, line), line);
}
bool tNe(const Value& v, const CallArgs& a, int line) {
    return compareOp("!=", v, other(a, line), line);
}
bool tLt(const Value& v, const CallArgs& a, int line) {
    return compareOp("<", v, other(a, line), line);
}
bool tLe(const Value& v, const CallArgs& a, int line) {
    return compareOp("<=", v, other(a, line), line);
}
bool tGt(const Value& v, const CallArgs& a, int line) {
    return compareOp(">", v, other(a, line), line);
}
bool tGe(const Value& v, const CallArgs& a, int line) {
    return compareOp(">=", v, other(a, line), line);
}
bool tIn(const Value& v, const CallArgs& a, int line) {
    return compareOp("in", v, other(a, line), line);
}
bool tSameas(const Value& v, const CallArgs& a, int line) {
    const Value& o = other(a, line);
    return v.kind() == o.kind() && v.equals(o);
}

const std::map<std::string, Test, std::less<>>& tests() {
    static const std::map<std::string, Test, std::less<>> table{{"boolean", tBoolean},
                                                                {"callable", tCallable},
                                                                {"defined", tDefined},
                                                                {"divisibleby", tDivisible},
                                                                {"eq", tEq},
                                                                {"equalto", tEq},
                                                                {"==", tEq},
                                                                {"even", tEven},
                                                                {"false", tFalse},
                                                                {"float", tFloat},
                                                                {"ge", tGe},
                                                                {">=", tGe},
                                                                {"gt", tGt},
                                                                {"greaterthan", tGt},
                                                                {">", tGt},
                                                                {"in", tIn},
                                                                {"integer", tInteger},
                                                                {"iterable", tIterable},
                                                                {"le", tLe},
                                                                {"<=", tLe},
                                                                {"lower", tLower},
                                                                {"lt", tLt},
                                                                {"lessthan", tLt},
                                                                {"<", tLt},
                                                                {"mapping", tMapping},
                                                                {"ne", tNe},
                                                                {"!=", tNe},
                                                                {"none", tNone},
                                                                {"number", tNumber},
                                                                {"odd", tOdd},
                                                                {"sameas", tSameas},
                                                                {"sequence", tSequence},
                                                                {"string", tString},
                                                                {"true", tTrue},
                                                                {"undefined", tUndefined},
                                                                {"upper", tUpper}};
    return table;
}

} // namespace

bool isTest(const std::string& name) {
    return tests().count(name) != 0;
}

bool applyTest(const std::string& name, const Value& input, const CallArgs& args, int line) {
    const auto it = tests().find(name);
    if (it == tests().end()) throw TemplateError("no test named '" + name + "'", line);
    return it->second(input, args, line);
}

} // namespace gpo::tmpl
