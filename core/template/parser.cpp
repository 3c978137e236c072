#include "template/parser.h"

#include "template/builtins.h"
#include "template/template_error.h"

#include <algorithm>
#include <initializer_list>

namespace gpo::tmpl {
namespace {

class Parser {
public:
    explicit Parser(const std::vector<Token>& tokens) : t_(tokens) {}

    Body parseAll() {
        std::string end;
        Body body = subparse({}, end);
        if (cur().type != TokenType::End) fail("unexpected '" + cur().text + "'");
        return body;
    }

private:
    const Token& cur() const { return t_[pos_]; }
    const Token& peek(size_t n = 1) const { return t_[std::min(pos_ + n, t_.size() - 1)]; }
    void advance() {
        if (pos_ + 1 < t_.size()) ++pos_;
    }
    [[noreturn]] void fail(const std::string& message) const { throw TemplateError(message, cur().line); }

    bool isOp(std::string_view op) const { return cur().type == TokenType::Operator && cur().text == op; }
    bool isName(std::string_view name) const { return cur().type == TokenType::Name && cur().text == name; }
    bool acceptOp(std::string_view op) {
        if (!isOp(op)) return false;
        advance();
        return true;
    }
    bool acceptName(std::string_view name) {
        if (!isName(name)) return false;
        advance();
        return true;
    }
    void expectOp(std::string_view op) {
        if (!acceptOp(op)) fail("expected '" + std::string(op) + "', found '" + describe(cur()) + "'");
    }
    void expectBlockEnd() {
        if (cur().type != TokenType::BlockEnd)
            fail("expected end of statement block, found '" + describe(cur()) + "'");
        advance();
    }
    std::string expectName() {
        if (cur().type != TokenType::Name) fail("expected a name, found '" + describe(cur()) + "'");
        std::string name = cur().text;
        advance();
        return name;
    }
    static std::string describe(const Token& t) {
        switch (t.type) {
        case TokenType::End:
            return "end of template";
        case TokenType::BlockEnd:
            return "%}";
        case TokenType::VariableEnd:
            return "}}";
        default:
            return t.text;
        }
    }

    static std::shared_ptr<Expr> make(Expr::Kind kind, int line) {
        auto e = std::make_shared<Expr>();
        e->kind = kind;
        e->line = line;
        return e;
    }
    static std::shared_ptr<Node> makeNode(Node::Kind kind, int line) {
        auto n = std::make_shared<Node>();
        n->kind = kind;
        n->line = line;
        return n;
    }

    // ---- statements ----

    /// Nodes up to a block tag named in `ends` (whose name is then consumed and returned in `end`).
    Body subparse(std::initializer_list<std::string_view> ends, std::string& end) {
        Body body;
        while (cur().type != TokenType::End) {
            if (cur().type == TokenType::Text) {
                auto n = makeNode(Node::Kind::Text, cur().line);
                n->text = cur().text;
                body.push_back(n);
                advance();
            } else if (cur().type == TokenType::VariableBegin) {
                advance();
                auto n = makeNode(Node::Kind::Output, cur().line);
                n->expr = parseTuple(true);
                if (cur().type != TokenType::VariableEnd)
                    fail("expected '}}', found '" + describe(cur()) + "'");
                advance();
                body.push_back(n);
            } else if (cur().type == TokenType::BlockBegin) {
                advance();
                if (cur().type == TokenType::Name &&
                    std::find(ends.begin(), ends.end(), cur().text) != ends.end()) {
                    end = cur().text;
                    advance();
                    return body;
                }
                body.push_back(parseStatement());
            } else {
                fail("unexpected '" + describe(cur()) + "'");
            }
        }
        if (ends.size() != 0) {
            std::string wanted;
            for (auto e : ends)
                wanted += (wanted.empty() ? "" : " or ") + std::string(e);
            fail("unexpected end of template: looking for " + wanted);
        }
        return body;
    }

