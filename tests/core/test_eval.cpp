// Evaluating a policy inside a project, on the shipped demo policy: pass@k, prompt formats, the policy
// registry, stored answers and verdicts, independence from batching, cancellation, and the demo project.
#include "builtin.h"
#include "data/demo_task.h"
#include "jobs/demo_project.h"
#include "jobs/eval_job.h"
#include "model/prompt_format.h"
#include "sql_scalar.h"
#include "stats/pass_at_k.h"
#include "store/importer.h"
#include "store/policies.h"
#include "store/verification.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

using namespace gpo;
using gpo::testing::scalar;
using gpo::testing::text;
namespace fs = std::filesystem;

namespace {
const std::string kPolicy = GPO_DEMO_POLICY;
} // namespace

class TestEval : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::unique_ptr<Registry> registry_ = plugins::standardRegistry();
    std::unique_ptr<model::Policy> policy_;

    std::string path(const char* name) const {
        return dir_.filePath(QString::fromLatin1(name)).toStdString();
    }
    jobs::DemoProjectOptions demoOptions(const char* name) const {
        jobs::DemoProjectOptions o;
        o.projectPath = path(name);
        o.policyDir = kPolicy;
        o.trainProblems = 20;
        o.testProblems = 24;
        o.evalProblems = 12;
        o.samples = 2;
        return o;
    }

