// Executes a parsed template: jinja2's scoping (a for loop's body gets fresh variables every
// iteration, so only a namespace carries state out of it), loop variables, macros and calls.
#include "template/builtins.h"
#include "template/jinja_template.h"
#include "template/lexer.h"
#include "template/parser.h"
#include "template/template_error.h"

#include <unordered_map>

namespace gpo::tmpl {
namespace {

using Frame = std::unordered_map<std::string, Value>;

class Renderer {
public:
    Renderer(const ValueDict& globals, const ValueDict& variables) {
        frames_.emplace_back();
        for (const auto& [k, v] : globals.items)
            frames_[0][k] = v;
        frames_.emplace_back();
        for (const auto& [k, v] : variables.items)
            frames_[1][k] = v;
    }

    void run(const Body& body, std::string& out) {
        if (exec(body, out) != Flow::Normal) throw TemplateError("break or continue outside a loop", 0);
    }

private:
    enum class Flow { Normal, Break, Continue };

    Flow exec(const Body& body, std::string& out) {
        for (const NodePtr& n : body) {
            const Flow f = execNode(*n, out);
            if (f != Flow::Normal) return f;
        }
        return Flow::Normal;
    }

    struct FramePush {
        Renderer& r;
        explicit FramePush(Renderer& r_) : r(r_) { r.frames_.emplace_back(); }
        ~FramePush() { r.frames_.pop_back(); }
    };

    Flow execNode(const Node& n, std::string& out) {
        switch (n.kind) {
        case Node::Kind::Text:
            out += n.text;
            return Flow::Normal;
        case Node::Kind::Output:
            out += eval(*n.expr).str();
            return Flow::Normal;
        case Node::Kind::If:
            for (const auto& [cond, body] : n.branches)
                if (eval(*cond).truthy()) return exec(body, out);
            return exec(n.elseBody, out);
        case Node::Kind::For:
            return execFor(n, out);
        case Node::Kind::Set:
            execSet(n);
            return Flow::Normal;
        case Node::Kind::SetBlock: {
            std::string body;
            {
                FramePush scope(*this);
                if (exec(n.body, body) != Flow::Normal)
                    throw TemplateError("break or continue outside a loop", n.line);
            }
            Value v(body);
            if (n.expr) {
                blockValue_ = v;
                v = eval(*n.expr);
            }
            assign(n.text, v);
            return Flow::Normal;
        }
        case Node::Kind::Macro:
            assign(n.text, makeMacro(n));
            return Flow::Normal;
        case Node::Kind::Break:
            return Flow::Break;
        case Node::Kind::Continue:
            return Flow::Continue;
        case Node::Kind::Scope: {
            std::vector<Value> values;
            for (const auto& [name, expr] : n.params)
                values.push_back(eval(*expr));
            FramePush scope(*this);
            for (size_t i = 0; i < n.params.size(); ++i)
                assign(n.params[i].first, values[i]);
            return exec(n.body, out);
        }
        case Node::Kind::FilterBlock: {
            std::string body;
            {
                FramePush scope(*this);
                const Flow f = exec(n.body, body);
                if (f != Flow::Normal) return f;
            }
            blockValue_ = Value(body);
            out += eval(*n.expr).str();
            return Flow::Normal;
        }
        }
        return Flow::Normal;
    }

    void bindTargets(const std::vector<std::string>& targets, const Value& item, int line) {
        if (targets.size() == 1) {
            assign(targets[0], item);
            return;
        }
        const ValueList parts = iterate(item, line);
        if (parts.size() != targets.size())
            throw TemplateError(parts.size() < targets.size() ? "not enough values to unpack"
                                                              : "too many values to unpack",
                                line);
        for (size_t i = 0; i < targets.size(); ++i)
            assign(targets[i], parts[i]);
    }

