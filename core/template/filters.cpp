// jinja2's built-in filters that chat templates use, with transformers' tojson (json.dumps with
// ensure_ascii=False, key order kept).
#include "template/builtins.h"
#include "template/py_string.h"
#include "template/template_error.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace gpo::tmpl {
namespace {

using Filter = Value (*)(const Value&, const CallArgs&, int);

bool flag(const CallArgs& a, size_t i, std::string_view name, bool fallback) {
    const Value* v = a.get(i, name);
    return v ? v->truthy() : fallback;
}

const Value* arg(const CallArgs& a, size_t i, std::string_view name) {
    return a.get(i, name);
}

int64_t intArg(const CallArgs& a, size_t i, std::string_view name, int64_t fallback, int line) {
    const Value* v = a.get(i, name);
    if (!v || v->isNone()) return fallback;
    if (!v->isInt()) throw TemplateError(std::string(name) + " must be an integer", line);
    return v->asInt();
}

std::string strArg(const CallArgs& a, size_t i, std::string_view name, const std::string& fallback) {
    const Value* v = a.get(i, name);
    return v ? v->str() : fallback;
}

/// "a.b.0": a nested attribute path, as jinja2's make_attrgetter walks it.
Value attributePath(const Value& item, const std::string& path, int line) {
    Value v = item;
    for (const std::string& part : py::split(path, std::string("."), -1)) {
        const bool digits = !part.empty() && std::all_of(part.begin(), part.end(),
                                                         [](char c) { return c >= '0' && c <= '9'; });
        v = getItem(v, digits ? Value::integer(std::stoll(part)) : Value(part), line);
    }
    return v;
}

/// Case-folded for sorting and uniqueness unless case matters.
Value sortKey(const Value& v, bool caseSensitive) {
    return !caseSensitive && v.isString() ? Value(py::lower(v.asString())) : v;
}

bool lessThan(const Value& a, const Value& b, int line) {
    return compareOp("<", a, b, line);
}

Value fLength(const Value& v, const CallArgs&, int line) {
    if (v.isString()) return Value::integer(py::length(v.asString()));
    if (v.isList()) return Value::integer(static_cast<int64_t>(v.asList().size()));
    if (v.isDict()) return Value::integer(static_cast<int64_t>(v.asDict().items.size()));
    if (v.isUndefined()) return Value::integer(0);
    throw TemplateError("object of type '" + v.typeName() + "' has no len()", line);
}

Value fFirst(const Value& v, const CallArgs&, int line) {
    ValueList items = iterate(v, line);
    return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value fLast(const Value& v, const CallArgs&, int line) {
    ValueList items = iterate(v, line);
    return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value fJoin(const Value& v, const CallArgs& a, int line) {
    const std::string sep = strArg(a, 0, "d", "");
    const Value* attribute = arg(a, 1, "attribute");
    std::string out;
    bool first = true;
    for (const Value& item : iterate(v, line)) {
        out += (first ? "" : sep) + (attribute ? attributePath(item, attribute->str(), line) : item).str();
        first = false;
    }
    return Value(out);
}

Value fDefault(const Value& v, const CallArgs& a, int) {
    const Value* fallback = arg(a, 0, "default_value");
    if (v.isUndefined() || (flag(a, 1, "boolean", false) && !v.truthy()))
        return fallback ? *fallback : Value("");
    return v;
}

Value fTrim(const Value& v, const CallArgs& a, int) {
    const Value* chars = arg(a, 0, "chars");
    return Value(py::strip(
        v.str(), chars && !chars->isNone() ? std::optional<std::string>(chars->str()) : std::nullopt, true,
        true));
}

Value fUpper(const Value& v, const CallArgs&, int) {
    return Value(py::upper(v.str()));
}
Value fLower(const Value& v, const CallArgs&, int) {
    return Value(py::lower(v.str()));
}
Value fCapitalize(const Value& v, const CallArgs&, int) {
    return Value(py::capitalize(v.str()));
}
Value fTitle(const Value& v, const CallArgs&, int) {
    return Value(py::title(v.str()));
}
Value fString(const Value& v, const CallArgs&, int) {
    return Value(v.str());
}
Value fSafe(const Value& v, const CallArgs&, int) {
    return v;
}

Value fReplace(const Value& v, const CallArgs& a, int line) {
    const Value* from = arg(a, 0, "old");
    const Value* to = arg(a, 1, "new");
    if (!from || !to) throw TemplateError("replace needs old and new", line);
    return Value(py::replace(v.str(), from->str(), to->str(), intArg(a, 2, "count", -1, line)));
}

Value fEscape(const Value& v, const CallArgs&, int) {
    std::string out;
    for (char c : v.str()) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&#34;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out.push_back(c);
        }
    }
    return Value(out);
}

Value fInt(const Value& v, const CallArgs& a, int line) {
    const int64_t fallback = intArg(a, 0, "default", 0, line);
    if (v.isInt()) return Value::integer(v.asInt());
    if (v.kind() == Value::Kind::Float) return Value::integer(static_cast<int64_t>(v.asDouble()));
    if (v.isString()) {
        const std::string s = py::strip(v.asString(), std::nullopt, true, true);
        try {
            size_t used = 0;
            const long long n = std::stoll(s, &used, 10);
            if (used == s.size()) return Value::integer(n);
            const double d = std::stod(s, &used);
            if (used == s.size()) return Value::integer(static_cast<int64_t>(d));
        } catch (const std::exception&) {
        }
    }
    return Value::integer(fallback);
}

Value fFloat(const Value& v, const CallArgs& a, int) {
    const Value* fallback = arg(a, 0, "default");
    if (v.isNumber()) return Value::number(v.asDouble());
    if (v.isString()) {
        try {
            size_t used = 0;
            const std::string s = py::strip(v.asString(), std::nullopt, true, true);
            const double d = std::stod(s, &used);
            if (used == s.size()) return Value::number(d);
        } catch (const std::exception&) {
        }
    }
    return fallback ? Value::number(fallback->asDouble()) : Value::number(0.0);
}

Value fList(const Value& v, const CallArgs&, int line) {
    return Value::list(iterate(v, line));
}

Value fReverse(const Value& v, const CallArgs&, int line) {
    if (v.isString()) return Value(py::slice(v.asString(), std::nullopt, std::nullopt, -1));
    ValueList items = iterate(v, line);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
}

Value fToJson(const Value& v, const CallArgs& a, int line) {
    const bool ensureAscii = flag(a, 0, "ensure_ascii", false);
    std::optional<std::string> indent;
    if (const Value* i = arg(a, 1, "indent"); i && !i->isNone())
        indent =
            i->isInt() ? std::string(static_cast<size_t>(std::max<int64_t>(0, i->asInt())), ' ') : i->str();
    std::string itemSep = indent ? "," : ", ", keySep = ": ";
    if (const Value* s = arg(a, 2, "separators"); s && !s->isNone()) {
        if (!s->isList() || s->asList().size() != 2)
            throw TemplateError("separators must be a pair of strings", line);
        itemSep = s->asList()[0].str();
        keySep = s->asList()[1].str();
    }
    try {
        return Value(v.toJson(ensureAscii, indent, itemSep, keySep, flag(a, 3, "sort_keys", false)));
    } catch (const TemplateError& e) {
        throw TemplateError(e.what(), line);
    }
}

Value fItems(const Value& v, const CallArgs&, int line) {
    if (v.isUndefined()) return Value::list({});
    if (!v.isDict()) throw TemplateError("Can only get item pairs from a mapping.", line);
    ValueList out;
    for (const auto& [k, item] : v.asDict().items)
        out.push_back(Value::list({Value(k), item}, true));
    return Value::list(std::move(out));
}

Value fDictsort(const Value& v, const CallArgs& a, int line) {
    if (!v.isDict()) throw TemplateError("dictsort expects a mapping", line);
    const bool caseSensitive = flag(a, 0, "case_sensitive", false);
    const bool byValue = strArg(a, 1, "by", "key") == "value";
    const bool reverse = flag(a, 2, "reverse", false);
    auto items = v.asDict().items;
    std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
        const Value kx = sortKey(byValue ? x.second : Value(x.first), caseSensitive);
        const Value ky = sortKey(byValue ? y.second : Value(y.first), caseSensitive);
        return reverse ? lessThan(ky, kx, line) : lessThan(kx, ky, line);
    });
    ValueList out;
    for (const auto& [k, item] : items)
        out.push_back(Value::list({Value(k), item}, true));
    return Value::list(std::move(out));
}

