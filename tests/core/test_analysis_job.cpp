// Critical-step analysis with the shipped demo policy: what a run stores, and that its results do not
// depend on being stopped and resumed, split into shards, or on rollouts already stored by another run.
#include "builtin.h"
#include "jobs/analysis_job.h"
#include "jobs/demo_project.h"
#include "model/checkpoint_fingerprint.h"
#include "sql_scalar.h"
#include "store/analysis.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

using namespace gpo;
namespace fs = std::filesystem;

namespace {
const std::string kPolicy = GPO_DEMO_POLICY;

std::string status(Project& p, int64_t run) {
    return testing::text(p, "SELECT status FROM runs WHERE id = " + std::to_string(run));
}

/// Every stored estimate and pick of a run, as text, for comparing runs.
std::string results(Project& p, int64_t run) {
    std::string out;
    auto est =
        p.db().prepare("SELECT trajectory_id, step_idx, k, successes, ci_low, advantage FROM mc_estimates"
                       " WHERE run_id = ? ORDER BY 1, 2");
    est.bind(1, run);
    while (est.step())
        for (int c = 0; c < 6; ++c)
            out += (est.columnIsNull(c) ? "-" : est.columnText(c)) + (c == 5 ? "\n" : " ");
    auto picks = p.db().prepare("SELECT trajectory_id, selector, coalesce(step_idx, -1) FROM critical_picks "
                                "WHERE run_id = ? ORDER BY 1, 2");
    picks.bind(1, run);
    while (picks.step())
        out += picks.columnText(0) + " " + picks.columnText(1) + " " + picks.columnText(2) + "\n";
    return out;
}
} // namespace

class TestAnalysisJob : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();
    std::unique_ptr<model::Policy> policy_;
    model::PromptFormat prompt_;
    std::string pristine_; ///< a demo project before any analysis

    std::string path(const std::string& name) const {
        return dir_.filePath(QString::fromStdString(name)).toStdString();
    }

    Project copyOfDemo(const std::string& name) {
        fs::copy_file(pristine_, path(name), fs::copy_options::overwrite_existing);
        return Project::open(path(name));
    }

    AnalysisConfig config(int64_t k = 4) const {
        AnalysisConfig c;
        c.name = "test";
        c.selection.dataset = "demo-test";
        c.selection.source = "planted-error";
        c.sampling.policy = "demo-policy";
        c.sampling.fingerprint = model::checkpointFingerprint(kPolicy);
        c.sampling.maxNewTokens = 96;
        c.sampling.prompt = prompt_.toJson();
        c.k = k;
        for (const auto* s : registry_->selectors())
            c.selectors.push_back(s->name());
        c.seed = 3;
        c.selectorOptions.seed = 3;
        c.batch = 32;
        c.group = 4;
        return c;
    }

    jobs::AnalysisResult run(Project& p, const AnalysisConfig& c, std::optional<int64_t> runId = std::nullopt,
                             jobs::AnalysisOptions o = {}) {
        return jobs::analyzeInProject(p, *registry_, *policy_, prompt_, c, runId, o);
    }

