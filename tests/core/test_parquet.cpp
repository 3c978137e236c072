// The Parquet reader on the real MMLU-Pro file (Snappy, dictionary pages, a LIST column) and on damage.
#include "data/parquet/parquet_file.h"
#include "thrown.h"
#include "util/input_error.h"

#include <QtTest>
#include <fstream>

using namespace gpo;

namespace {
const std::string kFile = std::string(GPO_FIXTURES) + "/data/mmlu_pro/validation-00000-of-00001.parquet";

std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

class TestParquet : public QObject {
    Q_OBJECT
private slots:
    void schemaAndRows() {
        auto f = parquet::File::open(kFile);
        QCOMPARE(f.rowCount(), int64_t(70));
        const auto names = f.columnNames();
        for (const char* c : {"question_id", "question", "options", "answer", "answer_index", "cot_content",
                              "category", "src"})
            QVERIFY2(std::find(names.begin(), names.end(), c) != names.end(), c);
    }
    void columnsAgree() {
        auto f = parquet::File::open(kFile);
        const auto options = f.readColumn("options");
        const auto answer = f.readColumn("answer");
        const auto index = f.readColumn("answer_index");
        const auto ids = f.readColumn("question_id");
        QVERIFY(options.isList);
        QVERIFY(!answer.isList);
        for (size_t i = 0; i < 70; ++i) {
            const auto idx = std::get<int64_t>(index.rows[i][0]);
            const auto letter = std::get<std::string>(answer.rows[i][0]);
            // answer letter and answer_index must name the same option
            QCOMPARE(static_cast<int64_t>(letter[0] - 'A'), idx);
            QVERIFY(idx < static_cast<int64_t>(options.rows[i].size()));
            QVERIFY(options.rows[i].size() >= 3 && options.rows[i].size() <= 10);
            for (const auto& o : options.rows[i])
                QVERIFY(std::holds_alternative<std::string>(o));
            QVERIFY(std::holds_alternative<int64_t>(ids.rows[i][0]));
        }
    }
    void truncatedFileFailsClearly() {
        QTemporaryDir dir;
        const std::string bytes = slurp(kFile);
        const std::string cut = dir.filePath("cut.parquet").toStdString();
        std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        const auto e = thrown<InputError>([&] { parquet::File::open(cut); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(std::string(e->what()).find("cut.parquet") != std::string::npos, e->what());
        QVERIFY2(e->cause().find("PAR1") != std::string::npos, e->what());
    }
    void corruptFooterLength() {
        QTemporaryDir dir;
        std::string bytes = slurp(kFile);
        const size_t lenAt = bytes.size() - 8;
        bytes[lenAt] = '\xff';
        bytes[lenAt + 1] = '\xff';
        bytes[lenAt + 2] = '\xff';
        const std::string bad = dir.filePath("bad.parquet").toStdString();
        std::ofstream(bad, std::ios::binary) << bytes;
        const auto e = thrown<InputError>([&] { parquet::File::open(bad); });
        QVERIFY2(e.has_value(), "no error");
        QVERIFY2(e->offset() >= 0, e->what());
    }
    void corruptPagesNeverCrash() {
        // Flip bytes across the data pages: every read ends in a value or an InputError, never a crash.
        QTemporaryDir dir;
        const std::string original = slurp(kFile);
        const std::string bad = dir.filePath("flip.parquet").toStdString();
        int errors = 0;
        for (size_t at = 4; at < original.size() / 2; at += 997) {
            std::string bytes = original;
            bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
            std::ofstream(bad, std::ios::binary | std::ios::trunc) << bytes;
            try {
                auto f = parquet::File::open(bad);
                for (const auto& name : f.columnNames())
                    f.readColumn(name);
            } catch (const InputError&) {
                ++errors;
            }
        }
        QVERIFY(errors > 0);
    }
};

QTEST_GUILESS_MAIN(TestParquet)
#include "test_parquet.moc"