    Flow execFor(const Node& n, std::string& out) {
        ValueList items = iterate(eval(*n.expr), n.line);
        if (n.cond) {
            ValueList kept;
            for (const Value& item : items) {
                FramePush scope(*this);
                bindTargets(n.targets, item, n.line);
                if (eval(*n.cond).truthy()) kept.push_back(item);
            }
            items = std::move(kept);
        }
        const auto length = static_cast<int64_t>(items.size());
        for (int64_t i = 0; i < length; ++i) {
            FramePush scope(*this);
            ValueDict loop;
            loop.set("index", Value::integer(i + 1));
            loop.set("index0", Value::integer(i));
            loop.set("revindex", Value::integer(length - i));
            loop.set("revindex0", Value::integer(length - i - 1));
            loop.set("first", Value::boolean(i == 0));
            loop.set("last", Value::boolean(i == length - 1));
            loop.set("length", Value::integer(length));
            loop.set("depth", Value::integer(1));
            loop.set("depth0", Value::integer(0));
            loop.set("previtem", i > 0 ? items[static_cast<size_t>(i - 1)]
                                       : Value::undefined("there is no previous item"));
            loop.set("nextitem", i + 1 < length ? items[static_cast<size_t>(i + 1)]
                                                : Value::undefined("there is no next item"));
            loop.set("cycle", Value::function("loop.cycle", [i, line = n.line](const CallArgs& a) {
                         if (a.positional.empty()) throw TemplateError("no items for cycling given", line);
                         return a.positional[static_cast<size_t>(i) % a.positional.size()];
                     }));
            assign("loop", Value::dict(std::move(loop)));
            bindTargets(n.targets, items[static_cast<size_t>(i)], n.line);
            if (exec(n.body, out) == Flow::Break) break;
        }
        if (length == 0) return exec(n.elseBody, out);
        return Flow::Normal;
    }

    void execSet(const Node& n) {
        Value v = eval(*n.expr);
        if (n.attr.empty()) {
            bindTargets(n.targets, v, n.line);
            return;
        }
        const Value ns = lookup(n.text);
        if (!ns.isNamespace()) throw TemplateError("cannot assign attribute on non-namespace object", n.line);
        if (!n.attr.empty() && n.attr[0] == '_')
            throw TemplateError("Chat templates cannot store underscore-prefixed attributes on a namespace",
                                n.line);
        ns.mutableNamespace().set(n.attr, std::move(v));
    }

    Value makeMacro(const Node& n) {
        return Value::function(n.text, [this, &n](const CallArgs& a) {
            if (depth_ > 64) throw TemplateError("macros nest too deeply", n.line);
            if (a.positional.size() > n.params.size())
                throw TemplateError("macro '" + n.text + "' takes not more than " +
                                        std::to_string(n.params.size()) + " argument(s)",
                                    n.line);
            std::vector<Frame> saved = std::move(frames_);
            frames_ = {saved[0], saved[1], Frame{}};
            ++depth_;
            std::string out;
            try {
                for (size_t i = 0; i < n.params.size(); ++i) {
                    const Value* given = a.get(i, n.params[i].first);
                    if (given)
                        assign(n.params[i].first, *given);
                    else if (n.params[i].second)
                        assign(n.params[i].first, eval(*n.params[i].second));
                    else
                        assign(n.params[i].first,
                               Value::undefined("'" + n.params[i].first + "' is undefined"));
                }
                if (exec(n.body, out) != Flow::Normal)
                    throw TemplateError("break or continue outside a loop", n.line);
            } catch (...) {
                --depth_;
                saved[1] = std::move(frames_[1]);
                frames_ = std::move(saved);
                throw;
            }
            --depth_;
            saved[1] = std::move(frames_[1]);
            frames_ = std::move(saved);
            return Value(out);
        });
    }

    Value lookup(const std::string& name) const {
        for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
            if (auto found = it->find(name); found != it->end()) return found->second;
        return Value::undefined("'" + name + "' is undefined");
    }

    void assign(const std::string& name, Value v) { frames_.back()[name] = std::move(v); }

