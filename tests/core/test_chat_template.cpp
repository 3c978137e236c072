// The chat-template engine against transformers' own renders (fixtures/chat_templates/renders.json,
// written by tests/reference/chat_templates.py): 18 real templates over 14 conversations byte for byte,
// jinja2 snippets on scoping, whitespace control and Python's printing, and clear errors.
#include "model/prompt_format.h"
#include "model/tokenizer.h"
#include "template/chat_template.h"
#include "template/template_error.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace gpo::tmpl;
using ojson = nlohmann::ordered_json;

class TestChatTemplate : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void realTemplatesMatchTransformers();
    void snippetsMatchJinja2();
    void unsupportedConstructsAreNamed();
    void strftimeNowIsToday();
    void checkpointsArePromptedAsTransformersDoes();
    void badTemplatesAreRefusedByFile();

private:
    ojson renders_;
};

static const std::string kDir = GPO_FIXTURES "/chat_templates";

static std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void TestChatTemplate::initTestCase() {
    renders_ = ojson::parse(readFile(kDir + "/renders.json"));
    QVERIFY(renders_["templates"].size() >= 18);
}

/// The render, or "ERROR: message" (raise_exception) / "ERROR" (any other failure).
static std::string outcome(const std::function<std::string()>& render) {
    try {
        return render();
    } catch (const RaisedError& e) {
        return std::string("ERROR: ") + e.what();
    } catch (const TemplateError&) {
        return "ERROR";
    }
}

static std::string expected(const ojson& c) {
    if (c.contains("rendered")) return c["rendered"].get<std::string>();
    return c["raised"].get<bool>() ? "ERROR: " + c["error"].get<std::string>() : "ERROR";
}

void TestChatTemplate::realTemplatesMatchTransformers() {
    int matched = 0, total = 0;
    QStringList failures;
    for (const ojson& t : renders_["templates"]) {
        const std::string file = t["file"].get<std::string>();
        std::optional<ChatTemplate> tpl;
        try {
            tpl.emplace(readFile(kDir + "/" + file));
        } catch (const TemplateError& e) {
            failures << QString::fromStdString(file + ": " + e.what());
            total += static_cast<int>(t["cases"].size());
            continue;
        }
        for (const ojson& c : t["cases"]) {
            ++total;
            ojson vars = t["special_tokens"];
            for (const auto& [k, v] : c["variables"].items())
                vars[k] = v;
            const std::string got = outcome(
                [&] { return tpl->render(c["messages"], c["add_generation_prompt"].get<bool>(), vars); });
            const std::string want = expected(c);
            if (got == want) {
                ++matched;
            } else if (failures.size() < 8) {
                failures << QString::fromStdString(file + " / " + c["case"].get<std::string>() +
                                                   "\n got: " + got + "\nwant: " + want);
            }
        }
    }
    qInfo("chat templates: %d of %d renders identical to transformers", matched, total);
    if (matched != total) QFAIL(qPrintable(failures.join("\n\n")));
}

void TestChatTemplate::snippetsMatchJinja2() {
    int matched = 0;
    QStringList failures;
    for (const ojson& s : renders_["snippets"]) {
        const std::string source = s["template"].get<std::string>();
        const std::string got =
            outcome([&] { return ChatTemplate(source).render(ojson::array(), false, s["variables"]); });
        const std::string want = expected(s);
        if (got == want)
            ++matched;
        else
            failures << QString::fromStdString(source + "\n got: " + got + "\nwant: " + want);
    }
    qInfo("jinja2 snippets: %d of %zu identical", matched, renders_["snippets"].size());
    if (!failures.isEmpty()) QFAIL(qPrintable(failures.join("\n\n")));
}

