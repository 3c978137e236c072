#include "util/build_info.h"

#include "gpo_build.h" // written by CMake at configure time: GPO_VERSION, GPO_GIT_COMMIT

namespace gpo {

std::string version() {
    return GPO_VERSION;
}
std::string gitCommit() {
    return GPO_GIT_COMMIT;
}

} // namespace gpo
