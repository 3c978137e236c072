#include "cli_common.h"

#include "util/input_error.h"

#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>

namespace gpo::cli {

nlohmann::json errorJson(const std::exception& e) {
    nlohmann::json j;
    j["error"] = e.what();
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

void printResult(bool json, const nlohmann::json& j) {
    if (json)
        printJson(j);
    else
        std::cout << j.dump(2) << '\n';
}

int runCommand(bool json, const std::function<int()>& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        std::cerr << "gpo: error: " << e.what() << '\n';
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
