#pragma once
// What jinja2 (as transformers configures it) gives a chat template: attribute and item lookup with
// Python's str/dict methods, operators, filters, tests and the globals raise_exception,
// strftime_now, namespace, dict and range. Each throws TemplateError naming the line on misuse.
#include "template/value.h"

#include <string>

namespace gpo::tmpl {

/// obj.name: an attribute (a str or dict method) first, then the item, else undefined.
Value getAttribute(const Value& obj, const std::string& name, int line);
/// obj[key]: the item first, then the attribute, else undefined.
Value getItem(const Value& obj, const Value& key, int line);
/// obj[start:stop:step]; undefined bounds are absent.
Value sliceOf(const Value& obj, const Value& start, const Value& stop, const Value& step, int line);
/// What a for loop walks: list items, dict keys, a str's characters; nothing for undefined.
ValueList iterate(const Value& v, int line);

Value binaryOp(const std::string& op, const Value& a, const Value& b, int line);
Value unaryOp(const std::string& op, const Value& a, int line);
/// ==, !=, <, >, <=, >=, in, not in.
bool compareOp(const std::string& op, const Value& a, const Value& b, int line);

bool isFilter(const std::string& name);
Value applyFilter(const std::string& name, const Value& input, const CallArgs& args, int line);
bool isTest(const std::string& name);
bool applyTest(const std::string& name, const Value& input, const CallArgs& args, int line);

/// The globals every chat template sees.
ValueDict templateGlobals();

/// Throws the error jinja2 raises for using an undefined value.
[[noreturn]] void undefinedError(const Value& v, int line);

} // namespace gpo::tmpl
