#include "store/importer.h"

#include "store/record_queue.h"
#include "store/trajectory_writer.h"
#include "util/hash.h"
#include "util/text.h"

#include <exception>
#include <map>
#include <thread>

namespace gpo {
namespace {

std::span<const uint8_t> blob(const Hash128& h) {
    return {h.data(), h.size()};
}

/// Prepared statements of one import.
struct Inserter {
    explicit Inserter(sql::Database& db)
        : findDataset(db, "SELECT id FROM datasets WHERE name = ?"),
          addDataset(db, "INSERT INTO datasets(name, format, verifier) VALUES(?, ?, ?)"),
          addProblem(
              db,
              "INSERT INTO problems(dataset_id, source_id, question, answer, verifier, subject, level, split,"
              " question_key, content_hash) VALUES(?,?,?,?,?,?,?,?,?,?)"
              " ON CONFLICT(dataset_id, content_hash) DO NOTHING"),
          findProblem(db, "SELECT id FROM problems WHERE dataset_id = ? AND content_hash = ?"),
          trajectories(db), db_(db) {}

    int64_t datasetId(const std::string& name, const std::string& format, const std::string& verifier) {
        if (auto it = datasets.find(name); it != datasets.end()) return it->second;
        findDataset.bind(1, name);
        int64_t id = 0;
        if (findDataset.step()) {
            id = findDataset.columnInt(0);
        } else {
            addDataset.bind(1, name).bind(2, format).bind(3, verifier).run();
            id = db_.lastInsertId();
        }
        findDataset.reset();
        datasets[name] = id;
        return id;
    }

    void store(const Record& rec, int64_t datasetId, ImportResult& result) {
        const Problem& p = rec.problem;
        const std::string key = normalizedQuestion(p.question);
        const Hash128 questionKey = contentHash({key});
        const Hash128 problemHash = contentHash({key, p.answer});
        addProblem.bind(1, datasetId)
            .bind(2, p.sourceId)
            .bind(3, p.question)
            .bind(4, p.answer)
            .bind(5, p.verifier);
        addProblem.bind(6, p.subject).bind(7, p.level).bind(8, p.split).bindBlob(9, blob(questionKey));
        addProblem.bindBlob(10, blob(problemHash)).run();
        int64_t problemId = 0;
        bool added = false;
        if (db_.changes() > 0) {
            problemId = db_.lastInsertId();
            ++result.problemsAdded;
            ++(p.answer.empty() ? addedWithoutAnswer : addedWithAnswer);
            added = true;
        } else {
            findProblem.bind(1, datasetId).bindBlob(2, blob(problemHash));
            if (findProblem.step()) problemId = findProblem.columnInt(0);
            findProblem.reset();
        }
        for (const Trajectory& t : rec.trajectories) {
            if (!trajectories.add(problemId, t)) continue;
            added = true;
            ++result.trajectoriesAdded;
            result.stepsAdded += static_cast<int64_t>(t.steps.size());
        }
        if (!added) ++result.duplicates;
    }

