#include "jobs/demo_project.h"

#include "data/demo_task.h"
#include "store/verification.h"

#include <chrono>
#include <filesystem>
#include <random>

namespace gpo::jobs {
namespace fs = std::filesystem;
namespace {

/// A scratch folder removed when it goes out of scope.
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("gpo-demo-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

ImportResult importDemoSplit(Project& project, const Registry& registry, const std::string& dataset,
                             const std::string& split, int64_t first, int64_t count, uint64_t seed,
                             bool planted) {
    ScratchDir scratch;
    const std::string file = (scratch.path / (dataset + ".jsonl")).string();
    writeDemoJsonl(file, split, count, seed, planted, first);
    ImportOptions io;
    io.format = "jsonl";
    io.dataset = dataset;
    ImportResult r = Importer(project, registry).importPath(file, io);
    if (r.trajectoriesAdded > 0) {
        VerifyOptions vo;
        vo.dataset = dataset;
        verifyTrajectories(project, registry, vo); // the reference (and planted-error) answers' verdicts
    }
    return r;
}

namespace {

nlohmann::json importJson(const ImportResult& r) {
    return {{"dataset", r.dataset},
            {"records", r.records},
            {"problems_added", r.problemsAdded},
            {"trajectories_added", r.trajectoriesAdded}};
}

} // namespace

nlohmann::json DemoProjectResult::toJson() const {
    return {{"train", importJson(train)},
            {"test", importJson(test)},
            {"policy", {{"name", policy.name}, {"path", policy.path}, {"default", policy.isDefault}}},
            {"eval", eval.toJson()},
            {"analysis", analysis.toJson()},
            {"seconds", seconds}};
}

DemoProjectResult buildDemoProject(const Registry& registry, const DemoProjectOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    auto say = [&](const std::string& stage) {
        if (o.progress) o.progress({{"event", "stage"}, {"stage", stage}});
    };
    // Load the policy first: a missing or broken checkpoint fails before the project is touched.
    auto policy = model::Policy::load(o.policyDir, {o.device, "auto"});
    Project project = Project::open(o.projectPath, OpenMode::Create);
    DemoProjectResult result;
    const struct {
        const char* split;
        const char* dataset;
        int64_t count;
        bool planted;
        ImportResult& into;
    } parts[] = {{"train", "demo-train", o.trainProblems, false, result.train},
                 {"test", "demo-test", o.testProblems, true, result.test}};
    for (const auto& part : parts) {
        if (part.count <= 0) continue;
        say(std::string("import ") + part.dataset);
        part.into =
            importDemoSplit(project, registry, part.dataset, part.split, 0, part.count, o.seed, part.planted);
    }
    result.policy = registerPolicy(project, o.policyName, o.policyDir, true);
    if (o.evalProblems > 0) {
        say("sample " + o.policyName + " on demo-test");
        EvalOptions eo;
        eo.dataset = "demo-test";
        eo.policyName = o.policyName;
        eo.samples = o.samples;
        eo.temperature = o.temperature;
        eo.limit = o.evalProblems;
        eo.seed = o.seed;
        eo.cancelled = o.cancelled;
        eo.progress = o.progress;
        result.eval = evaluatePolicy(project, registry, *policy, eo);
    }
    if (o.analysisRollouts > 0 && o.testProblems > 0 && !result.eval.cancelled) {
        say("analyze the planted errors of demo-test");
        TrajectoryFilter planted;
        planted.dataset = "demo-test";
        planted.source = "planted-error";
        const auto prompt = model::PromptFormat::forCheckpoint(o.policyDir, policy->requireTokenizer());
        AnalysisConfig c = defaultAnalysisConfig(registry, result.policy, *policy, prompt, planted);
        c.k = o.analysisRollouts;
        c.name = analysisRunName(c);
        AnalysisOptions ao;
        ao.cancelled = o.cancelled;
        ao.progress = o.progress;
        // Building again takes up the same run (finishing it if it was stopped), never a second one.
        result.analysis =
            analyzeInProject(project, registry, *policy, prompt, c, findAnalysisRun(project, c), ao);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

} // namespace gpo::jobs