private Q_SLOTS:
    void initTestCase() { policy_ = model::Policy::load(kPolicy, {"cpu", "float32"}); }

    void passAtKMatchesTheDefinition() {
        QCOMPARE(stats::passAtK(4, 0, 1), 0.0);
        QCOMPARE(stats::passAtK(4, 1, 1), 0.25);
        QCOMPARE(stats::passAtK(4, 1, 4), 1.0);
        QCOMPARE(stats::passAtK(5, 2, 2), 1.0 - 3.0 / 10.0); // 1 - C(3,2)/C(5,2)
        QVERIFY(std::abs(stats::passAtK(200, 13, 10) - (1.0 - 0.5024488852693939)) < 1e-9);
        QVERIFY(thrown<std::invalid_argument>([] { stats::passAtK(3, 1, 4); }));
        QVERIFY(thrown<std::invalid_argument>([] { stats::passAtK(3, 4, 1); }));
    }

    void promptFormats() {
        const model::Tokenizer& tok = policy_->requireTokenizer();
        const auto demo = model::PromptFormat::forCheckpoint(kPolicy, tok);
        QCOMPARE(demo.render("What is 2+3?", tok), std::string("Question: What is 2+3?\nAnswer:\n"));
        // A question that itself contains the placeholder is inserted once, not expanded again.
        QCOMPARE(model::PromptFormat::plain("Q: {question} / {question}").render("{question}", tok),
                 std::string("Q: {question} / {question}"));
        QVERIFY(thrown<std::invalid_argument>([] { model::PromptFormat::plain("no placeholder"); }));
        const std::string bad = path("bad-prompt");
        fs::create_directories(bad);
        std::ofstream(bad + "/gpo_prompt.json") << R"({"template": 3})";
        QVERIFY(thrown<InputError>([&] { model::PromptFormat::forCheckpoint(bad, tok); }));
        std::ofstream(bad + "/gpo_prompt.json")
            << R"({"chat": true})"; // the demo tokenizer has no chat template
        QVERIFY(thrown<InputError>([&] { model::PromptFormat::forCheckpoint(bad, tok); }));
    }

    void policyRegistry() {
        Project p = Project::open(path("policies.gpo"), OpenMode::Create);
        QVERIFY(!defaultPolicy(p));
        const PolicyEntry a = registerPolicy(p, "a", kPolicy, false);
        QVERIFY(a.isDefault); // the first one becomes the default
        const PolicyEntry b = registerPolicy(p, "b", kPolicy, false);
        QVERIFY(!b.isDefault);
        registerPolicy(p, "b", kPolicy, true);
        QCOMPARE(defaultPolicy(p)->name, std::string("b"));
        QCOMPARE(listPolicies(p).size(), size_t(2));
        QCOMPARE(scalar(p, "SELECT COUNT(*) FROM policies WHERE is_default = 1"), int64_t(1));
        QVERIFY(fs::path(findPolicy(p, "a")->path).is_absolute());
    }

    void demoProjectIsBuiltAndRefreshed() {
        const auto o = demoOptions("demo.gpo");
        const jobs::DemoProjectResult r = jobs::buildDemoProject(*registry_, o);
        QCOMPARE(r.train.problemsAdded, int64_t(20));
        QCOMPARE(r.test.problemsAdded, int64_t(24));
        QCOMPARE(r.test.trajectoriesAdded, int64_t(48)); // a worked solution and a planted error each
        QCOMPARE(r.eval.problems, int64_t(12));
        QCOMPARE(r.eval.samples, int64_t(24));
        QVERIFY(r.eval.trajectoriesAdded > 0 && r.eval.trajectoriesAdded <= 24);
        QVERIFY2(r.eval.correct > 0 && r.eval.correct < 24, "the demo policy is sometimes right, not always");
        QVERIFY(r.eval.passAtK.at(2) >= r.eval.passAt1);
        {
            Project p = Project::open(o.projectPath);
            QCOMPARE(defaultPolicy(p)->name, std::string("demo-policy"));
            QCOMPARE(text(p, "SELECT status FROM runs WHERE kind = 'eval'"), std::string("done"));
            QCOMPARE(
                scalar(p,
                       "SELECT COUNT(*) FROM trajectories WHERE source = 'demo-policy' AND correct IS NULL"),
                int64_t(0));
            QCOMPARE(
                scalar(p, "SELECT COUNT(*) FROM trajectories WHERE source = 'planted-error' AND correct = 1"),
                int64_t(0));
        }
        const jobs::DemoProjectResult again = jobs::buildDemoProject(*registry_, o);
        QCOMPARE(again.train.trajectoriesAdded + again.test.trajectoriesAdded, int64_t(0));
        QCOMPARE(again.eval.trajectoriesAdded, int64_t(0)); // same seeds, same answers
        QCOMPARE(again.eval.correct, r.eval.correct);
    }

    void storedVerdictsAgreeWithRegrading() {
        Project p = Project::open(path("demo.gpo"));
        const int64_t before =
            scalar(p, "SELECT SUM(correct) FROM trajectories WHERE source = 'demo-policy'");
        VerifyOptions vo;
        vo.dataset = "demo-test";
        verifyTrajectories(p, *registry_, vo);
        QCOMPARE(scalar(p, "SELECT SUM(correct) FROM trajectories WHERE source = 'demo-policy'"), before);
    }

    void greedyAnswersDoNotDependOnBatching() {
        Project p = Project::open(path("demo.gpo"));
        jobs::EvalOptions o;
        o.dataset = "demo-test";
        o.policyName = "greedy-check";
        o.limit = 10;
        o.batchSize = 64;
        const auto wide = jobs::evaluatePolicy(p, *registry_, *policy_, o);
        o.batchSize = 3;
        const auto narrow = jobs::evaluatePolicy(p, *registry_, *policy_, o);
        QCOMPARE(narrow.correct, wide.correct);
        QCOMPARE(narrow.trajectoriesAdded, int64_t(0)); // every answer identical, so nothing new
        QCOMPARE(wide.passAtK.size(), size_t(1));
    }

    // A problem's samples depend on the problem, not on its row in one project: the demo project the
    // studio builds (other datasets imported first) and `gpo demo`'s give the same pass@1.
    void samplesDoNotDependOnTheProject() {
        auto sampled = [&](const char* name, bool otherDataFirst) {
            Project p = Project::open(path(name), OpenMode::Create);
            Importer importer(p, *registry_);
            ImportOptions io;
            io.format = "gsm8k";
            if (otherDataFirst)
                importer.importPath(
                    QStringLiteral(GPO_FIXTURES "/data/gsm8k/train_first200.jsonl").toStdString(), io);
            io.format = "jsonl";
            io.dataset = "demo-test";
            const std::string file = path("demo-test.jsonl");
            writeDemoJsonl(file, "test", 8, 1, false);
            importer.importPath(file, io);
            jobs::EvalOptions o;
            o.dataset = "demo-test";
            o.policyName = "sampled";
            o.samples = 3;
            o.temperature = 1.0;
            o.seed = 5;
            const auto r = jobs::evaluatePolicy(p, *registry_, *policy_, o);
            return std::make_pair(r.correct,
                                  text(p, "SELECT group_concat(response, '|') FROM (SELECT response FROM "
                                          "trajectories WHERE source = 'sampled' ORDER BY response)"));
        };
        const auto alone = sampled("alone.gpo", false);
        const auto besideOthers = sampled("beside.gpo", true);
        QCOMPARE(alone.first, besideOthers.first);
        QCOMPARE(alone.second, besideOthers.second);
    }

    void cancelledRunKeepsWhatItFinished() {
        Project p = Project::open(path("demo.gpo"));
        jobs::EvalOptions o;
        o.dataset = "demo-test";
        o.policyName = "cancel-check";
        o.batchSize = 4;
        int batches = 0;
        o.progress = [&](const nlohmann::json&) { ++batches; };
        o.cancelled = [&] { return batches >= 2; };
        const auto r = jobs::evaluatePolicy(p, *registry_, *policy_, o);
        QVERIFY(r.cancelled);
        QCOMPARE(r.problems, int64_t(8));
        QCOMPARE(text(p, "SELECT status FROM runs WHERE id = " + std::to_string(r.runId)),
                 std::string("cancelled"));
        QCOMPARE(
            scalar(p, "SELECT COUNT(DISTINCT problem_id) FROM trajectories WHERE source = 'cancel-check'"),
            int64_t(8));
    }

    void badRequestsFailClearly() {
        Project p = Project::open(path("demo.gpo"));
        jobs::EvalOptions o;
        o.policyName = "x";
        o.dataset = "nosuch";
        QVERIFY(thrown<std::invalid_argument>([&] { jobs::evaluatePolicy(p, *registry_, *policy_, o); }));
        auto o2 = demoOptions("never.gpo");
        o2.policyDir = path("no-policy-here");
        QVERIFY(thrown<std::exception>([&] { jobs::buildDemoProject(*registry_, o2); }));
        QVERIFY(!fs::exists(o2.projectPath)); // a broken policy fails before the project is created
    }
};

QTEST_GUILESS_MAIN(TestEval)
#include "test_eval.moc"
