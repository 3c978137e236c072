// Attribute and item lookup as jinja2's sandbox does it, with the str, dict and list methods
// templates call (the ones that change a value are refused, as ImmutableSandboxedEnvironment does).
#include "template/builtins.h"
#include "template/py_string.h"
#include "template/template_error.h"

#include <set>

namespace gpo::tmpl {
namespace {

std::optional<std::string> optString(const CallArgs& a, size_t i, std::string_view name, int line) {
    const Value* v = a.get(i, name);
    if (!v || v->isNone()) return std::nullopt;
    if (!v->isString()) throw TemplateError(std::string(name) + " must be a str, not " + v->typeName(), line);
    return v->asString();
}

std::string needString(const CallArgs& a, size_t i, std::string_view name, int line) {
    auto s = optString(a, i, name, line);
    if (!s) throw TemplateError("missing argument " + std::string(name), line);
    return *s;
}

int64_t optInt(const CallArgs& a, size_t i, std::string_view name, int64_t fallback, int line) {
    const Value* v = a.get(i, name);
    if (!v || v->isNone()) return fallback;
    if (!v->isInt()) throw TemplateError(std::string(name) + " must be an int, not " + v->typeName(), line);
    return v->asInt();
}

Value strings(const std::vector<std::string>& parts) {
    ValueList out;
    for (const auto& p : parts)
        out.emplace_back(p);
    return Value::list(std::move(out));
}

bool affix(const std::string& s, const Value& arg, bool prefix, int line) {
    auto one = [&](const Value& v) {
        if (!v.isString()) throw TemplateError("startswith/endswith takes a str or a tuple of str", line);
        const std::string& a = v.asString();
        return prefix ? s.compare(0, a.size(), a) == 0 && s.size() >= a.size()
                      : s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0;
    };
    if (arg.isList()) {
        for (const Value& v : arg.asList())
            if (one(v)) return true;
        return false;
    }
    return one(arg);
}

template <class Pred> bool allChars(const std::string& s, Pred pred) {
    if (s.empty()) return false;
    for (char32_t c : py::decode(s))
        if (!pred(c)) return false;
    return true;
}

Value stringMethod(const Value& self, const std::string& name, int line) {
    const std::string s = self.asString();
    auto method = [&](NativeFunction f) { return Value::function("str." + name, std::move(f)); };
    if (name == "strip" || name == "lstrip" || name == "rstrip")
        return method([s, name, line](const CallArgs& a) {
            return Value(py::strip(s, optString(a, 0, "chars", line), name != "rstrip", name != "lstrip"));
        });
    if (name == "split" || name == "rsplit")
        return method([s, name, line](const CallArgs& a) {
            const auto sep = optString(a, 0, "sep", line);
            if (sep && sep->empty()) throw TemplateError("empty separator", line);
            const int64_t maxsplit = optInt(a, 1, "maxsplit", -1, line);
            return strings(name == "split" ? py::split(s, sep, maxsplit) : py::rsplit(s, sep, maxsplit));
        });
    if (name == "splitlines") return method([s](const CallArgs&) { return strings(py::splitlines(s)); });
    if (name == "startswith" || name == "endswith")
        return method([s, name, line](const CallArgs& a) {
            const Value* arg = a.get(0, "prefix");
            if (!arg) throw TemplateError(name + "() takes at least 1 argument", line);
            return Value::boolean(affix(s, *arg, name == "startswith", line));
        });
    if (name == "upper") return method([s](const CallArgs&) { return Value(py::upper(s)); });
    if (name == "lower") return method([s](const CallArgs&) { return Value(py::lower(s)); });
    if (name == "title") return method([s](const CallArgs&) { return Value(py::title(s)); });
    if (name == "capitalize") return method([s](const CallArgs&) { return Value(py::capitalize(s)); });
    if (name == "replace")
        return method([s, line](const CallArgs& a) {
            return Value(py::replace(s, needString(a, 0, "old", line), needString(a, 1, "new", line),
                                     optInt(a, 2, "count", -1, line)));
        });
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex" || name == "count")
        return method([s, name, line](const CallArgs& a) {
            const std::string sub = needString(a, 0, "sub", line);
            const std::u32string text = py::decode(s), needle = py::decode(sub);
            if (name == "count") {
                int64_t n = 0;
                if (needle.empty()) return Value::integer(static_cast<int64_t>(text.size()) + 1);
                for (size_t at = text.find(needle); at != std::u32string::npos;
                     at = text.find(needle, at + needle.size()))
                    ++n;
                return Value::integer(n);
            }
            const size_t at = name[0] == 'r' ? text.rfind(needle) : text.find(needle);
            if (at == std::u32string::npos && (name == "index" || name == "rindex"))
                throw TemplateError("substring not found", line);
            return Value::integer(at == std::u32string::npos ? -1 : static_cast<int64_t>(at));
        });
    if (name == "join")
        return method([s, line](const CallArgs& a) {
            const Value* items = a.get(0, "iterable");
            if (!items) throw TemplateError("join() takes exactly one argument", line);
            std::string out;
            bool first = true;
            for (const Value& v : iterate(*items, line)) {
                if (!v.isString())
                    throw TemplateError("sequence item: expected str instance, " + v.typeName() + " found",
                                        line);
                out += (first ? "" : s) + v.asString();
                first = false;
            }
            return Value(out);
        });
    if (name == "isdigit" || name == "isnumeric" || name == "isdecimal")
        return method([s](const CallArgs&) {
            return Value::boolean(allChars(s, [](char32_t c) { return c >= '0' && c <= '9'; }));
        });
    if (name == "isalpha")
        return method([s](const CallArgs&) {
            return Value::boolean(
                allChars(s, [](char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }));
        });
    if (name == "isspace")
        return method([s](const CallArgs&) { return Value::boolean(allChars(s, py::isWhitespace)); });
    if (name == "islower")
        return method(
            [s](const CallArgs&) { return Value::boolean(py::lower(s) == s && py::upper(s) != s); });
    if (name == "isupper")
        return method(
            [s](const CallArgs&) { return Value::boolean(py::upper(s) == s && py::lower(s) != s); });
    return Value::undefined("'str object' has no attribute '" + name + "'");
}

const std::set<std::string>& dictMethods() {
    static const std::set<std::string> names{"items", "keys", "values", "get"};
    return names;
}

Value dictMethod(const Value& self, const std::string& name) {
    auto method = [&](NativeFunction f) { return Value::function("dict." + name, std::move(f)); };
    if (name == "items")
        return method([self](const CallArgs&) {
            ValueList out;
            for (const auto& [k, v] : self.asDict().items)
                out.push_back(Value::list({Value(k), v}, true));
            return Value::list(std::move(out));
        });
    if (name == "keys")
        return method([self](const CallArgs&) {
            ValueList out;
            for (const auto& kv : self.asDict().items)
                out.emplace_back(kv.first);
            return Value::list(std::move(out));
        });
    if (name == "values")
        return method([self](const CallArgs&) {
            ValueList out;
            for (const auto& kv : self.asDict().items)
                out.push_back(kv.second);
            return Value::list(std::move(out));
        });
    return method([self](const CallArgs& a) {
        const Value* key = a.get(0, "key");
        const Value* fallback = a.get(1, "default");
        if (key && key->isString())
            if (const Value* v = self.asDict().find(key->asString())) return *v;
        return fallback ? *fallback : Value::none();
    });
}

const std::set<std::string>& mutatingMethods() {
    static const std::set<std::string> names{"append", "extend",  "insert", "pop",        "remove", "clear",
                                             "sort",   "reverse", "update", "setdefault", "popitem"};
    return names;
}

Value listMethod(const Value& self, const std::string& name, int line) {
    if (mutatingMethods().count(name))
        throw TemplateError(
            "access to attribute '" + name + "' of '" + self.typeName() + "' object is unsafe.", line);
    if (name == "index" || name == "count")
        return Value::function("list." + name, [self, name, line](const CallArgs& a) {
            const Value* x = a.get(0, "value");
            if (!x) throw TemplateError(name + "() takes exactly one argument", line);
            int64_t n = 0;
            for (size_t i = 0; i < self.asList().size(); ++i) {
                if (!self.asList()[i].equals(*x)) continue;
                if (name == "index") return Value::integer(static_cast<int64_t>(i));
                ++n;
            }
            if (name == "index") throw TemplateError(x->repr() + " is not in list", line);
            return Value::integer(n);
        });
    return Value::undefined("'list object' has no attribute '" + name + "'");
}

} // namespace

void undefinedError(const Value& v, int line) {
    throw TemplateError(v.name().empty() ? "undefined value" : v.name(), line);
}

Value getAttribute(const Value& obj, const std::string& name, int line) {
    switch (obj.kind()) {
    case Value::Kind::Undefined:
        undefinedError(obj, line);
    case Value::Kind::String:
        return stringMethod(obj, name, line);
    case Value::Kind::List:
        return listMethod(obj, name, line);
    case Value::Kind::Dict:
        if (obj.isNamespace()) {
            if (const Value* v = obj.asDict().find(name)) return *v;
            return Value::undefined("'Namespace' object has no attribute '" + name + "'");
        }
        if (dictMethods().count(name)) return dictMethod(obj, name);
        if (mutatingMethods().count(name))
            throw TemplateError("access to attribute '" + name + "' of 'dict' object is unsafe.", line);
        if (const Value* v = obj.asDict().find(name)) return *v;
        return Value::undefined("'dict object' has no attribute '" + name + "'");
    default:
        return Value::undefined("'" + obj.typeName() + " object' has no attribute '" + name + "'");
    }
}

Value getItem(const Value& obj, const Value& key, int line) {
    if (obj.isUndefined()) undefinedError(obj, line);
    if ((obj.isList() || obj.isString()) && key.isInt()) {
        const int64_t n =
            obj.isList() ? static_cast<int64_t>(obj.asList().size()) : py::length(obj.asString());
        const int64_t i = key.asInt() < 0 ? key.asInt() + n : key.asInt();
        if (i < 0 || i >= n)
            return Value::undefined("'" + obj.typeName() + " object' has no element " + key.repr());
        if (obj.isList()) return obj.asList()[static_cast<size_t>(i)];
        return Value(py::slice(obj.asString(), i, i + 1, 1));
    }
    if (obj.isDict() && key.isString() && !obj.isNamespace()) {
        if (const Value* v = obj.asDict().find(key.asString())) return *v;
        if (dictMethods().count(key.asString())) return dictMethod(obj, key.asString());
        return Value::undefined("'dict object' has no attribute '" + key.asString() + "'");
    }
    if (key.isString()) return getAttribute(obj, key.asString(), line);
    return Value::undefined("'" + obj.typeName() + " object' has no element " + key.repr());
}

Value sliceOf(const Value& obj, const Value& start, const Value& stop, const Value& step, int line) {
    if (obj.isUndefined()) undefinedError(obj, line);
    auto bound = [&](const Value& v) -> std::optional<int64_t> {
        if (v.isUndefined() || v.isNone()) return std::nullopt;
        if (!v.isInt()) throw TemplateError("slice indices must be integers or None", line);
        return v.asInt();
    };
    const int64_t by = bound(step).value_or(1);
    if (by == 0) throw TemplateError("slice step cannot be zero", line);
    if (obj.isString()) return Value(py::slice(obj.asString(), bound(start), bound(stop), by));
    if (!obj.isList()) throw TemplateError("'" + obj.typeName() + "' object is not subscriptable", line);
    ValueList out;
    for (int64_t i :
         py::sliceIndices(static_cast<int64_t>(obj.asList().size()), bound(start), bound(stop), by))
        out.push_back(obj.asList()[static_cast<size_t>(i)]);
    return Value::list(std::move(out), obj.isTuple());
}

ValueList iterate(const Value& v, int line) {
    switch (v.kind()) {
    case Value::Kind::Undefined:
        return {};
    case Value::Kind::List:
        return v.asList();
    case Value::Kind::Dict: {
        ValueList keys;
        for (const auto& kv : v.asDict().items)
            keys.emplace_back(kv.first);
        return keys;
    }
    case Value::Kind::String: {
        ValueList chars;
        for (char32_t c : py::decode(v.asString())) {
            std::string s;
            py::appendUtf8(s, c);
            chars.emplace_back(s);
        }
        return chars;
    }
    default:
        throw TemplateError("'" + v.typeName() + "' object is not iterable", line);
    }
}

} // namespace gpo::tmpl
