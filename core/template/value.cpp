#include "template/value.h"

#include "template/py_string.h"
#include "template/template_error.h"

#include <algorithm>
#include <cmath>

namespace gpo::tmpl {

const Value* ValueDict::find(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}

void ValueDict::set(const std::string& key, Value v) {
    for (auto& [k, old] : items)
        if (k == key) {
            old = std::move(v);
            return;
        }
    items.emplace_back(key, std::move(v));
}

const Value* CallArgs::get(size_t index, std::string_view name) const {
    if (index < positional.size()) return &positional[index];
    for (const auto& [k, v] : named)
        if (k == name) return &v;
    return nullptr;
}

Value Value::undefined(std::string name) {
    Value v;
    v.name_ = std::move(name);
    return v;
}

Value Value::none() {
    Value v;
    v.kind_ = Kind::None;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.kind_ = Kind::Bool;
    v.int_ = b ? 1 : 0;
    return v;
}

Value Value::integer(int64_t i) {
    Value v;
    v.kind_ = Kind::Int;
    v.int_ = i;
    return v;
}

Value Value::number(double d) {
    Value v;
    v.kind_ = Kind::Float;
    v.float_ = d;
    return v;
}

Value Value::list(ValueList items, bool tuple) {
    Value v;
    v.kind_ = Kind::List;
    v.tuple_ = tuple;
    v.list_ = std::make_shared<ValueList>(std::move(items));
    return v;
}

Value Value::dict(ValueDict d) {
    Value v;
    v.kind_ = Kind::Dict;
    v.dict_ = std::make_shared<ValueDict>(std::move(d));
    return v;
}

Value Value::makeNamespace(ValueDict d) {
    Value v = dict(std::move(d));
    v.namespace_ = true;
    return v;
}

Value Value::function(std::string name, NativeFunction f) {
    Value v;
    v.kind_ = Kind::Function;
    v.name_ = std::move(name);
    v.fn_ = std::make_shared<const NativeFunction>(std::move(f));
    return v;
}

Value Value::fromJson(const nlohmann::ordered_json& j) {
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
        return none();
    case nlohmann::ordered_json::value_t::boolean:
        return boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
        return integer(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
        return integer(static_cast<int64_t>(j.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
        return number(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
        return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        ValueList items;
        for (const auto& item : j)
            items.push_back(fromJson(item));
        return list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        ValueDict d;
        for (const auto& [k, item] : j.items())
            d.items.emplace_back(k, fromJson(item));
        return dict(std::move(d));
    }
    default:
        return undefined("binary");
    }
}

bool Value::truthy() const {
    switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
    case Kind::Int:
        return int_ != 0;
    case Kind::Float:
        return float_ != 0;
    case Kind::String:
        return !str_->empty();
    case Kind::List:
        return !list_->empty();
    case Kind::Dict:
        return namespace_ || !dict_->items.empty();
    case Kind::Function:
        return true;
    }
    return false;
}

std::string Value::typeName() const {
    switch (kind_) {
    case Kind::Undefined:
        return "Undefined";
    case Kind::None:
        return "NoneType";
    case Kind::Bool:
        return "bool";
    case Kind::Int:
        return "int";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "str";
    case Kind::List:
        return tuple_ ? "tuple" : "list";
    case Kind::Dict:
        return namespace_ ? "Namespace" : "dict";
    case Kind::Function:
        return "function";
    }
    return "object";
}

std::string Value::str() const {
    switch (kind_) {
    case Kind::Undefined:
        return "";
    case Kind::String:
        return *str_;
    default:
        return repr();
    }
}

std::string Value::repr() const {
    switch (kind_) {
    case Kind::Undefined:
        return "";
    case Kind::None:
        return "None";
    case Kind::Bool:
        return int_ ? "True" : "False";
    case Kind::Int:
        return std::to_string(int_);
    case Kind::Float:
        return py::floatRepr(float_);
    case Kind::String:
        return py::repr(*str_);
    case Kind::List: {
        std::string out = tuple_ ? "(" : "[";
        for (size_t i = 0; i < list_->size(); ++i)
            out += (i ? ", " : "") + (*list_)[i].repr();
        if (tuple_ && list_->size() == 1) out += ",";
        return out + (tuple_ ? ")" : "]");
    }
    case Kind::Dict: {
        std::string out = namespace_ ? "<Namespace {" : "{";
        for (size_t i = 0; i < dict_->items.size(); ++i)
            out += (i ? ", " : "") + py::repr(dict_->items[i].first) + ": " + dict_->items[i].second.repr();
        return out + (namespace_ ? "}>" : "}");
    }
    case Kind::Function:
        return "<function " + name_ + ">";
    }
    return "";
}

namespace {

void dumpJson(const Value& v, bool ensureAscii, const std::optional<std::string>& indent,
              const std::string& itemSep, const std::string& keySep, bool sortKeys, int level,
              std::string& out) {
    const std::string newline = indent ? "\n" : "";
    auto pad = [&](int n) {
        std::string p;
        if (indent)
            for (int i = 0; i < n; ++i)
                p += *indent;
        return p;
    };
    switch (v.kind()) {
    case Value::Kind::None:
        out += "null";
        return;
    case Value::Kind::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Value::Kind::Int:
        out += std::to_string(v.asInt());
        return;
    case Value::Kind::Float: {
        const double d = v.asDouble();
        if (std::isnan(d))
            out += "NaN";
        else if (std::isinf(d))
            out += d < 0 ? "-Infinity" : "Infinity";
        else
            out += py::floatRepr(d);
        return;
    }
    case Value::Kind::String:
        out += py::jsonQuote(v.asString(), ensureAscii);
        return;
    case Value::Kind::List: {
        if (v.asList().empty()) {
            out += "[]";
            return;
        }
        out += "[" + newline + pad(level + 1);
        for (size_t i = 0; i < v.asList().size(); ++i) {
            if (i) out += itemSep + newline + pad(level + 1);
            dumpJson(v.asList()[i], ensureAscii, indent, itemSep, keySep, sortKeys, level + 1, out);
        }
        out += newline + pad(level) + "]";
        return;
    }
    case Value::Kind::Dict: {
        if (v.isNamespace()) break;
        auto items = v.asDict().items;
        if (items.empty()) {
            out += "{}";
            return;
        }
        if (sortKeys)
            std::stable_sort(items.begin(), items.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
        out += "{" + newline + pad(level + 1);
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += itemSep + newline + pad(level + 1);
            out += py::jsonQuote(items[i].first, ensureAscii) + keySep;
            dumpJson(items[i].second, ensureAscii, indent, itemSep, keySep, sortKeys, level + 1, out);
        }
        out += newline + pad(level) + "}";
        return;
    }
    default:
        break;
    }
    throw TemplateError("Object of type " + v.typeName() + " is not JSON serializable", 0);
}

} // namespace

std::string Value::toJson(bool ensureAscii, std::optional<std::string> indent, std::string itemSep,
                          std::string keySep, bool sortKeys) const {
    std::string out;
    dumpJson(*this, ensureAscii, indent, itemSep, keySep, sortKeys, 0, out);
    return out;
}

bool Value::equals(const Value& other) const {
    if (isNumber() && other.isNumber()) {
        if (kind_ == Kind::Float || other.kind_ == Kind::Float) return asDouble() == other.asDouble();
        return int_ == other.int_;
    }
    if (kind_ != other.kind_) return false;
    switch (kind_) {
    case Kind::Undefined:
    case Kind::None:
        return true;
    case Kind::String:
        return *str_ == *other.str_;
    case Kind::List: {
        if (tuple_ != other.tuple_ || list_->size() != other.list_->size()) return false;
        for (size_t i = 0; i < list_->size(); ++i)
            if (!(*list_)[i].equals((*other.list_)[i])) return false;
        return true;
    }
    case Kind::Dict: {
        if (namespace_ || other.namespace_) return dict_ == other.dict_;
        if (dict_->items.size() != other.dict_->items.size()) return false;
        for (const auto& [k, v] : dict_->items) {
            const Value* o = other.dict_->find(k);
            if (!o || !v.equals(*o)) return false;
        }
        return true;
    }
    case Kind::Function:
        return fn_ == other.fn_;
    default:
        return false;
    }
}

} // namespace gpo::tmpl
