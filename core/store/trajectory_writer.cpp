#include "store/trajectory_writer.h"

#include "store/step_codec.h"
#include "util/hash.h"

#include <stdexcept>

namespace gpo {
namespace {

std::span<const uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Hash128 trajectoryHash(const Trajectory& t) {
    return contentHash({t.source, t.response});
}

} // namespace

TrajectoryWriter::TrajectoryWriter(sql::Database& db)
    : db_(db),
      insert_(db, "INSERT INTO trajectories(problem_id, source, response, n_steps, step_offsets, step_labels,"
                  " first_error, label_correct, final_answer, correct, verified_with, content_hash)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(problem_id, content_hash) DO NOTHING"),
      find_(db, "SELECT id FROM trajectories WHERE problem_id = ? AND content_hash = ?") {}

std::optional<int64_t> TrajectoryWriter::add(int64_t problemId, const Trajectory& t, const Verdict* verdict,
                                             const std::string& verifiedWith) {
    const Hash128 h = trajectoryHash(t);
    const std::string offsets = stepcodec::encodeOffsets(t.steps), labels = stepcodec::encodeLabels(t.steps);
    insert_.bind(1, problemId).bind(2, t.source).bind(3, t.response);
    insert_.bind(4, static_cast<int64_t>(t.steps.size())).bindBlob(5, bytes(offsets));
    if (!labels.empty()) insert_.bindBlob(6, bytes(labels));
    insert_.bind(7, t.firstError);
    if (t.labeledCorrect) insert_.bind(8, *t.labeledCorrect ? 1 : 0);
    if (verdict)
        insert_.bind(9, verdict->extracted).bind(10, verdict->correct ? 1 : 0).bind(11, verifiedWith);
    insert_.bindBlob(12, {h.data(), h.size()}).run();
    if (db_.changes() == 0) return std::nullopt;
    return db_.lastInsertId();
}

std::optional<int64_t> TrajectoryWriter::find(int64_t problemId, const Trajectory& t) {
    const Hash128 h = trajectoryHash(t);
    find_.bind(1, problemId).bindBlob(2, {h.data(), h.size()});
    std::optional<int64_t> id;
    if (find_.step()) id = find_.columnInt(0);
    find_.reset();
    return id;
}

TrajectoryWriter::Stored TrajectoryWriter::store(int64_t problemId, const Trajectory& t,
                                                 const Verdict* verdict, const std::string& verifiedWith) {
    if (const auto id = add(problemId, t, verdict, verifiedWith)) return {*id, true};
    const auto id = find(problemId, t);
    if (!id) throw std::logic_error("a trajectory neither added nor found");
    return {*id, false};
}

} // namespace gpo
