#include "store/verification.h"

#include "store/queries.h"

#include <thread>

namespace gpo {
namespace {

struct Job {
    int64_t id;
    std::string response, answer, verifier;
    std::optional<bool> label;
    std::string question, subject;
    Verdict verdict;
};

} // namespace

VerifyReport verifyTrajectories(Project& project, const Registry& registry, const VerifyOptions& options) {
    auto& db = project.db();
    if (!options.verifier.empty()) registry.requireVerifier(options.verifier);
    std::string q =
        "SELECT t.id, t.response, p.answer, CASE WHEN p.verifier <> '' THEN p.verifier ELSE d.verifier END,"
        " t.label_correct, p.question, p.subject FROM trajectories t JOIN problems p ON p.id = t.problem_id"
        " JOIN datasets d ON d.id = p.dataset_id";
    if (!options.dataset.empty()) q += " WHERE d.name = ?";
    q += " ORDER BY t.id";
    auto st = db.prepare(q);
    if (!options.dataset.empty()) {
        st.bind(1, options.dataset);
        requireDataset(project, options.dataset);
    }
    std::vector<Job> jobs;
    VerifyReport report;
    while (st.step()) {
        Job j{st.columnInt(0), st.columnText(1), st.columnText(2), st.columnText(3),
              std::nullopt,    st.columnText(5), st.columnText(6), {}};
        if (!st.columnIsNull(4)) j.label = st.columnInt(4) != 0;
        if (!options.verifier.empty()) j.verifier = options.verifier;
        if (j.answer.empty()) {
            report.noReference.push_back(j.id);
            continue;
        }
        registry.requireVerifier(j.verifier);
        jobs.push_back(std::move(j));
    }

    // Grading is pure CPU work: spread it over the cores.
    const size_t workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    std::atomic<size_t> next{0};
    std::atomic<int64_t> done{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
            Job& j = jobs[i];
            j.verdict = registry.verifier(j.verifier)->verify(j.response, j.answer, j.question);
            ++done;
        }
    };
    std::vector<std::thread> pool;
    for (size_t w = 1; w < workers; ++w)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (options.progress) options.progress(done, static_cast<int64_t>(jobs.size()));

    sql::Transaction tx(db);
    auto upd =
        db.prepare("UPDATE trajectories SET final_answer = ?, correct = ?, verified_with = ? WHERE id = ?");
    for (const Job& j : jobs) {
        ++report.n;
        if (j.verdict.correct) ++report.correct;
        if (!j.verdict.parsed) report.unparsed.push_back(j.id);
        if (j.label) {
            ++report.labeled;
            auto& bySubject = report.labelsBySubject[j.subject];
            ++bySubject.labeled;
            if (*j.label == j.verdict.correct) {
                ++report.agreeWithLabels;
                ++bySubject.agree;
            } else {
                report.disagreeWithLabels.push_back(j.id);
                ++(j.verdict.correct ? bySubject.acceptedAgainstLabel : bySubject.refusedAgainstLabel);
            }
        }
        if (j.verdict.parsed)
            upd.bind(1, j.verdict.extracted);
        else
            upd.bindNull(1);
        upd.bind(2, j.verdict.correct ? 1 : 0).bind(3, j.verifier).bind(4, j.id).run();
    }
    tx.commit();
    return report;
}

} // namespace gpo
