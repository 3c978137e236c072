#pragma once
// The parsed form of a template: expressions and statements, as jinja2's parser builds them.
#include "template/value.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gpo::tmpl {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;
using NamedArgs = std::vector<std::pair<std::string, ExprPtr>>;

struct Expr {
    enum class Kind {
        Literal,   ///< literal
        Name,      ///< name
        List,      ///< children
        Tuple,     ///< children
        Dict,      ///< children: key, value, key, value, ...
        GetAttr,   ///< children[0].name
        GetItem,   ///< children[0][children[1]]
        Slice,     ///< children[0][children[1]:children[2]:children[3]], any bound may be null
        Call,      ///< children[0](children[1..], named)
        Filter,    ///< children[0] | name(children[1..], named)
        Test,      ///< children[0] is [not] name(children[1..], named)
        Unary,     ///< name ("-", "+", "not") children[0]
        Binary,    ///< children[0] name children[1]: + - * / // % ** ~ and or
        Compare,   ///< children[0] ops[0] children[1] ops[1] children[2] ...
        Cond,      ///< children[1] if children[0] else children[2] (may be null)
        BlockValue ///< the rendered body of a {% filter %} or {% set %} block
    };
    Kind kind;
    int line = 0;
    Value literal;
    std::string name;
    std::vector<ExprPtr> children;
    NamedArgs named;
    std::vector<std::string> ops;
    bool negated = false;
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;
using Body = std::vector<NodePtr>;

struct Node {
    enum class Kind {
        Text,     ///< text
        Output,   ///< {{ expr }}
        If,       ///< branches, elseBody
        For,      ///< for targets in expr [if cond]: body [else elseBody]
        Set,      ///< set targets = expr, or set name.attr = expr (attr non-empty)
        SetBlock, ///< set name [| filters] ... endset: expr is the filter chain over BlockValue, or null
        Macro,    ///< macro name(params) body
        Break,
        Continue,
        Scope,      ///< generation ... endgeneration and with ... endwith: body (with assignments in params)
        FilterBlock ///< filter chain (expr over BlockValue): body
    };
    Kind kind;
    int line = 0;
    std::string text;
    std::string attr;
    std::vector<std::string> targets;
    ExprPtr expr;
    ExprPtr cond;
    std::vector<std::pair<ExprPtr, Body>> branches;
    Body body;
    Body elseBody;
    NamedArgs params; ///< macro parameters (default may be null), with-assignments
};

} // namespace gpo::tmpl
