#include "data/demo_task.h"

#include "data/segmenter.h"

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace gpo {
namespace {

constexpr std::array kNames = {"Tom",  "Ann", "Maya", "Leo",  "Sara", "Omar",
                               "Lily", "Ben", "Nora", "Ivan", "Zoe",  "Raj"};
constexpr std::array kItems = {"apples", "marbles", "stickers", "books", "coins",
                               "shells", "cards",   "pencils",  "eggs",  "stamps"};

uint64_t streamSeed(const std::string& split, int64_t index, uint64_t seed) {
    uint64_t h = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) * 0xBF58476D1CE4E5B9ull;
    for (char c : split)
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    return h;
}

std::string num(int64_t v) {
    return std::to_string(v);
}

} // namespace

DemoProblem demoProblem(const std::string& split, int64_t index, uint64_t seed, bool plantError) {
    std::mt19937_64 rng(streamSeed(split, index, seed));
    auto pick = [&](int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    };
    const std::string name = kNames[static_cast<size_t>(pick(0, kNames.size() - 1))];
    std::string friendName = kNames[static_cast<size_t>(pick(0, kNames.size() - 1))];
    if (friendName == name) friendName = name == "Tom" ? "Ann" : "Tom";
    const std::string items = kItems[static_cast<size_t>(pick(0, kItems.size() - 1))];
    const int ops = static_cast<int>(pick(1, 6)); // steps = ops + 2: 3..8

    // The operations are drawn on the right values; a planted error then replays them on a wrong one,
    // so the question is the same with or without it.
    struct Op {
        int kind;
        int64_t x;
    };
    std::vector<Op> opsList;
    const int64_t start = pick(2, 20);
    int64_t truth = start;
    DemoProblem p;
    p.question = name + " has " + num(start) + " " + items + ".";
    for (int i = 1; i <= ops; ++i) {
        int kind = static_cast<int>(pick(0, 3));
        if (kind == 3 && truth % 2 != 0) kind = 0; // halve only even counts
        if (kind == 2 && truth > 200) kind = 1;    // keep numbers small
        if (kind == 1 && truth < 2) kind = 0;
        const int64_t x = kind == 0   ? pick(1, 20)
                          : kind == 1 ? pick(1, truth - 1)
                          : kind == 2 ? pick(2, 4)
                                      : 2;
        switch (kind) {
        case 0:
            truth += x;
            p.question += " Then " + name + " finds " + num(x) + " more " + items + ".";
            break;
        case 1:
            truth -= x;
            p.question += " Then " + name + " gives " + num(x) + " " + items + " to " + friendName + ".";
            break;
        case 2:
            truth *= x;
            p.question += std::string(" Then the number of ") + items + " " +
                          (x == 2   ? "doubles"
                           : x == 3 ? "triples"
                                    : "grows four times") +
                          ".";
            break;
        default:
            truth /= 2;
            p.question += " Then " + name + " sells half of the " + items + ".";
            break;
        }
        opsList.push_back({kind, x});
    }
    // Drawn whether or not an error is planted, so both versions share one random stream.
    const int errorAt = static_cast<int>(pick(1, ops));
    // A difference that every later halving keeps even, so the error never vanishes and halving stays exact.
    int halvings = 0;
    for (int i = errorAt + 1; i <= ops; ++i)
        halvings += opsList[static_cast<size_t>(i - 1)].kind == 3;
    const int64_t delta = pick(1, 2) << (halvings + 1);
    int64_t value = start;
    p.steps.push_back(name + " starts with " + num(start) + " " + items + ".");
    for (int i = 1; i <= ops; ++i) {
        const Op& op = opsList[static_cast<size_t>(i - 1)];
        static const char* const signs[] = {" + ", " - ", " * ", " / "};
        int64_t next = op.kind == 0   ? value + op.x
                       : op.kind == 1 ? value - op.x
                       : op.kind == 2 ? value * op.x
                                      : value / 2;
        if (plantError && i == errorAt) {
            next += delta;
            p.firstError = i;
        }
        p.steps.push_back("Now " + name + " has " + num(value) + signs[op.kind] + num(op.x) + " = " +
                          num(next) + " " + items + ".");
        value = next;
    }
    p.question += " How many " + items + " does " + name + " have now?";
    p.steps.push_back("The answer is " + num(value) + ".");
    p.answer = truth;
    return p;
}

std::string demoPrompt(const std::string& question) {
    return "Question: " + question + "\nAnswer:\n";
}

std::string demoSolution(const DemoProblem& p) {
    std::string text;
    for (const std::string& s : p.steps)
        text += s + "\n";
    return text;
}

std::string demoTrainingText(const DemoProblem& p) {
    return demoPrompt(p.question) + demoSolution(p);
}

Record demoRecord(const DemoProblem& p, const std::string& split, int64_t index) {
    Record r;
    r.problem.sourceId = split + "-" + std::to_string(index);
    r.problem.question = p.question;
    r.problem.answer = std::to_string(p.answer);
    r.problem.verifier = "gsm8k";
    r.problem.split = split;
    r.trajectories.push_back(trajectoryFromSteps(p.steps, "\n"));
    r.trajectories.back().source = p.firstError >= 0 ? "planted-error" : "reference";
    r.trajectories.back().firstError = p.firstError; // -1: the worked solution has no error
    return r;
}

int64_t writeDemoJsonl(const std::string& path, const std::string& split, int64_t count, uint64_t seed,
                       bool plantedErrors, int64_t first) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    int64_t lines = 0;
    for (int64_t i = first; i < first + count; ++i) {
        for (const bool planted : {false, true}) {
            if (planted && !plantedErrors) continue;
            const DemoProblem p = demoProblem(split, i, seed, planted);
            const Record r = demoRecord(p, split, i); // one definition of ids, verifier and sources
            const Trajectory& t = r.trajectories.front();
            nlohmann::json j{{"id", r.problem.sourceId},
                             {"problem", r.problem.question},
                             {"answer", r.problem.answer},
                             {"verifier", r.problem.verifier},
                             {"split", r.problem.split},
                             {"model", t.source},
                             {"steps", p.steps}};
            if (t.firstError) j["first_error"] = *t.firstError;
            out << j.dump() << '\n';
            ++lines;
        }
    }
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
    return lines;
}

} // namespace gpo