/// select / reject / selectattr / rejectattr.
Value selectLike(const Value& v, const CallArgs& a, int line, bool byAttribute, bool keep) {
    size_t next = 0;
    std::string attribute;
    if (byAttribute) {
        if (a.positional.empty()) throw TemplateError("selectattr needs an attribute name", line);
        attribute = a.positional[next++].str();
    }
    std::optional<std::string> test;
    if (next < a.positional.size()) test = a.positional[next++].str();
    CallArgs testArgs;
    testArgs.positional.assign(a.positional.begin() + static_cast<long>(std::min(next, a.positional.size())),
                               a.positional.end());
    if (test && !isTest(*test)) throw TemplateError("no test named '" + *test + "'", line);
    ValueList out;
    for (const Value& item : iterate(v, line)) {
        const Value subject = byAttribute ? attributePath(item, attribute, line) : item;
        const bool passed = test ? applyTest(*test, subject, testArgs, line) : subject.truthy();
        if (passed == keep) out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value fSelect(const Value& v, const CallArgs& a, int line) {
    return selectLike(v, a, line, false, true);
}
Value fReject(const Value& v, const CallArgs& a, int line) {
    return selectLike(v, a, line, false, false);
}
Value fSelectattr(const Value& v, const CallArgs& a, int line) {
    return selectLike(v, a, line, true, true);
}
Value fRejectattr(const Value& v, const CallArgs& a, int line) {
    return selectLike(v, a, line, true, false);
}

Value fMap(const Value& v, const CallArgs& a, int line) {
    ValueList out;
    if (const Value* attribute = a.get(99, "attribute")) {
        const Value* fallback = a.get(99, "default");
        for (const Value& item : iterate(v, line)) {
            Value x = attributePath(item, attribute->str(), line);
            out.push_back(x.isUndefined() && fallback ? *fallback : x);
        }
        return Value::list(std::move(out));
    }
    if (a.positional.empty()) throw TemplateError("map needs a filter name or attribute=", line);
    const std::string filter = a.positional[0].str();
    if (!isFilter(filter)) throw TemplateError("no filter named '" + filter + "'", line);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.named = a.named;
    for (const Value& item : iterate(v, line))
        out.push_back(applyFilter(filter, item, rest, line));
    return Value::list(std::move(out));
}

Value keyed(const Value& item, const CallArgs& a, size_t attrIndex, int line) {
    const Value* attribute = a.get(attrIndex, "attribute");
    return attribute && !attribute->isNone() ? attributePath(item, attribute->str(), line) : item;
}

Value fSort(const Value& v, const CallArgs& a, int line) {
    const bool reverse = flag(a, 0, "reverse", false);
    const bool caseSensitive = flag(a, 1, "case_sensitive", false);
    ValueList items = iterate(v, line);
    std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
        const Value kx = sortKey(keyed(x, a, 2, line), caseSensitive),
                    ky = sortKey(keyed(y, a, 2, line), caseSensitive);
        return reverse ? lessThan(ky, kx, line) : lessThan(kx, ky, line);
    });
    return Value::list(std::move(items));
}