    CallArgs evalArgs(const Expr& e, size_t firstArg) {
        CallArgs a;
        for (size_t i = firstArg; i < e.children.size(); ++i)
            a.positional.push_back(eval(*e.children[i]));
        for (const auto& [name, expr] : e.named)
            a.named.emplace_back(name, eval(*expr));
        return a;
    }

    Value eval(const Expr& e) {
        switch (e.kind) {
        case Expr::Kind::Literal:
            return e.literal;
        case Expr::Kind::Name:
            return lookup(e.name);
        case Expr::Kind::BlockValue:
            return blockValue_;
        case Expr::Kind::List:
        case Expr::Kind::Tuple: {
            ValueList items;
            for (const ExprPtr& c : e.children)
                items.push_back(eval(*c));
            return Value::list(std::move(items), e.kind == Expr::Kind::Tuple);
        }
        case Expr::Kind::Dict: {
            ValueDict d;
            for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
                const Value key = eval(*e.children[i]);
                if (!key.isString()) throw TemplateError("dict keys must be strings here", e.line);
                d.set(key.asString(), eval(*e.children[i + 1]));
            }
            return Value::dict(std::move(d));
        }
        case Expr::Kind::GetAttr:
            return getAttribute(eval(*e.children[0]), e.name, e.line);
        case Expr::Kind::GetItem:
            return getItem(eval(*e.children[0]), eval(*e.children[1]), e.line);
        case Expr::Kind::Slice: {
            auto part = [&](size_t i) { return e.children[i] ? eval(*e.children[i]) : Value(); };
            return sliceOf(eval(*e.children[0]), part(1), part(2), part(3), e.line);
        }
        case Expr::Kind::Call: {
            const Value callee = eval(*e.children[0]);
            if (callee.isUndefined()) undefinedError(callee, e.line);
            if (!callee.isFunction())
                throw TemplateError("'" + callee.typeName() + "' object is not callable", e.line);
            const CallArgs args = evalArgs(e, 1);
            try {
                return callee.asFunction()(args);
            } catch (const TemplateError& err) {
                if (err.line() > 0) throw;
                throw TemplateError(err.what(), e.line);
            }
        }
        case Expr::Kind::Filter:
            return applyFilter(e.name, eval(*e.children[0]), evalArgs(e, 1), e.line);
        case Expr::Kind::Test: {
            const bool r = applyTest(e.name, eval(*e.children[0]), evalArgs(e, 1), e.line);
            return Value::boolean(e.negated ? !r : r);
        }
        case Expr::Kind::Unary:
            return unaryOp(e.name, eval(*e.children[0]), e.line);
        case Expr::Kind::Binary: {
            if (e.name == "and" || e.name == "or") {
                Value left = eval(*e.children[0]);
                if (left.truthy() == (e.name == "or")) return left;
                return eval(*e.children[1]);
            }
            return binaryOp(e.name, eval(*e.children[0]), eval(*e.children[1]), e.line);
        }
        case Expr::Kind::Compare: {
            Value left = eval(*e.children[0]);
            for (size_t i = 0; i < e.ops.size(); ++i) {
                Value right = eval(*e.children[i + 1]);
                if (!compareOp(e.ops[i], left, right, e.line)) return Value::boolean(false);
                left = std::move(right);
            }
            return Value::boolean(true);
        }
        case Expr::Kind::Cond:
            if (eval(*e.children[0]).truthy()) return eval(*e.children[1]);
            return e.children[2] ? eval(*e.children[2])
                                 : Value::undefined("the inline if expression had no else");
        }
        return {};
    }

    std::vector<Frame> frames_;
    Value blockValue_;
    int depth_ = 0;
};

} // namespace

JinjaTemplate::JinjaTemplate(std::string_view source) : body_(parseTemplate(tokenize(source))) {}

std::string JinjaTemplate::render(const ValueDict& variables) const {
    Renderer r(templateGlobals(), variables);
    std::string out;
    r.run(body_, out);
    return out;
}

} // namespace gpo::tmpl
