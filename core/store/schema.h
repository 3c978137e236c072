#pragma once
// The project database schema as numbered migrations. Migration N brings user_version from N-1 to N.
#include <string_view>
#include <vector>

namespace gpo::schema {

/// Identifies a GPO Studio project (PRAGMA application_id).
inline constexpr int kApplicationId = 0x47504F31; // "GPO1"

/// All migrations in order; the project's schema version is how many have run.
const std::vector<std::string_view>& migrations();

} // namespace gpo::schema