Value fUnique(const Value& v, const CallArgs& a, int line) {
    const bool caseSensitive = flag(a, 0, "case_sensitive", false);
    ValueList out, seen;
    for (const Value& item : iterate(v, line)) {
        const Value k = sortKey(keyed(item, a, 1, line), caseSensitive);
        if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return s.equals(k); })) continue;
        seen.push_back(k);
        out.push_back(item);
    }
    return Value::list(std::move(out));
}

Value extreme(const Value& v, const CallArgs& a, int line, bool wantMax) {
    const bool caseSensitive = flag(a, 0, "case_sensitive", false);
    ValueList items = iterate(v, line);
    if (items.empty()) return Value::undefined(std::string("No aggregated item, sequence was empty."));
    Value best = items[0];
    for (const Value& item : items) {
        const Value k = sortKey(keyed(item, a, 1, line), caseSensitive),
                    kb = sortKey(keyed(best, a, 1, line), caseSensitive);
        if (wantMax ? lessThan(kb, k, line) : lessThan(k, kb, line)) best = item;
    }
    return best;
}

Value fMax(const Value& v, const CallArgs& a, int line) {
    return extreme(v, a, line, true);
}
Value fMin(const Value& v, const CallArgs& a, int line) {
    return extreme(v, a, line, false);
}

