// Plugins load through the one entry point, the built-in one too.
#include "builtin.h"
#include "util/build_info.h"

#include <QtTest>

using namespace gpo;

class TestPlugins : public QObject {
    Q_OBJECT
private slots:
    void builtinRegistersEverything() {
        Registry r;
        r.registerPlugin("builtin", &plugins::registerBuiltins);
        for (const char* f : {"gsm8k", "math", "math500", "aime", "bbh", "mmlu", "mmlupro", "prm800k",
                              "processbench", "jsonl"})
            QVERIFY2(r.reader(f), f);
        for (const char* v : {"math", "gsm8k", "choice", "exact"})
            QVERIFY2(r.verifier(v), v);
        for (const char* s : {"newline", "paragraph", "step-marker"})
            QVERIFY2(r.segmenter(s), s);
        QCOMPARE(r.plugins().size(), size_t(1));
        QCOMPARE(r.plugins()[0].readers.size(), size_t(10));
        QCOMPARE(r.plugins()[0].name, std::string("builtin"));
        QCOMPARE(r.plugins()[0].version, version());
    }
    void sharedLibraryPluginLoads() {
        qputenv("GPO_PLUGIN_PATH", GPO_TEST_PLUGIN_DIR);
        std::vector<std::string> errors;
        auto r = plugins::standardRegistry(&errors);
        QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
        const Segmenter* s = r->segmenter("sentence");
        QVERIFY(s);
        QCOMPARE(r->plugins().back().name, std::string("sentences"));
        QCOMPARE(r->plugins().back().version, std::string("1.2.0"));
        QCOMPARE(r->plugins().back().segmenters, std::vector<std::string>{"sentence"});
        QVERIFY(r->plugins().back().file.find("gpo_test_plugin") != std::string::npos);
        QCOMPARE(s->split("One. Two? Three!").size(), size_t(3));
    }
    void duplicateNamesRefused() {
        Registry r;
        r.registerPlugin("builtin", &plugins::registerBuiltins);
        try {
            r.registerPlugin("again", &plugins::registerBuiltins);
            QFAIL("a second copy of the built-in plugin registered");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("dataset format 'gsm8k' is registered twice") !=
                         std::string::npos,
                     e.what());
        }
        QCOMPARE(r.readers().size(), size_t(10)); // the refused copy took nothing with it
    }
    // Each is refused with its reason; what they added is taken back; the application goes on.
    void brokenPluginsAreRefusedAndTheRestWork() {
        Registry r;
        r.registerPlugin("builtin", &plugins::registerBuiltins);
        const auto errors = r.loadPluginFolders(GPO_BAD_PLUGIN_DIR);
        QCOMPARE(errors.size(), size_t(4));
        QCOMPARE(r.failures().size(), size_t(4));
        auto reasonOf = [&](const char* lib) {
            for (const auto& f : r.failures())
                if (f.file.find(lib) != std::string::npos) return f.reason;
            return std::string();
        };
        QVERIFY2(reasonOf("gpo_bad_plugin_1")
                         .find("built for plugin API version 3; this GPO Studio has version 2") !=
                     std::string::npos,
                 reasonOf("gpo_bad_plugin_1").c_str());
        QVERIFY(reasonOf("gpo_bad_plugin_2").find("threw in its entry point: its licence file is missing") !=
                std::string::npos);
        QVERIFY2(reasonOf("gpo_bad_plugin_3").find("crashed in its entry point (signal 11") !=
                     std::string::npos,
                 reasonOf("gpo_bad_plugin_3").c_str());
        QVERIFY(reasonOf("gpo_bad_plugin_4").find("is not a GPO Studio plugin") != std::string::npos);
        QVERIFY(!r.segmenter("bad-segmenter"));
        QCOMPARE(r.plugins().size(), size_t(1));
        // And after the crash, everything still works, signals included.
        QCOMPARE(r.requireSegmenter("newline").split("a\nb").size(), size_t(2));
    }
    void badLibraryReported() {
        QTemporaryDir dir;
        QFile f(dir.filePath("libbroken.so"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an ELF file");
        f.close();
        Registry r;
        const auto errors = r.loadPluginFolders(dir.path().toStdString());
        QCOMPARE(errors.size(), size_t(1));
        QVERIFY(errors[0].find("libbroken.so") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestPlugins)
#include "test_plugins.moc"