void TestChatTemplate::unsupportedConstructsAreNamed() {
    auto parseError = [](const std::string& source) -> std::string {
        try {
            ChatTemplate t(source);
        } catch (const TemplateError& e) {
            return e.what();
        }
        return "";
    };
    QCOMPARE(
        parseError("a\n{% include 'x.jinja' %}"),
        std::string(
            "line 2: the template uses '{% include %}', which chat templates are not rendered with here"));
    QVERIFY(parseError("{{ x | frobnicate }}").find("no filter named 'frobnicate'") != std::string::npos);
    QVERIFY(parseError("{% if x %}never closed").find("looking for elif or else or endif") !=
            std::string::npos);
    QVERIFY(parseError("{{ 'unterminated }}").find("unterminated string") != std::string::npos);
    QVERIFY(parseError("{% for x in y recursive %}{% endfor %}").find("recursive") != std::string::npos);
    // Rendering errors name their line too.
    try {
        ChatTemplate("line one\n{{ messages[0].content.nope() }}")
            .render(ojson::parse(R"([{"role":"user","content":"hi"}])"), true);
        QFAIL("an undefined method was called");
    } catch (const TemplateError& e) {
        QCOMPARE(std::string(e.what()), std::string("line 2: 'str object' has no attribute 'nope'"));
    }
}

void TestChatTemplate::strftimeNowIsToday() {
    char buf[32];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(buf, sizeof buf, "%d %b %Y", &local);
    QCOMPARE(ChatTemplate("{{ strftime_now('%d %b %Y') }}").render(ojson::array(), false), std::string(buf));
}

/// The render transformers made of `templateFile` for `caseName`.
static std::string fixtureRender(const ojson& renders, const std::string& templateFile,
                                 const std::string& caseName) {
    for (const ojson& t : renders["templates"])
        if (t["file"] == templateFile)
            for (const ojson& c : t["cases"])
                if (c["case"] == caseName) return c.value("rendered", "");
    return "";
}

/// A checkpoint folder with the tokenizer files of fixtures/tokenizers/`name`, and `jinja` as its
/// chat_template.jinja when given.
static std::string checkpoint(const QTemporaryDir& tmp, const std::string& name,
                              const std::string& jinja = {}) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(tmp.path().toStdString()) / (name + (jinja.empty() ? "" : "-" + jinja));
    fs::create_directories(dir);
    for (const char* f : {"tokenizer.json", "tokenizer_config.json"})
        fs::copy_file(fs::path(GPO_FIXTURES "/tokenizers") / name / f, dir / f,
                      fs::copy_options::overwrite_existing);
    if (!jinja.empty())
        fs::copy_file(fs::path(kDir) / jinja, dir / "chat_template.jinja",
                      fs::copy_options::overwrite_existing);
    return dir.string();
}

static const std::string kQuestion =
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. "
    "How many clips did Natalia sell altogether in April and May?";

void TestChatTemplate::checkpointsArePromptedAsTransformersDoes() {
    using gpo::model::PromptFormat;
    using gpo::model::Tokenizer;
    QTemporaryDir tmp;
    // Qwen3: its template, the question and the step-by-step instruction.
    const std::string qwen = checkpoint(tmp, "qwen3");
    const Tokenizer qwenTok = Tokenizer::fromDirectory(qwen);
    const PromptFormat qwenFormat = PromptFormat::forCheckpoint(qwen, qwenTok);
    QVERIFY(qwenFormat.chat);
    QCOMPARE(qwenFormat.render(kQuestion, qwenTok), fixtureRender(renders_, "qwen3.jinja", "gpo_default"));
    // gpo_prompt.json turns thinking off (enable_thinking=False) and drops the instruction.
    std::ofstream(qwen + "/gpo_prompt.json") << R"({"chat": true, "thinking": false})";
    const PromptFormat noThinking = PromptFormat::forCheckpoint(qwen, qwenTok);
    QCOMPARE(noThinking.render(kQuestion, qwenTok), fixtureRender(renders_, "qwen3.jinja", "thinking_off"));
    QCOMPARE(noThinking.toJson()["thinking"], nlohmann::json(false));

    // Qwen2.5-Math's default system turn already asks for \boxed{}: no instruction is added.
    const std::string math = checkpoint(tmp, "qwen3", "qwen2_5_math_instruct.jinja");
    const Tokenizer mathTok = Tokenizer::fromDirectory(math);
    QVERIFY(PromptFormat::forCheckpoint(math, mathTok).instruction.empty());
    QCOMPARE(PromptFormat::forCheckpoint(math, mathTok).render(kQuestion, mathTok),
             fixtureRender(renders_, "qwen2_5_math_instruct.jinja", "question"));

    // DeepSeek-V3's tokenizer adds BOS and its template writes it: the prompt has one BOS.
    const std::string ds = checkpoint(tmp, "deepseek_v3");
    const Tokenizer dsTok = Tokenizer::fromDirectory(ds);
    const std::string dsPrompt = PromptFormat::forCheckpoint(ds, dsTok).render(kQuestion, dsTok);
    QCOMPARE(dsPrompt, fixtureRender(renders_, "deepseek_v3.jinja", "gpo_default"));
    const auto ids = dsTok.encodePrompt(dsPrompt);
    QCOMPARE(ids.front(), dsTok.bosId());
    QVERIFY(ids[1] != dsTok.bosId());
    QCOMPARE(dsTok.encodePrompt("plain text").front(), dsTok.bosId());

    // Llama 3.1's tokenizer with the R1-Distill template in chat_template.jinja, which wins over
    // tokenizer_config.json's.
    const std::string r1 = checkpoint(tmp, "llama3_1", "r1_distill_llama.jinja");
    const Tokenizer r1Tok = Tokenizer::fromDirectory(r1);
    QVERIFY(r1Tok.chatTemplate().file.find("chat_template.jinja") != std::string::npos);
    const std::string llama = checkpoint(tmp, "llama3_1");
    const Tokenizer llamaTok = Tokenizer::fromDirectory(llama);
    QCOMPARE(PromptFormat::forCheckpoint(llama, llamaTok).render(kQuestion, llamaTok),
             fixtureRender(renders_, "llama3_instruct.jinja", "gpo_default"));
}

