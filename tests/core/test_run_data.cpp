// What the studio's Runs tab reads: TensorBoard's smoothing against hand-computed values, curves that
// grow by incremental reads, run progress, samples files, the trace from a trajectory to the runs that
// trained on its pairs, and two policies compared on their answers.
#include "sql_scalar.h"
#include "stats/smoothing.h"
#include "store/eval_samples.h"
#include "store/metric_follower.h"
#include "store/pairs.h"
#include "store/policy_comparison.h"
#include "store/run_lineage.h"
#include "store/run_overview.h"
#include "store/run_samples.h"
#include "store/runs.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>

using namespace gpo;
using gpo::testing::scalar;

namespace {

// Two samples of step 1 (the second a GPO reset) and one of step 2 still being written (no newline).
const char* const kSampleLines =
    "{\"completion\":\"say "
    "\\\"step\\\":9\",\"finish\":\"eos\",\"index\":0,\"problem_id\":4,\"reward\":1.0,\"step\":1}\n"
    "{\"completion\":\"b\",\"finish\":\"length\",\"index\":1,\"problem_id\":4,"
    "\"reset\":{\"critical_step\":3,\"of\":0,\"steps\":5},\"reward\":0.0,\"step\":1}\n"
    "{\"completion\":\"c\",\"finish\":\"eos\",\"index\":0,\"problem_id\":5,\"reward\":0.5,\"step\":2}";

/// A dataset with `problems` problems and, for each source, one answer per problem with the verdicts
/// given (1 right, 0 wrong).
void addAnswers(Project& p, const std::map<std::string, std::vector<int>>& verdicts) {
    auto& db = p.db();
    db.exec("INSERT INTO datasets(name, format, verifier) VALUES('d', 'jsonl', 'numeric')");
    const size_t n = verdicts.begin()->second.size();
    for (size_t i = 0; i < n; ++i)
        db.prepare("INSERT INTO problems(dataset_id, question, answer, question_key, content_hash) "
                   "VALUES(1, ?, '1', randomblob(8), randomblob(8))")
            .bind(1, "question " + std::to_string(i + 1))
            .run();
    for (const auto& [source, v] : verdicts)
        for (size_t i = 0; i < n; ++i)
            db.prepare(
                  "INSERT INTO trajectories(problem_id, source, response, n_steps, step_offsets, correct, "
                  "content_hash) VALUES(?, ?, 'r', 1, x'', ?, randomblob(8))")
                .bind(1, static_cast<int64_t>(i + 1))
                .bind(2, source)
                .bind(3, static_cast<int64_t>(v[i]))
                .run();
}

/// A finished evaluation of `policy` on dataset 'd' (made by addAnswers) that sampled as `how`, with the
/// samples given per problem as the texts drawn ("r" right, anything else wrong): identical texts are one
/// stored trajectory, as `gpo eval` stores them.
int64_t addEvalRun(Project& p, const std::string& policy, const EvalSampling& how,
                   const std::vector<std::vector<std::string>>& texts) {
    nlohmann::json config{{"policy", policy},
                          {"dataset", "d"},
                          {"samples", how.samples},
                          {"temperature", how.temperature},
                          {"top_p", how.topP},
                          {"top_k", how.topK},
                          {"max_new_tokens", how.maxNewTokens}};
    const int64_t run = beginRun(p, "eval", evalRunName(policy, "d"), config);
    EvalSampleWriter samples(p.db());
    for (size_t problem = 0; problem < texts.size(); ++problem)
        for (size_t k = 0; k < texts[problem].size(); ++k) {
            const std::string& text = texts[problem][k];
            p.db()
                .prepare(
                    "INSERT OR IGNORE INTO trajectories(problem_id, source, response, n_steps, step_offsets, "
                    "correct, content_hash) VALUES(?, ?, ?, 1, x'', ?, ?)")
                .bind(1, static_cast<int64_t>(problem + 1))
                .bind(2, policy)
                .bind(3, text)
                .bind(4, text == "r" ? 1 : 0)
                .bind(5, policy + "/" + text)
                .run();
            auto id = p.db().prepare("SELECT id FROM trajectories WHERE problem_id = ? AND content_hash = ?");
            id.bind(1, static_cast<int64_t>(problem + 1)).bind(2, policy + "/" + text);
            if (!id.step()) throw std::logic_error("the sample's trajectory was not stored");
            samples.add(run, static_cast<int64_t>(problem + 1), static_cast<int64_t>(k), id.columnInt(0));
        }
    finishRun(p, run, "done");
    return run;
}

} // namespace