    sql::Statement findDataset, addDataset, addProblem, findProblem;
    TrajectoryWriter trajectories;
    int64_t addedWithAnswer = 0, addedWithoutAnswer = 0;
    std::map<std::string, int64_t> datasets;
    sql::Database& db_;
};

bool hasProblemsWithoutAnswer(sql::Database& db) {
    auto st = db.prepare("SELECT 1 FROM problems WHERE answer = '' LIMIT 1"); // uses problems_without_answer
    return st.step();
}

} // namespace

std::string normalizedQuestion(std::string_view question) {
    return text::collapseWhitespace(question);
}

ImportResult Importer::importPath(const std::string& path, const ImportOptions& options) {
    const DatasetReader& reader = registry_.requireReader(options.format);
    const Segmenter& segmenter = registry_.requireSegmenter(options.segmenter);
    ImportResult result;
    result.path = path;
    result.dataset = options.dataset.empty() ? reader.name() : options.dataset;
    if (const std::string split = reader.fewShotSplit(path); !split.empty()) result.dataset += "-" + split;

    auto& db = project_.db();
    // The whole file is one transaction: with SQLite's default 2 MB cache its pages spill to the WAL and
    // are written again and again as the B-trees grow. Up to 256 MB of cache keeps each page in memory until
    // the commit writes it once.
    struct BulkCache {
        sql::Database& db;
        explicit BulkCache(sql::Database& d) : db(d) { db.exec("PRAGMA cache_size = -262144"); }
        ~BulkCache() { // back to SQLite's default, so a long-lived studio does not hold 256 MB
            try {
                db.exec("PRAGMA cache_size = -2000");
            } catch (...) {
            }
        }
    } bulkCache(db);
    sql::Transaction tx(db);
    Inserter ins(db);
    const int64_t defaultDataset = ins.datasetId(result.dataset, reader.name(), reader.defaultVerifier());

    ReadContext ctx;
    ctx.segmenter = &segmenter;
    ctx.segment = options.segment;
    ctx.skipBad = options.skipBad;
    ReadReport report;
    // Reading (parsing) runs on its own thread while this one stores: the two halves cost about the same.
    RecordQueue queue;
    std::exception_ptr readError;
    std::thread readerThread([&] {
        std::vector<ReadRecord> batch;
        struct Stopped {};
        try {
            reader.read(
                path, ctx,
                [&](ReadRecord&& r) {
                    batch.push_back(std::move(r));
                    if (batch.size() == 256) {
                        if (!queue.push(std::move(batch))) throw Stopped{};
                        batch = {};
                    }
                },
                report);
            if (!batch.empty()) queue.push(std::move(batch));
        } catch (const Stopped&) {
        } catch (...) {
            readError = std::current_exception();
        }
        queue.finish();
    });
    try {
        while (auto batch = queue.pop()) {
            for (ReadRecord& r : *batch) {
                const int64_t ds = r.dataset.empty()
                                       ? defaultDataset
                                       : ins.datasetId(r.dataset, reader.name(), reader.defaultVerifier());
                ins.store(r.record, ds, result);
                ++result.records;
                if (options.progress && result.records % 10000 == 0) options.progress(result.records);
            }
        }
    } catch (...) {
        queue.stop();
        readerThread.join();
        throw;
    }
    readerThread.join();
    if (readError) std::rethrow_exception(readError);
    result.skipped = std::move(report.skipped);
    if (result.records == 0 && result.skipped.empty()) throw InputError(path, 0, "no records found");

    auto log = db.prepare(
        "INSERT INTO imports(dataset_id, path, format, records, problems_added, trajectories_added,"
        " skipped) VALUES(?,?,?,?,?,?,?)");
    log.bind(1, defaultDataset).bind(2, path).bind(3, reader.name()).bind(4, result.records);
    log.bind(5, result.problemsAdded).bind(6, result.trajectoriesAdded);
    log.bind(7, static_cast<int64_t>(result.skipped.size())).run();
    if (ins.addedWithoutAnswer > 0 || (ins.addedWithAnswer > 0 && hasProblemsWithoutAnswer(db)))
        result.answersLinked = linkReferenceAnswers(project_);
    tx.commit();
    return result;
}

int64_t linkReferenceAnswers(Project& project) {
    auto& db = project.db();
    // Only answers a dataset states itself are lent, and only to problems with none.
    db.exec(R"SQL(
        UPDATE problems AS p SET answer = s.answer, answer_from = s.dataset
        FROM (SELECT q.question_key AS question_key, q.answer AS answer, d.name AS dataset
              FROM problems q JOIN datasets d ON d.id = q.dataset_id
              WHERE q.answer <> '' AND q.answer_from = ''
              GROUP BY q.question_key) AS s
        WHERE p.answer = '' AND p.question_key = s.question_key)SQL");
    return db.changes();
}

} // namespace gpo
