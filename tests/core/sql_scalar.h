#pragma once
// The first column of a query's first row, for tests that check what a job stored.
#include "store/project.h"

#include <string>

namespace gpo::testing {

/// -1 when the query returns no row.
inline int64_t scalar(Project& p, const std::string& sql) {
    auto st = p.db().prepare(sql);
    return st.step() ? st.columnInt(0) : -1;
}

/// Empty when the query returns no row.
inline std::string text(Project& p, const std::string& sql) {
    auto st = p.db().prepare(sql);
    return st.step() ? st.columnText(0) : std::string();
}

} // namespace gpo::testing
