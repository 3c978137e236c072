#pragma once
// The values a chat template computes with, as Python and jinja2 have them: undefined, None, bool,
// int, float, str, list (and tuple), dict (insertion-ordered), namespace and callables. Lists and
// dicts are shared, as Python's are; only a namespace is ever changed after it is made.
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gpo::tmpl {

class Value;
using ValueList = std::vector<Value>;

struct ValueDict {
    std::vector<std::pair<std::string, Value>> items;
    const Value* find(std::string_view key) const;
    void set(const std::string& key, Value v);
};

/// Arguments of a call: positional, then name=value.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;
    /// The argument at `index` or named `name`, if given.
    const Value* get(size_t index, std::string_view name) const;
};

using NativeFunction = std::function<Value(const CallArgs&)>;

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Function };

    Value() = default; ///< undefined
    Value(std::string s) : kind_(Kind::String), str_(std::make_shared<const std::string>(std::move(s))) {}
    Value(const char* s) : Value(std::string(s)) {}
    static Value undefined(std::string name);
    static Value none();
    static Value boolean(bool b);
    static Value integer(int64_t i);
    static Value number(double d);
    static Value list(ValueList items, bool tuple = false);
    static Value dict(ValueDict d);
    static Value makeNamespace(ValueDict d);
    static Value function(std::string name, NativeFunction f);
    /// A JSON document as the template sees it (objects keep their key order).
    static Value fromJson(const nlohmann::ordered_json& j);

    Kind kind() const { return kind_; }
    bool isUndefined() const { return kind_ == Kind::Undefined; }
    bool isNone() const { return kind_ == Kind::None; }
    bool isString() const { return kind_ == Kind::String; }
    bool isList() const { return kind_ == Kind::List; }
    bool isDict() const { return kind_ == Kind::Dict; }
    bool isNamespace() const { return kind_ == Kind::Dict && namespace_; }
    bool isTuple() const { return kind_ == Kind::List && tuple_; }
    bool isFunction() const { return kind_ == Kind::Function; }
    bool isBool() const { return kind_ == Kind::Bool; }
    bool isInt() const { return kind_ == Kind::Int || kind_ == Kind::Bool; } ///< bool is an int, as in Python
    bool isNumber() const { return isInt() || kind_ == Kind::Float; }

    bool truthy() const;
    bool asBool() const { return int_ != 0; }
    int64_t asInt() const { return int_; }
    double asDouble() const { return kind_ == Kind::Float ? float_ : static_cast<double>(int_); }
    const std::string& asString() const { return *str_; }
    const ValueList& asList() const { return *list_; }
    const ValueDict& asDict() const { return *dict_; }
    ValueDict& mutableNamespace() const { return *dict_; }
    const NativeFunction& asFunction() const { return *fn_; }
    /// The name an undefined value was looked up by, or a function's name.
    const std::string& name() const { return name_; }

    /// Python's str(): what {{ value }} prints.
    std::string str() const;
    /// Python's repr().
    std::string repr() const;
    /// json.dumps(value, ensure_ascii, indent, separators, sort_keys); throws on what JSON cannot hold.
    std::string toJson(bool ensureAscii, std::optional<std::string> indent, std::string itemSep,
                       std::string keySep, bool sortKeys) const;
    /// Python's ==.
    bool equals(const Value& other) const;
    /// Python's type name, for error messages.
    std::string typeName() const;

private:
    Kind kind_ = Kind::Undefined;
    bool tuple_ = false;
    bool namespace_ = false;
    int64_t int_ = 0;
    double float_ = 0;
    std::shared_ptr<const std::string> str_;
    std::shared_ptr<ValueList> list_;
    std::shared_ptr<ValueDict> dict_;
    std::shared_ptr<const NativeFunction> fn_;
    std::string name_;
};

} // namespace gpo::tmpl
