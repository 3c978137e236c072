#include "builtin.h"

#include "data/readers/aime_reader.h"
#include "data/readers/bbh_reader.h"
#include "data/readers/gsm8k_reader.h"
#include "data/readers/jsonl_reader.h"
#include "data/readers/math_reader.h"
#include "data/readers/mmlu_reader.h"
#include "data/readers/mmlupro_reader.h"
#include "data/readers/prm800k_reader.h"
#include "data/readers/processbench_reader.h"
#include "mc/selectors.h"
#include "util/build_info.h"
#include "util/text.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace gpo::plugins {

int registerBuiltins(int apiVersion, Registry* registry) {
    if (apiVersion != kPluginApiVersion) return -kPluginApiVersion;
    if (!registry) return 1;
    registry->describePlugin("builtin", version());
    registry->addReader(std::make_unique<Gsm8kReader>());
    registry->addReader(std::make_unique<MathReader>());
    registry->addReader(std::make_unique<Math500Reader>());
    registry->addReader(std::make_unique<AimeReader>());
    registry->addReader(std::make_unique<BbhReader>());
    registry->addReader(std::make_unique<MmluReader>());
    registry->addReader(std::make_unique<MmluProReader>());
    registry->addReader(std::make_unique<Prm800kReader>());
    registry->addReader(std::make_unique<ProcessBenchReader>());
    registry->addReader(std::make_unique<JsonlReader>());
    registry->addVerifier(std::make_unique<MathVerifier>());
    registry->addVerifier(std::make_unique<Gsm8kVerifier>());
    registry->addVerifier(std::make_unique<ChoiceVerifier>());
    registry->addVerifier(std::make_unique<ExactVerifier>());
    registry->addSegmenter(std::make_unique<NewlineSegmenter>());
    registry->addSegmenter(std::make_unique<ParagraphSegmenter>());
    registry->addSegmenter(std::make_unique<StepMarkerSegmenter>());
    registry->addSelector(std::make_unique<mc::AbsAdvantageSelector>()); // first: the default
    registry->addSelector(std::make_unique<mc::MaxAdvantageSelector>());
    registry->addSelector(std::make_unique<mc::MaxValuePrefixSelector>());
    registry->addSelector(std::make_unique<mc::RandomSelector>());
    registry->addSelector(std::make_unique<mc::ThresholdSelector>());
    registry->addSelector(std::make_unique<mc::BinarySearchSelector>());
    return 0;
}

std::vector<std::string> pluginFolders() {
    std::vector<std::string> folders;
    if (const char* env = std::getenv("GPO_PLUGIN_PATH"))
        for (const auto& f : text::split(env, ':'))
            if (!f.empty()) folders.push_back(f);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) folders.push_back((exe.parent_path().parent_path() / "lib" / "gpo" / "plugins").string());
    return folders;
}

std::unique_ptr<Registry> standardRegistry(std::vector<std::string>* errors) {
    auto registry = std::make_unique<Registry>();
    registry->registerPlugin("builtin", &registerBuiltins);
    auto loadErrors = registry->loadPluginFolders(text::join(pluginFolders(), ":"));
    if (errors) *errors = std::move(loadErrors);
    return registry;
}

} // namespace gpo::plugins