private Q_SLOTS:
    void initTestCase() {
        policy_ = model::Policy::load(kPolicy, {"cpu", "float32"});
        prompt_ = model::PromptFormat::forCheckpoint(kPolicy, policy_->requireTokenizer());
        jobs::DemoProjectOptions d;
        d.projectPath = pristine_ = path("pristine.gpo");
        d.policyDir = kPolicy;
        d.trainProblems = 0;
        d.testProblems = 6;
        d.evalProblems = 0;
        d.analysisRollouts = 0; // the tests run their own
        jobs::buildDemoProject(*registry_, d);
    }

    void aRunStoresValuesAdvantagesAndPicks() {
        Project p = copyOfDemo("full.gpo");
        const auto c = config();
        const auto r = run(p, c);
        QCOMPARE(r.analysed, int64_t(6));
        QVERIFY(!r.cancelled && r.newTokens > 0);
        int64_t prefixes = 0;
        for (int64_t id : analysisSelection(p, c)) {
            const auto target = analysisTarget(p, *registry_, id);
            const auto a = loadAnalysis(p, r.runId, id);
            QVERIFY(a);
            const size_t steps = target->detail.trajectory.steps.size();
            prefixes += static_cast<int64_t>(steps);
            QCOMPARE(a->estimates.size(), steps + 1);
            QCOMPARE(a->estimates.back().value, target->correct ? 1.0 : 0.0); // V(p_H) is its own reward
            for (const auto& e : a->estimates) {
                QVERIFY(e.value >= e.ciLow && e.value <= e.ciHigh);
                if (e.step < static_cast<int>(steps)) {
                    QCOMPARE(e.k, int64_t(4));
                    QCOMPARE(*e.advantage, a->estimates[static_cast<size_t>(e.step) + 1].value - e.value);
                }
            }
            QCOMPARE(a->picks.size(), size_t(6));
            QVERIFY(a->picks.at("abs-advantage") && a->picks.at("random"));
            // Each rollout's reward is the verifier's verdict on the forced prefix plus the continuation.
            const auto behind = rolloutsBehind(p, r.runId, id, 1);
            QCOMPARE(behind.size(), size_t(4));
            double sum = 0;
            for (const auto& b : behind)
                sum += b.reward;
            QCOMPARE(sum, a->estimates[1].successes);
        }
        QCOMPARE(r.rolloutsDrawn, prefixes * 4);
        QCOMPARE(status(p, r.runId), std::string("done"));
    }

    void aStoppedRunResumesToTheSameResults() {
        Project whole = copyOfDemo("whole.gpo");
        const auto wholeResult = run(whole, config());
        Project p = copyOfDemo("stopped.gpo");
        // Stop inside a group: some trajectories finished, another with only some of its rollouts drawn.
        auto partlyDrawn = [&] {
            return testing::scalar(p, "SELECT count(DISTINCT trajectory_id) FROM rollouts WHERE trajectory_id"
                                      " NOT IN (SELECT trajectory_id FROM mc_estimates)");
        };
        jobs::AnalysisOptions o;
        o.cancelled = [&] {
            return testing::scalar(p, "SELECT count(DISTINCT trajectory_id) FROM mc_estimates") > 0 &&
                   partlyDrawn() > 0;
        };
        const auto stopped = run(p, config(), std::nullopt, o);
        QVERIFY(stopped.cancelled);
        QVERIFY(stopped.analysed > 0 && stopped.analysed < 6);
        QVERIFY(partlyDrawn() > 0);
        QCOMPARE(status(p, stopped.runId), std::string("cancelled"));
        QCOMPARE(unfinishedAnalysisRun(p), std::optional<int64_t>(stopped.runId));
        const auto resumed = run(p, analysisConfig(p, stopped.runId), stopped.runId);
        QCOMPARE(resumed.alreadyDone, stopped.analysed);
        QCOMPARE(resumed.analysed + stopped.analysed, int64_t(6));
        QCOMPARE(status(p, stopped.runId), std::string("done"));
        // The resumed run replays the stored batch and draws only the rest, in the same batches.
        QCOMPARE(stopped.rolloutsDrawn + resumed.rolloutsDrawn, wholeResult.rolloutsDrawn);
        QCOMPARE(results(p, stopped.runId), results(whole, wholeResult.runId));
    }

    void twoShardsGiveWhatOneProcessGives() {
        Project whole = copyOfDemo("single.gpo");
        const int64_t wholeRun = run(whole, config()).runId;
        Project p = copyOfDemo("sharded.gpo");
        std::vector<std::string> files;
        for (int i = 0; i < 2; ++i) {
            files.push_back(path("shard" + std::to_string(i)));
            Project reader = Project::open(path("sharded.gpo"), OpenMode::ReadOnly);
            ShardFile shard = ShardFile::openForWriting(files.back(), projectId(reader), config(), i, 2);
            ShardSink sink(reader, shard);
            jobs::AnalysisOptions o;
            const auto r = jobs::analyze(reader, *registry_, *policy_, prompt_, config(),
                                         analysisSelection(reader, config(), i, 2), sink, o);
            QCOMPARE(r.analysed, int64_t(i == 0 ? 4 : 2)); // whole groups of 4
        }
        QCOMPARE(testing::scalar(p, "SELECT count(*) FROM rollouts"),
                 int64_t(0)); // shards never write the project
        const auto merged = mergeShards(p, *registry_, files);
        QVERIFY(merged.complete);
        QCOMPARE(results(p, merged.runId), results(whole, wholeRun));
    }

    void storedRolloutsAreReusedAndCanBeAdded() {
        Project p = copyOfDemo("reuse.gpo");
        const auto first = run(p, config(2));
        const auto second = run(p, config(4)); // same sampling: the first two rollouts per prefix are reused
        QCOMPARE(second.rolloutsReused, first.rolloutsDrawn);
        QCOMPARE(second.rolloutsDrawn, first.rolloutsDrawn);
        const auto third = run(p, config(4)); // a new run of the same settings draws nothing
        QCOMPARE(third.rolloutsDrawn, int64_t(0));
        QCOMPARE(results(p, third.runId), results(p, second.runId));
        // Refining: four more rollouts at prefix 1 of every trajectory.
        jobs::AnalysisOptions o;
        o.more = 4;
        o.refineSteps = {1};
        const auto refined = run(p, config(4), third.runId, o);
        QCOMPARE(refined.analysed, int64_t(6));
        QCOMPARE(refined.rolloutsDrawn, int64_t(6 * 4));
        for (int64_t id : analysisSelection(p, config()))
            QCOMPARE(loadAnalysis(p, third.runId, id)->estimates[1].k, int64_t(8));
    }

    void binarySearchAloneSpendsFewerRollouts() {
        Project full = copyOfDemo("scan.gpo");
        const auto scan = run(full, config());
        Project p = copyOfDemo("bisect.gpo");
        auto c = config();
        c.selectors = {"binary-search"};
        const auto bisect = run(p, c);
        QVERIFY(bisect.rolloutsDrawn < scan.rolloutsDrawn);
        QVERIFY(bisect.rolloutsDrawn > 0);
    }

    void badRequestsFailClearly() {
        Project p = copyOfDemo("bad.gpo");
        auto c = config();
        c.selectors = {"no-such-selector"};
        bool threw = false;
        try {
            run(p, c);
        } catch (const std::invalid_argument& e) {
            threw = std::string(e.what()).find("no-such-selector") != std::string::npos;
        }
        QVERIFY(threw);
        QCOMPARE(testing::scalar(p, "SELECT count(*) FROM runs WHERE kind = 'analysis'"), int64_t(0));
        c = config();
        c.selection.dataset = "missing";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, run(p, c));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisJob)
#include "test_analysis_job.moc"