    NodePtr parseStatement() {
        if (cur().type != TokenType::Name) fail("tag name expected");
        const std::string tag = cur().text;
        const int line = cur().line;
        advance();
        if (tag == "if") return parseIf(line);
        if (tag == "for") return parseFor(line);
        if (tag == "set") return parseSet(line);
        if (tag == "macro") return parseMacro(line);
        if (tag == "break" || tag == "continue") {
            expectBlockEnd();
            return makeNode(tag == "break" ? Node::Kind::Break : Node::Kind::Continue, line);
        }
        if (tag == "generation") return parseScope(line, "endgeneration");
        if (tag == "with") return parseWith(line);
        if (tag == "filter") return parseFilterBlock(line);
        if (tag == "elif" || tag == "else" || tag.rfind("end", 0) == 0) fail("unexpected '" + tag + "'");
        fail("the template uses '{% " + tag + " %}', which chat templates are not rendered with here");
    }

    NodePtr parseIf(int line) {
        auto n = makeNode(Node::Kind::If, line);
        ExprPtr cond = parseTuple(false);
        expectBlockEnd();
        while (true) {
            std::string end;
            Body body = subparse({"elif", "else", "endif"}, end);
            n->branches.emplace_back(cond, std::move(body));
            if (end == "elif") {
                cond = parseTuple(false);
                expectBlockEnd();
                continue;
            }
            expectBlockEnd();
            if (end == "else") {
                std::string endif;
                n->elseBody = subparse({"endif"}, endif);
                expectBlockEnd();
            }
            return n;
        }
    }

    std::vector<std::string> parseTargets() {
        std::vector<std::string> names;
        const bool paren = acceptOp("(");
        do {
            names.push_back(expectName());
        } while (acceptOp(","));
        if (paren) expectOp(")");
        return names;
    }

    NodePtr parseFor(int line) {
        auto n = makeNode(Node::Kind::For, line);
        n->targets = parseTargets();
        if (!acceptName("in")) fail("expected 'in' in a for loop");
        n->expr = parseTuple(false, {"if", "recursive"});
        if (acceptName("if")) n->cond = parseExpression(true);
        if (isName("recursive")) fail("recursive for loops are not supported");
        expectBlockEnd();
        std::string end;
        n->body = subparse({"endfor", "else"}, end);
        expectBlockEnd();
        if (end == "else") {
            std::string endfor;
            n->elseBody = subparse({"endfor"}, endfor);
            expectBlockEnd();
        }
        return n;
    }

    NodePtr parseSet(int line) {
        const std::string first = expectName();
        if (acceptOp(".")) {
            auto n = makeNode(Node::Kind::Set, line);
            n->text = first;
            n->attr = expectName();
            expectOp("=");
            n->expr = parseTuple(true);
            expectBlockEnd();
            return n;
        }
        std::vector<std::string> targets{first};
        while (acceptOp(","))
            targets.push_back(expectName());
        if (acceptOp("=")) {
            auto n = makeNode(Node::Kind::Set, line);
            n->targets = std::move(targets);
            n->expr = parseTuple(true);
            expectBlockEnd();
            return n;
        }
        if (targets.size() != 1) fail("a block set takes one name");
        auto n = makeNode(Node::Kind::SetBlock, line);
        n->text = first;
        if (isOp("|")) n->expr = parseFilterChain(make(Expr::Kind::BlockValue, line));
        expectBlockEnd();
        std::string end;
        n->body = subparse({"endset"}, end);
        expectBlockEnd();
        return n;
    }

    NodePtr parseMacro(int line) {
        auto n = makeNode(Node::Kind::Macro, line);
        n->text = expectName();
        expectOp("(");
        while (!isOp(")")) {
            if (!n->params.empty()) expectOp(",");
            std::string name = expectName();
            ExprPtr def;
            if (acceptOp("=")) def = parseExpression(true);
            n->params.emplace_back(std::move(name), def);
        }
        expectOp(")");
        expectBlockEnd();
        std::string end;
        n->body = subparse({"endmacro"}, end);
        expectBlockEnd();
        return n;
    }

