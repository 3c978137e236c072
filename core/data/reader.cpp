#include "data/reader.h"

#include <nlohmann/json.hpp>

namespace gpo {

void guardRecord(const std::string& file, int64_t line, const ReadContext& ctx, ReadReport& report,
                 const std::function<void()>& convert) {
    try {
        convert();
    } catch (const InputError& e) {
        if (!ctx.skipBad) throw;
        report.skipped.push_back(e);
    } catch (const FieldError& e) {
        if (!ctx.skipBad) throw InputError(file, line, e.what());
        report.skipped.emplace_back(file, line, e.what());
    } catch (const nlohmann::json::exception& e) {
        if (!ctx.skipBad) throw InputError(file, line, e.what());
        report.skipped.emplace_back(file, line, e.what());
    }
}

} // namespace gpo
