#include "model/chat_template_file.h"

#include "template/template_error.h"
#include "util/input_error.h"

#include <filesystem>
#include <fstream>

namespace gpo::model {
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string(), 0, "cannot be read");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The template text of tokenizer_config.json's "chat_template", or empty when there is none.
std::string configTemplate(const nlohmann::json& config, const std::string& configPath) {
    if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null())
        return {};
    const nlohmann::json& t = config["chat_template"];
    if (t.is_string()) return t.get<std::string>();
    if (t.is_array()) {
        for (const nlohmann::json& named : t)
            if (named.is_object() && named.value("name", "") == "default" && named.contains("template") &&
                named["template"].is_string())
                return named["template"].get<std::string>();
        throw InputError(configPath, 0,
                         "\"chat_template\" lists named templates but none is named \"default\"");
    }
    throw InputError(configPath, 0, "\"chat_template\" must be a string or a list of {name, template}");
}

} // namespace

void ChatTemplateFile::fail(int templateLine, const std::string& message) const {
    if (!inConfig) throw InputError(file, templateLine, message);
    throw InputError(file, 0,
                     "\"chat_template\"" +
                         (templateLine > 0 ? ", template line " + std::to_string(templateLine) : "") + ": " +
                         message);
}

ChatTemplateFile findChatTemplate(const std::string& dir, const nlohmann::json& config,
                                  const std::string& configPath) {
    ChatTemplateFile out;
    std::string source;
    const fs::path jinja = fs::path(dir) / "chat_template.jinja";
    if (fs::exists(jinja)) {
        source = readAll(jinja);
        out.file = jinja.string();
    } else {
        source = configTemplate(config, configPath);
        out.file = configPath;
        out.inConfig = true;
    }
    if (source.empty()) return {};
    out.declared = true;
    try {
        out.parsed = std::make_shared<const tmpl::ChatTemplate>(source);
    } catch (const tmpl::TemplateError& e) {
        out.error = e.message();
        out.line = e.line();
    }
    return out;
}

} // namespace gpo::model