    NodePtr parseScope(int line, std::string_view endTag) {
        auto n = makeNode(Node::Kind::Scope, line);
        expectBlockEnd();
        std::string end;
        n->body = subparse({endTag}, end);
        expectBlockEnd();
        return n;
    }

    NodePtr parseWith(int line) {
        auto n = makeNode(Node::Kind::Scope, line);
        while (cur().type != TokenType::BlockEnd) {
            if (!n->params.empty()) expectOp(",");
            std::string name = expectName();
            expectOp("=");
            n->params.emplace_back(std::move(name), parseExpression(true));
        }
        expectBlockEnd();
        std::string end;
        n->body = subparse({"endwith"}, end);
        expectBlockEnd();
        return n;
    }

    NodePtr parseFilterBlock(int line) {
        auto n = makeNode(Node::Kind::FilterBlock, line);
        n->expr = parseFilterChain(parseOneFilter(make(Expr::Kind::BlockValue, line)));
        expectBlockEnd();
        std::string end;
        n->body = subparse({"endfilter"}, end);
        expectBlockEnd();
        return n;
    }

    // ---- expressions ----

    ExprPtr parseExpression(bool withCondexpr) { return withCondexpr ? parseCondexpr() : parseOr(); }

    ExprPtr parseCondexpr() {
        ExprPtr expr = parseOr();
        while (isName("if")) {
            const int line = cur().line;
            advance();
            auto cond = make(Expr::Kind::Cond, line);
            cond->children.push_back(parseOr());
            cond->children.push_back(expr);
            cond->children.push_back(acceptName("else") ? parseCondexpr() : nullptr);
            expr = cond;
        }
        return expr;
    }

    ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, int line) {
        auto e = make(Expr::Kind::Binary, line);
        e->name = op;
        e->children = {std::move(left), std::move(right)};
        return e;
    }

    ExprPtr parseOr() {
        ExprPtr left = parseAnd();
        while (isName("or")) {
            const int line = cur().line;
            advance();
            left = binary("or", left, parseAnd(), line);
        }
        return left;
    }

    ExprPtr parseAnd() {
        ExprPtr left = parseNot();
        while (isName("and")) {
            const int line = cur().line;
            advance();
            left = binary("and", left, parseNot(), line);
        }
        return left;
    }

    ExprPtr parseNot() {
        if (isName("not")) {
            auto e = make(Expr::Kind::Unary, cur().line);
            advance();
            e->name = "not";
            e->children.push_back(parseNot());
            return e;
        }
        return parseCompare();
    }

    ExprPtr parseCompare() {
        ExprPtr first = parseMath1();
        std::shared_ptr<Expr> cmp;
        while (true) {
            std::string op;
            if (cur().type == TokenType::Operator &&
                (cur().text == "==" || cur().text == "!=" || cur().text == "<" || cur().text == ">" ||
                 cur().text == "<=" || cur().text == ">=")) {
                op = cur().text;
                advance();
            } else if (isName("in")) {
                op = "in";
                advance();
            } else if (isName("not") && peek().type == TokenType::Name && peek().text == "in") {
                op = "not in";
                advance();
                advance();
            } else {
                break;
            }
            if (!cmp) {
                cmp = make(Expr::Kind::Compare, cur().line);
                cmp->children.push_back(first);
            }
            cmp->ops.push_back(op);
            cmp->children.push_back(parseMath1());
        }
        return cmp ? ExprPtr(cmp) : first;
    }

    ExprPtr parseMath1() {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const std::string op = cur().text;
            const int line = cur().line;
            advance();
            left = binary(op, left, parseConcat(), line);
        }
        return left;
    }

    ExprPtr parseConcat() {
        ExprPtr left = parseMath2();
        while (isOp("~")) {
            const int line = cur().line;
            advance();
            left = binary("~", left, parseMath2(), line);
        }
        return left;
    }

