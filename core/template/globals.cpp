// The globals transformers gives chat templates: raise_exception, strftime_now, namespace, dict,
// and jinja2's range.
#include "template/builtins.h"
#include "template/template_error.h"

#include <ctime>

namespace gpo::tmpl {
namespace {

Value raiseException(const CallArgs& a) {
    const Value* message = a.get(0, "message");
    throw RaisedError(message ? message->str() : "");
}

Value strftimeNow(const CallArgs& a) {
    const Value* format = a.get(0, "format");
    if (!format || !format->isString()) throw TemplateError("strftime_now() needs a format string", 0);
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buf[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" // the template chooses the format, as with Python's
    const size_t n = std::strftime(buf, sizeof buf, format->asString().c_str(), &local);
#pragma GCC diagnostic pop
    return Value(std::string(buf, n));
}

ValueDict keywordDict(const CallArgs& a, const char* fn) {
    ValueDict d;
    if (!a.positional.empty()) {
        const Value& first = a.positional[0];
        if (a.positional.size() > 1 || !first.isDict())
            throw TemplateError(std::string(fn) + "() takes a mapping and keyword arguments", 0);
        d = first.asDict();
    }
    for (const auto& [k, v] : a.named)
        d.set(k, v);
    return d;
}

Value makeNamespace(const CallArgs& a) {
    ValueDict d = keywordDict(a, "namespace");
    for (const auto& kv : d.items)
        if (!kv.first.empty() && kv.first[0] == '_')
            throw TemplateError(
                "Chat templates cannot store underscore-prefixed attributes on a namespace, but got '" +
                    kv.first + "'",
                0);
    return Value::makeNamespace(std::move(d));
}

Value makeDict(const CallArgs& a) {
    return Value::dict(keywordDict(a, "dict"));
}

Value range(const CallArgs& a) {
    std::vector<int64_t> n;
    for (const Value& v : a.positional) {
        if (!v.isInt()) throw TemplateError("range() takes integers, not " + v.typeName(), 0);
        n.push_back(v.asInt());
    }
    if (n.empty() || n.size() > 3) throw TemplateError("range() takes 1 to 3 arguments", 0);
    const int64_t start = n.size() == 1 ? 0 : n[0];
    const int64_t stop = n.size() == 1 ? n[0] : n[1];
    const int64_t step = n.size() == 3 ? n[2] : 1;
    if (step == 0) throw TemplateError("range() arg 3 must not be zero", 0);
    if ((stop - start) / step > 1'000'000) throw TemplateError("range too big", 0);
    ValueList out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
        out.push_back(Value::integer(i));
    return Value::list(std::move(out));
}

} // namespace

ValueDict templateGlobals() {
    ValueDict g;
    g.set("raise_exception", Value::function("raise_exception", raiseException));
    g.set("strftime_now", Value::function("strftime_now", strftimeNow));
    g.set("namespace", Value::function("namespace", makeNamespace));
    g.set("dict", Value::function("dict", makeDict));
    g.set("range", Value::function("range", range));
    return g;
}

} // namespace gpo::tmpl
