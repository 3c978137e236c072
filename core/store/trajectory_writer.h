#pragma once
// Adding trajectories to a project: the one insert that imports, evaluations and samplers share.
// A trajectory is identified by (problem, source, response): writing the same one twice adds nothing.
#include "data/types.h"
#include "data/verifier.h"
#include "store/project.h"

#include <optional>

namespace gpo {

class TrajectoryWriter {
public:
    explicit TrajectoryWriter(sql::Database& db);
    /// Adds `t` to problem `problemId`; with `verdict`, stores the grade too (`verifiedWith` names the
    /// verifier). Returns the new row's id, or nullopt when the same trajectory is already stored.
    std::optional<int64_t> add(int64_t problemId, const Trajectory& t, const Verdict* verdict = nullptr,
                               const std::string& verifiedWith = {});
    /// The id of the stored trajectory with this content (after add returned nullopt).
    std::optional<int64_t> find(int64_t problemId, const Trajectory& t);
    struct Stored {
        int64_t id = 0;
        bool added = false; ///< false: the same trajectory was already stored
    };
    /// Adds `t` as add() does, and returns the id of its row, new or not.
    Stored store(int64_t problemId, const Trajectory& t, const Verdict* verdict = nullptr,
                 const std::string& verifiedWith = {});

private:
    sql::Database& db_;
    sql::Statement insert_, find_;
};

} // namespace gpo
