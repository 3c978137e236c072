#include "model/prompt_format.h"

#include "data/json_source.h"
#include "util/input_error.h"

#include <filesystem>
#include <fstream>

namespace gpo::model {
namespace {

constexpr std::string_view kPlaceholder = "{question}";
constexpr const char* kFile = "gpo_prompt.json";
constexpr const char* kStepByStep = "Please reason step by step, and put your final answer within \\boxed{}.";

} // namespace

PromptFormat PromptFormat::plain(const std::string& templ) {
    if (templ.find(kPlaceholder) == std::string::npos)
        throw std::invalid_argument("a prompt template must contain {question}");
    PromptFormat f;
    f.templ = templ;
    return f;
}

PromptFormat PromptFormat::forCheckpoint(const std::string& dir, const Tokenizer& tok) {
    const std::string path = (std::filesystem::path(dir) / kFile).string();
    PromptFormat f;
    if (std::filesystem::exists(path)) return fromJson(readJsonDocument(path), tok, path);
    if (!tok.declaresChatTemplate()) return f;
    if (!tok.hasChatTemplate())
        tok.chatTemplate().fail(
            tok.chatTemplate().line,
            tok.chatTemplate().error +
                " (write gpo_prompt.json with a plain \"template\" to prompt without it)");
    f.chat = true;
    // Qwen2.5-Math's template already asks for step-by-step reasoning in its default system turn.
    if (f.render("{question}", tok).find(kStepByStep) == std::string::npos) f.instruction = kStepByStep;
    return f;
}

PromptFormat PromptFormat::fromJson(const nlohmann::json& j, const Tokenizer& tok, const std::string& path) {
    PromptFormat f;
    auto text = [&](const char* key, std::string& into) {
        if (!j.contains(key)) return;
        if (!j[key].is_string()) throw InputError(path, 0, std::string("\"") + key + "\" must be a string");
        into = j[key].get<std::string>();
    };
    if (!j.is_object()) throw InputError(path, 0, "expected an object");
    if (j.contains("chat")) {
        if (!j["chat"].is_boolean()) throw InputError(path, 0, "\"chat\" must be true or false");
        f.chat = j["chat"].get<bool>();
    }
    if (j.contains("thinking")) {
        if (!j["thinking"].is_boolean()) throw InputError(path, 0, "\"thinking\" must be true or false");
        f.thinking = j["thinking"].get<bool>();
    }
    if (f.chat && !tok.declaresChatTemplate())
        throw InputError(path, 0, "asks for the chat template, but the tokenizer has none");
    if (f.chat && !tok.hasChatTemplate())
        tok.chatTemplate().fail(tok.chatTemplate().line, tok.chatTemplate().error);
    text("template", f.templ);
    text("system", f.system);
    text("instruction", f.instruction);
    if (!f.chat && f.templ.find(kPlaceholder) == std::string::npos)
        throw InputError(path, 0, "\"template\" must contain {question}");
    return f;
}

std::string PromptFormat::render(const std::string& question, const Tokenizer& tok) const {
    if (chat) {
        std::vector<ChatMessage> messages;
        if (!system.empty()) messages.push_back({"system", system});
        messages.push_back({"user", instruction.empty() ? question : question + "\n" + instruction});
        nlohmann::ordered_json variables = nlohmann::ordered_json::object();
        if (thinking) variables["enable_thinking"] = *thinking;
        return tok.applyChatTemplate(messages, true, variables);
    }
    std::string out = templ;
    for (size_t at = 0; (at = out.find(kPlaceholder, at)) != std::string::npos; at += question.size())
        out.replace(at, kPlaceholder.size(), question); // never rescans the question itself
    return out;
}

nlohmann::json PromptFormat::toJson() const {
    if (chat) {
        nlohmann::json j = {{"chat", true}, {"system", system}, {"instruction", instruction}};
        if (thinking) j["thinking"] = *thinking;
        return j;
    }
    return {{"template", templ}};
}

void PromptFormat::save(const std::string& dir) const {
    std::ofstream((std::filesystem::path(dir) / kFile)) << toJson().dump(2) << "\n";
}

} // namespace gpo::model
