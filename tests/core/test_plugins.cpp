// Plugins load through the one entry point, the built-in one too.
#include "builtin.h"

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
        QCOMPARE(r.plugins()[0].readers, 10);
    }
    void sharedLibraryPluginLoads() {
        qputenv("GPO_PLUGIN_PATH", GPO_TEST_PLUGIN_DIR);
        std::vector<std::string> errors;
        auto r = plugins::standardRegistry(&errors);
        QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
        const Segmenter* s = r->segmenter("sentence");
        QVERIFY(s);
        QCOMPARE(s->split("One. Two? Three!").size(), size_t(3));
    }
    void duplicateNamesRefused() {
        Registry r;
        r.registerPlugin("builtin", &plugins::registerBuiltins);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 r.registerPlugin("again", &plugins::registerBuiltins));
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
