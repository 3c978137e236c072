#pragma once
// Preference data in the project: pair sets (built by GPO or a baseline, or imported) and their pairs,
// each with its provenance. Exported to, and imported from, TRL's formats: the preference JSONL
// ({"prompt", "chosen", "rejected"}) and KTO's unpaired JSONL ({"prompt", "completion", "label"}), so the
// same data trains here and in TRL. A row with one side only is an unpaired (KTO) example.
#include "store/project.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gpo {

struct PreferencePair {
    std::string prompt;
    std::optional<std::string> chosen, rejected;
    // Provenance (GPO pairs): the failed trajectory, the prefix p_stepIdx the prompt ends with (the
    // critical step is step stepIdx, 0-based), the selector and the analysis run that chose it.
    std::optional<int64_t> problemId, trajectoryId, analysisRunId;
    std::optional<int> stepIdx;
    std::string selector;
    bool paired() const { return chosen && rejected; }
};

struct PairSet {
    int64_t id = 0;
    std::string name, kind;
    nlohmann::json config, report;
    int64_t tokensSampled = 0;
    int64_t pairs = 0;    ///< rows with both sides
    int64_t unpaired = 0; ///< rows with one side
    std::string createdAt;
};

/// Stores a new pair set with its pairs, in one transaction; a pair given twice is stored once. Throws
/// std::invalid_argument when the name is taken. Returns how many pairs were stored.
int64_t storePairSet(Project& project, const std::string& name, const std::string& kind,
                     const nlohmann::json& config, const std::vector<PreferencePair>& pairs,
                     const nlohmann::json& report = nlohmann::json::object(), int64_t tokensSampled = 0);
std::vector<PairSet> listPairSets(Project& project);
/// Throws std::invalid_argument naming the sets there are when there is no set of that name.
PairSet requirePairSet(Project& project, const std::string& name);
std::vector<PreferencePair> loadPairs(Project& project, int64_t setId);

enum class PairFormat { Preference, Unpaired };
/// `preference` (TRL's DPO form; a set's unpaired rows are left out) or `kto` (each pair gives a
/// desirable and an undesirable example). Throws std::invalid_argument otherwise.
PairFormat pairFormat(const std::string& name);
/// Writes one JSON object a line; provenance goes under "gpo" (TRL ignores extra keys). Returns rows.
int64_t writePairsJsonl(const std::vector<PreferencePair>& pairs, PairFormat format, std::ostream& out);
/// Reads TRL's preference or KTO JSONL (the form is recognised per line by its keys: prompt + chosen +
/// rejected, or prompt + completion + label). Throws InputError naming the file, line and key.
std::vector<PreferencePair> readPairsJsonl(const std::string& path);

} // namespace gpo
