#include "cli_common.h"

#include "model/torch_util.h"
#include "util/input_error.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace gpo::cli {

nlohmann::json errorJson(const std::exception& e) {
    nlohmann::json j;
    j["error"] = model::errorText(e);
    if (auto ie = dynamic_cast<const InputError*>(&e)) {
        j["file"] = ie->file();
        if (ie->line() > 0) j["line"] = ie->line();
        if (ie->offset() >= 0) j["offset"] = ie->offset();
        j["cause"] = ie->cause();
    }
    return j;
}

void printJson(const nlohmann::json& j) {
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

namespace {

/// A value as a person reads it: numbers with at most 4 significant digits, strings bare.
std::string humanValue(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) {
        char text[32];
        std::snprintf(text, sizeof text, "%.4g", v.get<double>());
        return text;
    }
    if (v.is_null()) return "-";
    if (v.is_array()) return std::to_string(v.size()) + (v.size() == 1 ? " item" : " items");
    if (v.is_object()) {
        std::string parts;
        for (const auto& [key, member] : v.items()) {
            if (member.is_structured()) continue;
            parts += (parts.empty() ? "" : ", ") + key + " " + humanValue(member);
        }
        return parts.empty() ? std::to_string(v.size()) + " fields" : parts;
    }
    return v.dump();
}

} // namespace

void printResult(bool json, const nlohmann::json& j) {
    if (json) {
        printJson(j);
        return;
    }
    // A short summary for people, a line a field; --json gives the whole result for scripts.
    for (const auto& [key, value] : j.items())
        if (key != "ok") std::cout << key << ": " << humanValue(value) << '\n';
}

int runCommand(bool json, const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "gpo: error: " << model::errorText(e) << '\n';
        if (json) {
            nlohmann::json j = errorJson(e);
            j["ok"] = false;
            printJson(j);
        }
        return 1;
    }
}

namespace {
volatile std::sig_atomic_t gStopRequested = 0;
extern "C" void requestStop(int sig) {
    if (gStopRequested) { // asked twice: stop now
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
    gStopRequested = 1;
}
} // namespace

std::function<bool()> stopOnSignals() {
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    return [] { return gStopRequested != 0; };
}

void writeFile(const std::string& path, const std::function<void(std::ostream&)>& write) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path + ": cannot write");
    write(out);
    out.flush();
    if (!out) throw std::runtime_error(path + ": write failed");
}

} // namespace gpo::cli
