#pragma once
// What a checkpoint folder is, as a user bringing a model needs to see it before anything runs: the
// architecture and its size, dtype, context length and rope scaling, the tokenizer's kind and special
// tokens, the chat template and the prompt a question gets, thinking markers, and generation defaults.
// `gpo policy add` prints it; what gpo does not do with the checkpoint is listed under "warnings".
#include <nlohmann/json.hpp>
#include <string>

namespace gpo::model {

class Policy;

/// The report of a loaded policy (its folder is read again for generation_config.json and gpo_prompt.json).
nlohmann::json checkpointReport(const Policy& policy);
/// The report as the lines `gpo policy add` prints.
std::string checkpointReportText(const nlohmann::json& report);

} // namespace gpo::model
