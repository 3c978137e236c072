// gpo doctor: what this machine offers GPO Studio (cores, threads, the BLAS in use, devices, the jobs
// sharing the cores, the installed resources) and which plugins loaded. `gpo --version` says the short form.
#include "cli_common.h"
#include "model/attention.h"
#include "model/torch_util.h"
#include "util/build_info.h"
#include "util/job_slots.h"
#include "util/resource_paths.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>
#include <torch/version.h>

namespace gpo::cli {

namespace {

std::string libTorchVersion() {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

int cudaDevices() {
    return at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;
}

/// The libraries this process mapped whose file name passes `keep`.
template <class Keep> std::vector<std::string> mappedLibraries(Keep keep) {
    std::ifstream maps("/proc/self/maps");
    std::set<std::string> found;
    for (std::string line; std::getline(maps, line);) {
        const auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        const std::string path = line.substr(slash);
        const std::string name = path.substr(path.rfind('/') + 1);
        if (keep(name)) found.insert(path);
    }
    return {found.begin(), found.end()};
}

bool has(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

// The BLAS libraries this process mapped: Debian picks one through alternatives, and the reference BLAS
// is ~27x slower than OpenBLAS's OpenMP build. (cuBLAS is the GPU's, not the CPU's.)
std::vector<std::string> blasInUse() {
    return mappedLibraries([](const std::string& n) {
        return (has(n, "blas") || has(n, "lapack")) && !has(n, "cublas") && !has(n, "nvblas");
    });
}

// Every OpenMP runtime mapped: there must be one (PyPI's wheel brings its own libgomp; two runtimes in
// one process fight over the cores and can deadlock).
std::vector<std::string> openMpRuntimes() {
    return mappedLibraries([](const std::string& n) {
        return n.rfind("libgomp", 0) == 0 || n.rfind("libiomp", 0) == 0 || n.rfind("libomp", 0) == 0;
    });
}

// Whether this LibTorch was built with CUDA: its CUDA library is loaded with it (Debian's is CPU-only).
bool cudaCompiledIn() {
    return !mappedLibraries([](const std::string& n) {
                return has(n, "libtorch_cuda") || has(n, "libc10_cuda");
            }).empty();
}

std::string cudaText() {
    const int gpus = cudaDevices();
    if (gpus > 0) return "available (" + std::to_string(gpus) + " device" + (gpus > 1 ? "s" : "") + ")";
    return cudaCompiledIn() ? "compiled in, no device present" : "not compiled in (a CPU-only LibTorch)";
}

std::string blasVerdict(const std::vector<std::string>& libs) {
    for (const auto& l : libs)
        if (l.find("openblas-openmp") != std::string::npos)
            return "OpenBLAS, OpenMP build (fast, shares LibTorch's threads)";
    for (const auto& l : libs)
        if (l.find("openblas-pthread") != std::string::npos)
            return "OpenBLAS, pthread build: install libopenblas0-openmp (this one fights LibTorch's OpenMP "
                   "pool)";
    for (const auto& l : libs)
        if (l.find("/blas/") != std::string::npos)
            return "the reference BLAS: install libopenblas0-openmp (~27x faster matrix products)";
    if (libs.empty() && at::hasMKL()) return "MKL, linked into LibTorch";
    return libs.empty() ? "none mapped yet" : "other";
}

} // namespace

std::string versionText() {
    return "gpo " + version() + " (commit " + gitCommit() + "), LibTorch " + libTorchVersion() + ", CUDA " +
           cudaText();
}

void addDoctor(CLI::App& app, Context& ctx, int& rc) {
    auto json = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand("doctor", "What this machine offers: cores, threads, the BLAS in use, "
                                             "devices, other jobs, resources and plugins");
    cmd->add_flag("--json", *json, "Print a JSON result on stdout");
    cmd->callback([json, &ctx, &rc] {
        rc = runCommand(*json, [&] {
            model::useAllCores(); // as a job would: registers, and takes its share of the cores
            at::Tensor probe = at::ones({64, 64});
            (void)at::mm(probe, probe); // maps the BLAS library
            const int cores = static_cast<int>(std::thread::hardware_concurrency());
            const util::JobSlots::Share share = util::JobSlots().share(cores);
            const auto blas = blasInUse();
            const auto openmp = openMpRuntimes();
            nlohmann::json j{{"ok", true},
                             {"version", version()},
                             {"commit", gitCommit()},
                             {"libtorch", libTorchVersion()},
                             {"cuda_devices", cudaDevices()},
                             {"cuda_compiled", cudaCompiledIn()},
                             {"attention", model::attentionKernel()},
                             {"openmp_runtimes", openmp},
                             // Data-parallel ranks talk through c10d's Gloo (CPU tensors; GPU gradients are
                             // copied to the host for the all-reduce).
                             {"distributed_backend", "gloo"},
                             {"cores", cores},
                             {"threads", at::get_num_threads()},
                             {"other_jobs", std::max(0, share.jobs - 2)}, // less this process's two entries
                             {"jobs_folder", util::JobSlots::defaultFolder()},
                             {"blas", blas},
                             {"blas_verdict", blasVerdict(blas)},
                             {"demo_policy", findSharedResource("demo-policy").value_or("")},
                             {"presets", findSharedResource("presets").value_or("")},
                             {"plugins", pluginsJson(*ctx.registry)}};
            if (*json) {
                printJson(j);
                return 0;
            }
            std::cout << versionText() << "\n"
                      << "CPU: " << cores << " cores; LibTorch uses " << j["threads"] << " threads now ("
                      << j["other_jobs"] << " other jobs share the cores; "
                      << j["jobs_folder"].get<std::string>() << ")\n"
                      << "BLAS: " << j["blas_verdict"].get<std::string>() << "\n";
            for (const auto& l : blas)
                std::cout << "      " << l << "\n";
            std::cout << "OpenMP: "
                      << (openmp.size() == 1 ? "one runtime" : std::to_string(openmp.size()) + " runtimes")
                      << "\n";
            for (const auto& l : openmp)
                std::cout << "      " << l << "\n";
            std::cout << "Attention: " << model::attentionKernel() << "\n";
            std::cout << "Data-parallel backend: Gloo (c10d)\n";
            std::cout << "Demo policy: "
                      << (j["demo_policy"] == "" ? "not found" : j["demo_policy"].get<std::string>())
                      << "\nPresets: " << (j["presets"] == "" ? "not found" : j["presets"].get<std::string>())
                      << "\n";
            printPlugins(*ctx.registry);
            return 0;
        });
    });
}

} // namespace gpo::cli