class TestRunData : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string fresh(const char* name) { return dir_.filePath(name).toStdString(); }

private slots:
    // Values worked by hand from TensorBoard's classicSmoothing with w = 0.6:
    //   EMA 0.4, 1.04, 1.824 over debias 0.4, 0.64, 0.784.
    void smoothingMatchesTensorBoard() {
        const auto s = stats::tensorBoardSmoothing({1, 2, 3}, 0.6);
        QCOMPARE(s.size(), size_t(3));
        QVERIFY(std::abs(s[0] - 1.0) < 1e-12);
        QVERIFY(std::abs(s[1] - 1.625) < 1e-12);
        QVERIFY(std::abs(s[2] - 1.824 / 0.784) < 1e-12);
        // A non-finite point is shown as is and not counted; the next one continues the filter.
        const double nan = std::nan("");
        const auto g = stats::tensorBoardSmoothing({1, nan, 2}, 0.6);
        QVERIFY(std::isnan(g[1]));
        QVERIFY(std::abs(g[2] - 1.625) < 1e-12);
        // Weight 0 is the raw series; 1 keeps the first value's share (no debias); a constant stays exact.
        QCOMPARE(stats::tensorBoardSmoothing({3, 1, 4}, 0.0), (std::vector<double>{3, 1, 4}));
        const auto one = stats::tensorBoardSmoothing({3, 1}, 1.0);
        QCOMPARE(one[0], 0.0);
        QCOMPARE(stats::tensorBoardSmoothing({0.1, 0.1, 0.1}, 0.9), (std::vector<double>{0.1, 0.1, 0.1}));
        // Weights out of range are clamped, as TensorBoard does.
        QCOMPARE(stats::tensorBoardSmoothing({3, 1, 4}, -2.0), (std::vector<double>{3, 1, 4}));
        // Point by point, a constant stays exact too (a flat curve is drawn flat).
        stats::TensorBoardSmoother flat(0.9);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(flat.push(0.1), 0.1);
        // Pushing point by point gives the same curve as smoothing it whole.
        stats::TensorBoardSmoother smoother(0.6);
        QVERIFY(std::abs(smoother.push(1) - s[0]) < 1e-15);
        QVERIFY(std::abs(smoother.push(2) - s[1]) < 1e-15);
        QVERIFY(std::abs(smoother.push(3) - s[2]) < 1e-15);
    }

    // A follower reads only what was recorded since its last poll; a step recorded again replaces the point.
    void followerReadsIncrementally() {
        auto p = Project::open(fresh("follow.gpo"), OpenMode::Create);
        const int64_t run = beginRun(p, "training", "r", {{"algorithm", "dpo"}, {"max_steps", 10}});
        for (int step = 1; step <= 3; ++step) {
            recordMetric(p, run, "loss", step, 1.0 / step);
            recordMetric(p, run, "rewards/margins", step, step);
        }
        MetricFollower f(run);
        QCOMPARE(f.poll(p), size_t(6));
        QCOMPARE(f.series().at("loss").size(), size_t(3));
        QVERIFY(f.series().at("loss").changed());
        for (auto& [name, s] : f.series())
            s.markDrawn();
        // Old rows (over a second back) are not read again.
        p.db().exec("UPDATE metrics SET wall_time = wall_time - 100");
        QCOMPARE(f.poll(p), size_t(0));
        recordMetric(p, run, "loss", 4, 0.25);
        QCOMPARE(f.poll(p), size_t(1));
        const MetricSeries& loss = f.series().at("loss");
        QCOMPARE(loss.steps, (std::vector<int64_t>{1, 2, 3, 4}));
        QCOMPARE(loss.firstChanged, size_t(3));
        // A resumed run writes step 2 again: the point is replaced, and the curve redrawn from there.
        recordMetric(p, run, "loss", 2, 0.7);
        f.series().at("loss").markDrawn();
        f.poll(p);
        QCOMPARE(loss.values[1], 0.7);
        QCOMPARE(loss.firstChanged, size_t(1));
        QVERIFY(f.startTime().has_value());
    }

    // Progress: step of total (from the run's resolved config), time left, best eval pass@1.
    void overviewReportsProgress() {
        auto p = Project::open(fresh("overview.gpo"), OpenMode::Create);
        const int64_t run = beginRun(p, "training", "gpo-dpo",
                                     {{"algorithm", "dpo"},
                                      {"gpo", true},
                                      {"device", "auto"},
                                      {"resolved", {{"policy", "demo"}, {"pairs", "gpo-dpo-pairs"}}}});
        setRunConfigValue(p, run, "$.resolved.max_steps", "100");
        setRunConfigValue(p, run, "$.resolved.device", "\"cpu\"");
        recordMetric(p, run, "loss", 10, 0.5);
        recordMetric(p, run, "loss", 20, 0.4);
        recordMetric(p, run, "eval/pass@1", 10, 0.30);
        recordMetric(p, run, "eval/pass@1", 20, 0.25);
        // Steps 10 and 20 were logged 30 s apart: 3 s a step, 80 steps to go.
        p.db().exec("UPDATE metrics SET wall_time = 1000 WHERE step = 10");
        p.db().exec("UPDATE metrics SET wall_time = 1030 WHERE step = 20");
        const auto o = runOverview(p, run);
        QVERIFY(o.has_value());
        QCOMPARE(o->algorithm, std::string("gpo-dpo"));
        QCOMPARE(o->policy, std::string("demo"));
        QCOMPARE(o->device, std::string("cpu"));
        QCOMPARE(o->data, std::string("gpo-dpo-pairs"));
        QCOMPARE(o->step, int64_t(20));
        QCOMPARE(*o->totalSteps, int64_t(100));
        QVERIFY(o->etaSeconds && std::abs(*o->etaSeconds - 240.0) < 1e-6);
        QCOMPARE(*o->bestPassAt1, 0.30);
        QCOMPARE(*o->bestStep, int64_t(10));
        finishRun(p, run, "done");
        QVERIFY(!runOverview(p, run)->etaSeconds); // nothing left
        QCOMPARE(listRunOverviews(p, "eval").size(), size_t(0));
        QCOMPARE(listRunOverviews(p).size(), size_t(1));
        QCOMPARE(runFolderOf("/x/p.gpo", 7), std::string("/x/p.gpo.runs/run-7"));
    }

    // Before its first step a run says what it does (the trainer's stages, with progress); once stopped,
    // where a resume starts (its checkpoint's step).
    void overviewTellsStageAndCheckpoint() {
        const std::string path = fresh("stages.gpo");
        auto p = Project::open(path, OpenMode::Create);
        const int64_t run = beginRun(p, "training", "gpo-dpo", {{"algorithm", "dpo"}});
        setRunConfigValue(p, run, "$.resolved.stage",
                          R"({"name": "scoring the reference", "done": 24, "total": 72})");
        auto o = runOverview(p, run);
        QCOMPARE(o->preparing(), std::string("scoring the reference 24/72"));
        QVERIFY(!o->checkpointStep);
        setRunConfigValue(p, run, "$.resolved.stage", R"({"name": "training"})");
        QVERIFY(runOverview(p, run)->preparing().empty());
        setRunConfigValue(p, run, "$.resolved.stage", R"({"name": "loading the policy"})");
        QCOMPARE(runOverview(p, run)->preparing(), std::string("loading the policy…"));
        recordMetric(p, run, "loss", 1, 0.7);
        QVERIFY(runOverview(p, run)->preparing().empty()); // it has logged a step
        const std::string checkpoint = runFolderOf(path, run) + "/checkpoint";
        std::filesystem::create_directories(checkpoint);
        std::ofstream(checkpoint + "/trainer_state.json") << R"({"global_step": 50})";
        finishRun(p, run, "cancelled");
        o = runOverview(p, run);
        QCOMPARE(*o->checkpointStep, int64_t(50));
        QVERIFY(o->preparing().empty()); // not running
    }

    // samples.jsonl is indexed by step as it grows; a half-written last line waits; a bad line is named.
    void samplesIndexFollowsTheFile() {
        const std::string path = fresh("samples.jsonl");
        {
            std::ofstream out(path);
            out << kSampleLines;
        }
        RunSamplesIndex index(path);
        QCOMPARE(index.refresh(), size_t(2)); // the third line has no newline yet
        QCOMPARE(index.steps(), (std::vector<int64_t>{1}));
        const auto s = index.samplesAt(1);
        QCOMPARE(s.size(), size_t(2));
        QCOMPARE(s[0].completion, std::string("say \"step\":9"));
        QVERIFY(s[1].isReset);
        QCOMPARE(s[1].criticalStep, int64_t(3));
        QCOMPARE(s[1].completionSteps, int64_t(5));
        std::ofstream(path, std::ios::app) << "\n{broken\"step\":3}\n";
        QCOMPARE(index.refresh(), size_t(2));
        QCOMPARE(index.steps(), (std::vector<int64_t>{1, 2, 3}));
        QCOMPARE(index.samplesAt(2)[0].reward, 0.5);
        const auto e = thrown<InputError>([&] { index.samplesAt(3); });
        QVERIFY(e && e->file() == path && e->line() == 4);
        QVERIFY(index.samplesAt(9).empty());
        // Rewritten shorter (a resumed run): read again from the start.
        std::ofstream(path, std::ios::trunc)
            << "{\"completion\":\"x\",\"index\":0,\"reward\":1,\"step\":7}\n";
        QCOMPARE(index.refresh(), size_t(1));
        QCOMPARE(index.steps(), (std::vector<int64_t>{7}));
    }

    // From a trajectory to its pairs and the runs that trained on them, and back from a run.
    void lineageLinksTrajectoriesPairsAndRuns() {
        auto p = Project::open(fresh("lineage.gpo"), OpenMode::Create);
        addAnswers(p, {{"policy", {0, 0}}});
        p.db().exec("INSERT INTO annotators(name) VALUES('ann')");
        p.db().exec("INSERT INTO annotations(annotator_id, trajectory_id, critical_step) VALUES(1, 1, 2)");
        p.db().exec("UPDATE trajectories SET first_error = 3 WHERE id = 1");
        PreferencePair a{"Q\nstep one\n", std::string("good"), std::string("bad"), 1, 1, std::nullopt, 1,
                         "abs-advantage"};
        PreferencePair b{"Q2\n",       std::string("g2"), std::string("b2"), 2,
                         std::nullopt, std::nullopt,      std::nullopt,      ""};
        storePairSet(p, "set", "gpo", nlohmann::json::object(), {b, a}, nlohmann::json::object(), 0);
        const int64_t run = beginRun(p, "training", "gpo-dpo",
                                     {{"algorithm", "dpo"}, {"gpo", true}, {"resolved", {{"pairs", "set"}}}});
        beginRun(p, "training", "other", {{"algorithm", "dpo"}, {"resolved", {{"pairs", "elsewhere"}}}});
        const auto fromTrajectory = pairsFromTrajectory(p, 1);
        QCOMPARE(fromTrajectory.size(), size_t(1));
        QCOMPARE(fromTrajectory[0].promptTail, std::string("step one"));
        QCOMPARE(*fromTrajectory[0].stepIdx, 1);
        QCOMPARE(fromTrajectory[0].humanSteps, (std::vector<int>{2}));
        QCOMPARE(*fromTrajectory[0].labelledError, 3);
        const auto runs = runsTrainedOn(p, "set");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0].id, run);
        QCOMPARE(runs[0].algorithm, std::string("gpo-dpo"));
        QCOMPARE(pairSetOfRun(p, run), std::string("set"));
        const auto ofRun = pairsOfRun(p, run);
        QCOMPARE(ofRun.size(), size_t(2));
        QCOMPARE(*ofRun[0].trajectoryId, int64_t(1)); // those with a trajectory first
        QCOMPARE(pairsOfRun(p, run, 1).size(), size_t(1));
        QVERIFY(pairsFromTrajectory(p, 2).empty());
    }

    // pass@1 with Wilson intervals over the problems both answered, and who solved what.
    void comparesTwoPolicies() {
        auto p = Project::open(fresh("compare.gpo"), OpenMode::Create);
        addAnswers(p, {{"reference", {1, 1, 1, 1}}});
        const EvalSampling greedy = EvalSampling::greedy();
        addEvalRun(p, "before", greedy, {{"r"}, {"w"}, {"w"}, {"r"}});
        const int64_t after = addEvalRun(p, "after", greedy, {{"r"}, {"r"}, {"r"}, {"w"}});
        const PolicyComparison c = comparePolicies(p, "d", "before", "after");
        QCOMPARE(c.runB, after);
        QCOMPARE(c.problems, int64_t(4));
        QCOMPARE(c.passA, 0.5);
        QCOMPARE(c.passB, 0.75);
        QCOMPARE(c.answersA, 1.0);
        QVERIFY(c.lowA < 0.5 && c.highA > 0.5 && c.lowB < 0.75 && c.highB > 0.75);
        QCOMPARE(c.onlyA.size(), size_t(1));
        QCOMPARE(c.onlyA[0].problemId, int64_t(4));
        QCOMPARE(c.onlyB.size(), size_t(2));
        QCOMPARE(c.onlyB[0].question, std::string("question 2"));
        // Answers that are not a policy's evaluation (the dataset's worked solutions) are no policy.
        auto e = thrown<std::invalid_argument>([&] { comparePolicies(p, "d", "before", "reference"); });
        QVERIFY(e && std::string(e->what()).find("'reference' has no finished evaluation on dataset 'd' "
                                                 "(greedy, 1 answer a problem)") != std::string::npos);
        e = thrown<std::invalid_argument>([&] { comparePolicies(p, "d", "before", "nobody"); });
        QVERIFY(e && std::string(e->what()).find("'nobody' has no finished evaluation") != std::string::npos);
    }

    // Every sample counts as often as it was drawn: identical right answers are one trajectory, but four
    // draws of it are four right samples. Counting distinct texts read this policy at 0.5 on problem 1.
    void countsSamplesNotDistinctTexts() {
        auto p = Project::open(fresh("multiplicity.gpo"), OpenMode::Create);
        addAnswers(p, {{"reference", {1, 1}}});
        const EvalSampling sampled{4, 1.0, 1.0, 0, 0};
        const int64_t run =
            addEvalRun(p, "sampler", sampled, {{"r", "r", "r", "w1"}, {"w1", "w2", "w2", "r"}});
        QCOMPARE(scalar(p, "SELECT count(*) FROM trajectories WHERE source = 'sampler'"), int64_t(5));
        const auto samples = samplesOfRun(p, run);
        QCOMPARE(samples.at(1).total, int64_t(4));
        QCOMPARE(samples.at(1).right, int64_t(3));
        QCOMPARE(samples.at(2).right, int64_t(1));
        addEvalRun(p, "greedy", EvalSampling::greedy(), {{"r"}, {"w"}});
        // Like with like: the sampled policy has no greedy evaluation, and the greedy one no sampled one.
        QVERIFY(thrown<std::invalid_argument>([&] { comparePolicies(p, "d", "sampler", "greedy"); }));
        QVERIFY(
            thrown<std::invalid_argument>([&] { comparePolicies(p, "d", "sampler", "greedy", sampled); }));
        addEvalRun(p, "greedy", sampled, {{"r", "w", "w", "w"}, {"w", "w", "w", "w"}});
        const PolicyComparison c = comparePolicies(p, "d", "sampler", "greedy", sampled);
        QCOMPARE(c.passA, (0.75 + 0.25) / 2);
        QCOMPARE(c.passB, 0.25 / 2);
        QCOMPARE(c.answersA, 4.0);
        QCOMPARE(c.onlyA.size(), size_t(1)); // problem 1: 3 of 4 against 1 of 4
        // The settings offered: greedy first, then the sampled one; top-p does not matter when greedy.
        const auto ways = evalSamplings(p, "d");
        QCOMPARE(ways.size(), size_t(2));
        QVERIFY(ways[0].isGreedy() && ways[1].sameAs(sampled));
        QVERIFY(EvalSampling::greedy().sameAs({1, 0.0, 0.9, 5, 0}));
        QVERIFY(!sampled.sameAs({4, 1.0, 0.9, 0, 0}));
        QCOMPARE(sampled.describe(), std::string("4 samples a problem at T 1"));
        QCOMPARE(sampled.evalArguments(), (std::vector<std::string>{"--samples", "4", "--temperature", "1",
                                                                    "--top-p", "1", "--top-k", "0"}));
    }
};

QTEST_GUILESS_MAIN(TestRunData)
#include "test_run_data.moc"