void TestChatTemplate::badTemplatesAreRefusedByFile() {
    using gpo::model::PromptFormat;
    using gpo::model::Tokenizer;
    QTemporaryDir tmp;
    const std::string dir = checkpoint(tmp, "qwen3");
    std::ofstream(dir + "/chat_template.jinja") << "{{ bos_token }}\n{% include 'other.jinja' %}";
    const Tokenizer tok = Tokenizer::fromDirectory(dir); // the tokenizer itself still loads
    QVERIFY(tok.declaresChatTemplate() && !tok.hasChatTemplate());
    try {
        PromptFormat::forCheckpoint(dir, tok);
        QFAIL("an unreadable template was used");
    } catch (const gpo::InputError& e) {
        QVERIFY2(std::string(e.what()).find("chat_template.jinja:2: the template uses '{% include %}'") !=
                     std::string::npos,
                 e.what());
    }
    // A plain template in gpo_prompt.json prompts without it.
    std::ofstream(dir + "/gpo_prompt.json") << R"({"template": "Q: {question}\nA:"})";
    QCOMPARE(PromptFormat::forCheckpoint(dir, tok).render("1+1?", tok), std::string("Q: 1+1?\nA:"));

    // Gemma refuses a system turn with its own message, named with the file.
    const std::string gemma = checkpoint(tmp, "qwen3", "gemma_2_it.jinja");
    std::ofstream(gemma + "/gpo_prompt.json") << R"({"chat": true, "system": "Be brief."})";
    const Tokenizer gemmaTok = Tokenizer::fromDirectory(gemma);
    try {
        PromptFormat::forCheckpoint(gemma, gemmaTok).render("1+1?", gemmaTok);
        QFAIL("gemma accepted a system turn");
    } catch (const gpo::InputError& e) {
        QVERIFY2(std::string(e.what()).find(
                     "chat_template.jinja: the template refuses this conversation: System role "
                     "not supported") != std::string::npos,
                 e.what());
    }
    // A template inside tokenizer_config.json is named by its key.
    const std::string inConfig = checkpoint(tmp, "llama3_1");
    nlohmann::json config = nlohmann::json::parse(readFile(inConfig + "/tokenizer_config.json"));
    config["chat_template"] = "{% for m in messages %}{{ m.content | nosuchfilter }}{% endfor %}";
    std::ofstream(inConfig + "/tokenizer_config.json") << config.dump();
    const Tokenizer configTok = Tokenizer::fromDirectory(inConfig);
    const auto err = thrown<gpo::InputError>([&] { PromptFormat::forCheckpoint(inConfig, configTok); });
    QVERIFY(err);
    QVERIFY2(std::string(err->what())
                     .find("tokenizer_config.json: \"chat_template\", template line 1: no filter named "
                           "'nosuchfilter'") != std::string::npos,
             err->what());
}

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "test_chat_template.moc"