Value fSum(const Value& v, const CallArgs& a, int line) {
    Value total = a.get(1, "start") ? *a.get(1, "start") : Value::integer(0);
    for (const Value& item : iterate(v, line))
        total = binaryOp("+", total, keyed(item, a, 0, line), line);
    return total;
}

Value fAbs(const Value& v, const CallArgs&, int line) {
    if (v.isInt()) return Value::integer(std::llabs(v.asInt()));
    if (v.isNumber()) return Value::number(std::fabs(v.asDouble()));
    throw TemplateError("bad operand type for abs(): '" + v.typeName() + "'", line);
}

Value fRound(const Value& v, const CallArgs& a, int line) {
    const int64_t precision = intArg(a, 0, "precision", 0, line);
    const std::string method = strArg(a, 1, "method", "common");
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double x = v.asDouble() * scale;
    const double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
    return Value::number(r / scale);
}

Value fIndent(const Value& v, const CallArgs& a, int line) {
    const Value* w = arg(a, 0, "width");
    const std::string pad = !w           ? std::string(4, ' ')
                            : w->isInt() ? std::string(static_cast<size_t>(w->asInt()), ' ')
                                         : w->str();
    const bool first = flag(a, 1, "first", false), blank = flag(a, 2, "blank", false);
    (void)line;
    std::vector<std::string> lines = py::splitlines(v.str() + "\n");
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i == 0) {
            out = lines[0];
            continue;
        }
        out += "\n" + ((blank || !lines[i].empty()) ? pad + lines[i] : lines[i]);
    }
    return Value(first ? pad + out : out);
}

Value fWordcount(const Value& v, const CallArgs&, int) {
    return Value::integer(static_cast<int64_t>(py::split(v.str(), std::nullopt, -1).size()));
}

Value fAttr(const Value& v, const CallArgs& a, int line) {
    const Value* name = arg(a, 0, "name");
    if (!name) throw TemplateError("attr needs a name", line);
    return getAttribute(v, name->str(), line);
}

const std::map<std::string, Filter, std::less<>>& filters() {
    static const std::map<std::string, Filter, std::less<>> table{
        {"abs", fAbs},           {"attr", fAttr},       {"capitalize", fCapitalize},
        {"count", fLength},      {"d", fDefault},       {"default", fDefault},
        {"dictsort", fDictsort}, {"e", fEscape},        {"escape", fEscape},
        {"first", fFirst},       {"float", fFloat},     {"indent", fIndent},
        {"int", fInt},           {"items", fItems},     {"join", fJoin},
        {"last", fLast},         {"length", fLength},   {"list", fList},
        {"lower", fLower},       {"map", fMap},         {"max", fMax},
        {"min", fMin},           {"reject", fReject},   {"rejectattr", fRejectattr},
        {"replace", fReplace},   {"reverse", fReverse}, {"round", fRound},
        {"safe", fSafe},         {"select", fSelect},   {"selectattr", fSelectattr},
        {"sort", fSort},         {"string", fString},   {"sum", fSum},
        {"title", fTitle},       {"tojson", fToJson},   {"trim", fTrim},
        {"unique", fUnique},     {"upper", fUpper},     {"wordcount", fWordcount}};
    return table;
}

} // namespace

bool isFilter(const std::string& name) {
    return filters().count(name) != 0;
}

Value applyFilter(const std::string& name, const Value& input, const CallArgs& args, int line) {
    const auto it = filters().find(name);
    if (it == filters().end()) throw TemplateError("no filter named '" + name + "'", line);
    return it->second(input, args, line);
}

} // namespace gpo::tmpl