    ExprPtr parseMath2() {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const std::string op = cur().text;
            const int line = cur().line;
            advance();
            left = binary(op, left, parsePow(), line);
        }
        return left;
    }

    ExprPtr parsePow() {
        ExprPtr left = parseUnary(true);
        while (isOp("**")) {
            const int line = cur().line;
            advance();
            left = binary("**", left, parseUnary(true), line);
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter) {
        ExprPtr node;
        if (isOp("-") || isOp("+")) {
            auto e = make(Expr::Kind::Unary, cur().line);
            e->name = cur().text;
            advance();
            e->children.push_back(parseUnary(false));
            node = e;
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        if (withFilter) node = parseFilterExpr(node);
        return node;
    }

    ExprPtr parsePrimary() {
        const Token& tok = cur();
        const int line = tok.line;
        if (tok.type == TokenType::Name) {
            auto e = make(Expr::Kind::Literal, line);
            const std::string& n = tok.text;
            if (n == "true" || n == "True")
                e->literal = Value::boolean(true);
            else if (n == "false" || n == "False")
                e->literal = Value::boolean(false);
            else if (n == "none" || n == "None")
                e->literal = Value::none();
            else {
                e->kind = Expr::Kind::Name;
                e->name = n;
            }
            advance();
            return e;
        }
        if (tok.type == TokenType::String) {
            std::string s;
            while (cur().type == TokenType::String) {
                s += cur().text;
                advance();
            }
            auto e = make(Expr::Kind::Literal, line);
            e->literal = Value(std::move(s));
            return e;
        }
        if (tok.type == TokenType::Integer || tok.type == TokenType::Float) {
            auto e = make(Expr::Kind::Literal, line);
            try {
                e->literal = tok.type == TokenType::Integer ? Value::integer(std::stoll(tok.text))
                                                            : Value::number(std::stod(tok.text));
            } catch (const std::exception&) {
                fail("number out of range: " + tok.text);
            }
            advance();
            return e;
        }
        if (acceptOp("(")) {
            ExprPtr e = parseTuple(true, {}, true);
            expectOp(")");
            return e;
        }
        if (acceptOp("[")) {
            auto e = make(Expr::Kind::List, line);
            while (!isOp("]")) {
                if (!e->children.empty()) expectOp(",");
                if (isOp("]")) break;
                e->children.push_back(parseExpression(true));
            }
            expectOp("]");
            return e;
        }
        if (acceptOp("{")) {
            auto e = make(Expr::Kind::Dict, line);
            while (!isOp("}")) {
                if (!e->children.empty()) expectOp(",");
                if (isOp("}")) break;
                e->children.push_back(parseExpression(true));
                expectOp(":");
                e->children.push_back(parseExpression(true));
            }
            expectOp("}");
            return e;
        }
        fail("unexpected '" + describe(tok) + "'");
    }

    /// A comma-separated expression list: a tuple when there is a comma, else the one expression.
    ExprPtr parseTuple(bool withCondexpr, std::initializer_list<std::string_view> endNames = {},
                       bool explicitParens = false) {
        const int line = cur().line;
        std::vector<ExprPtr> items;
        bool isTuple = false;
        while (true) {
            if (!items.empty()) expectOp(",");
            if (cur().type == TokenType::VariableEnd || cur().type == TokenType::BlockEnd || isOp(")") ||
                (cur().type == TokenType::Name &&
                 std::find(endNames.begin(), endNames.end(), cur().text) != endNames.end()))
                break;
            items.push_back(parseExpression(withCondexpr));
            if (isOp(","))
                isTuple = true;
            else
                break;
        }
        if (!isTuple) {
            if (!items.empty()) return items[0];
            if (!explicitParens) fail("expected an expression, found '" + describe(cur()) + "'");
        }
        auto e = make(Expr::Kind::Tuple, line);
        e->children = std::move(items);
        return e;
    }

    ExprPtr parsePostfix(ExprPtr node) {
        while (true) {
            const int line = cur().line;
            if (acceptOp(".")) {
                if (cur().type == TokenType::Integer) {
                    auto e = make(Expr::Kind::GetItem, line);
                    auto idx = make(Expr::Kind::Literal, line);
                    idx->literal = Value::integer(std::stoll(cur().text));
                    advance();
                    e->children = {node, idx};
                    node = e;
                    continue;
                }
                auto e = make(Expr::Kind::GetAttr, line);
                e->name = expectName();
                e->children.push_back(node);
                node = e;
            } else if (acceptOp("[")) {
                node = parseSubscript(node, line);
            } else if (isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr node, int line) {
        auto part = [&]() -> ExprPtr {
            if (isOp(":") || isOp("]")) return nullptr;
            return parseExpression(true);
        };
        ExprPtr start = part();
        if (!isOp(":")) {
            if (!start) fail("expected an index");
            expectOp("]");
            auto e = make(Expr::Kind::GetItem, line);
            e->children = {node, start};
            return e;
        }
        advance();
        ExprPtr stop = part();
        ExprPtr step;
        if (acceptOp(":")) step = part();
        expectOp("]");
        auto e = make(Expr::Kind::Slice, line);
        e->children = {node, start, stop, step};
        return e;
    }

    void parseArgs(Expr& e) {
        expectOp("(");
        bool first = true;
        while (!isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (isOp(")")) break;
            if (isOp("*") || isOp("**")) fail("*args and **kwargs in calls are not supported");
            if (cur().type == TokenType::Name && peek().type == TokenType::Operator && peek().text == "=") {
                std::string name = cur().text;
                advance();
                advance();
                e.named.emplace_back(std::move(name), parseExpression(true));
            } else {
                if (!e.named.empty()) fail("a positional argument follows a keyword argument");
                e.children.push_back(parseExpression(true));
            }
        }
        expectOp(")");
    }

    ExprPtr parseCall(ExprPtr callee) {
        auto e = make(Expr::Kind::Call, cur().line);
        e->children.push_back(std::move(callee));
        parseArgs(*e);
        return e;
    }

    ExprPtr parseFilterExpr(ExprPtr node) {
        while (true) {
            if (isOp("|")) {
                node = parseFilterChain(node);
            } else if (isName("is")) {
                node = parseTest(node);
            } else if (isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    /// The "| name(args)" filters that follow `node`.
    ExprPtr parseFilterChain(ExprPtr node) {
        while (acceptOp("|"))
            node = parseOneFilter(node);
        return node;
    }

    /// "name(args)" applied to `node`.
    ExprPtr parseOneFilter(ExprPtr node) {
        auto e = make(Expr::Kind::Filter, cur().line);
        e->name = expectName();
        if (!isFilter(e->name)) fail("no filter named '" + e->name + "'");
        e->children.push_back(node);
        if (isOp("(")) parseArgs(*e);
        return e;
    }

    ExprPtr parseTest(ExprPtr node) {
        auto e = make(Expr::Kind::Test, cur().line);
        advance(); // is
        e->negated = acceptName("not");
        e->name = expectName();
        if (!isTest(e->name)) fail("no test named '" + e->name + "'");
        e->children.push_back(node);
        if (isOp("(")) {
            parseArgs(*e);
        } else if ((cur().type == TokenType::Name || cur().type == TokenType::String ||
                    cur().type == TokenType::Integer || cur().type == TokenType::Float || isOp("[") ||
                    isOp("{")) &&
                   !isName("else") && !isName("or") && !isName("and")) {
            if (isName("is")) fail("you cannot chain multiple tests with is");
            e->children.push_back(parsePostfix(parsePrimary()));
        }
        return e;
    }

    const std::vector<Token>& t_;
    size_t pos_ = 0;
};

} // namespace

Body parseTemplate(const std::vector<Token>& tokens) {
    return Parser(tokens).parseAll();
}

} // namespace gpo::tmpl
