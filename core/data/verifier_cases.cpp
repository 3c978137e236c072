#include "data/verifier_cases.h"

#include "util/input_error.h"

#include <fstream>

namespace gpo {
namespace {

std::string field(const nlohmann::json& j, const char* name, const char* alias, const std::string& path,
                  int64_t line) {
    for (const char* key : {name, alias}) {
        const auto it = j.find(key);
        if (it == j.end()) continue;
        if (!it->is_string()) throw InputError(path, line, std::string("'") + key + "' must be a string");
        return it->get<std::string>();
    }
    throw InputError(path, line, std::string("missing '") + name + "'");
}

} // namespace

std::vector<VerifierCase> readVerifierCases(const std::string& path) {
    requireNotDirectory(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, "cannot open");
    std::vector<VerifierCase> out;
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const auto at = static_cast<int64_t>(n);
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object()) throw InputError(path, at, "not a JSON object");
        VerifierCase c;
        c.line = n;
        c.reference = field(j, "gold", "reference", path, at);
        c.response = field(j, "pred", "response", path, at);
        const auto e = j.find("expected");
        if (e == j.end()) throw InputError(path, at, "missing 'expected'");
        if (e->is_boolean())
            c.expected = e->get<bool>();
        else if (e->is_number_integer() && (*e == 0 || *e == 1))
            c.expected = *e == 1;
        else
            throw InputError(path, at, "'expected' must be true/false or 0/1");
        if (const auto t = j.find("test"); t != j.end() && t->is_string()) c.test = t->get<std::string>();
        out.push_back(std::move(c));
    }
    return out;
}

CaseReport gradeVerifierCases(const Verifier& verifier, const std::vector<VerifierCase>& cases) {
    CaseReport r;
    for (const VerifierCase& c : cases) {
        CaseOutcome o{&c, verifier.verify(c.response, c.reference)};
        auto& g = r.byTest[c.test.substr(0, c.test.find('['))];
        ++r.cases;
        ++g.cases;
        if (o.agrees()) {
            ++r.agreed;
            ++g.agreed;
            continue;
        }
        ++(o.verdict.correct ? r.falseAccepts : r.falseRejects);
        r.disagreements.push_back(std::move(o));
    }
    return r;
}

nlohmann::json CaseReport::toJson(bool withDisagreements) const {
    nlohmann::json groups = nlohmann::json::object();
    for (const auto& [name, g] : byTest)
        groups[name] = {{"cases", g.cases}, {"agreed", g.agreed}};
    nlohmann::json j{{"cases", cases},
                     {"agreed", agreed},
                     {"agreement", agreement()},
                     {"false_accepts", falseAccepts},
                     {"false_rejects", falseRejects},
                     {"by_test", groups}};
    if (withDisagreements) {
        nlohmann::json list = nlohmann::json::array();
        for (const CaseOutcome& o : disagreements)
            list.push_back({{"line", o.c->line},
                            {"test", o.c->test},
                            {"expected", o.c->expected},
                            {"extracted", o.verdict.extracted},
                            {"normalized_answer", o.verdict.normalizedAnswer},
                            {"normalized_reference", o.verdict.normalizedReference}});
        j["disagreements"] = list;
    }
    return j;
}

} // namespace gpo
