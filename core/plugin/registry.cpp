#include "plugin/registry.h"

#include "util/text.h"

#include <csetjmp>
#include <csignal>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <stdexcept>

namespace gpo {
namespace {

template <class T>
const T* findByName(const std::vector<std::unique_ptr<T>>& items, const std::string& name) {
    for (const auto& i : items)
        if (i->name() == name) return i.get();
    return nullptr;
}

template <class T> std::string knownNames(const std::vector<std::unique_ptr<T>>& items) {
    std::vector<std::string> names;
    for (const auto& i : items)
        names.push_back(i->name());
    return text::join(names, ", ");
}

template <class T>
void addUnique(std::vector<std::unique_ptr<T>>& items, std::unique_ptr<T> item, const char* what) {
    if (!item) throw std::invalid_argument(std::string("null ") + what);
    if (findByName(items, item->name()))
        throw std::invalid_argument(std::string(what) + " '" + item->name() + "' is registered twice");
    items.push_back(std::move(item));
}

template <class T> std::vector<const T*> all(const std::vector<std::unique_ptr<T>>& items) {
    std::vector<const T*> out;
    for (const auto& i : items)
        out.push_back(i.get());
    return out;
}

} // namespace

void Registry::addReader(std::unique_ptr<DatasetReader> r) {
    addUnique(readers_, std::move(r), "dataset format");
}
void Registry::addVerifier(std::unique_ptr<Verifier> v) {
    addUnique(verifiers_, std::move(v), "verifier");
}
void Registry::addSegmenter(std::unique_ptr<Segmenter> s) {
    addUnique(segmenters_, std::move(s), "segmenter");
}

void Registry::addSelector(std::unique_ptr<mc::Selector> s) {
    addUnique(selectors_, std::move(s), "selector");
}

const DatasetReader* Registry::reader(const std::string& n) const {
    return findByName(readers_, n);
}
const Verifier* Registry::verifier(const std::string& n) const {
    return findByName(verifiers_, n);
}
const Segmenter* Registry::segmenter(const std::string& n) const {
    return findByName(segmenters_, n);
}

const mc::Selector* Registry::selector(const std::string& n) const {
    return findByName(selectors_, n);
}

const DatasetReader& Registry::requireReader(const std::string& n) const {
    if (auto r = reader(n)) return *r;
    throw std::invalid_argument("unknown format '" + n + "' (known: " + knownNames(readers_) + ")");
}
const Verifier& Registry::requireVerifier(const std::string& n) const {
    if (auto v = verifier(n)) return *v;
    throw std::invalid_argument("unknown verifier '" + n + "' (known: " + knownNames(verifiers_) + ")");
}
const Segmenter& Registry::requireSegmenter(const std::string& n) const {
    if (auto s = segmenter(n)) return *s;
    throw std::invalid_argument("unknown segmenter '" + n + "' (known: " + knownNames(segmenters_) + ")");
}

const mc::Selector& Registry::requireSelector(const std::string& n) const {
    if (auto s = selector(n)) return *s;
    throw std::invalid_argument("unknown selector '" + n + "' (known: " + knownNames(selectors_) + ")");
}

std::vector<const DatasetReader*> Registry::readers() const {
    return all(readers_);
}
std::vector<const Verifier*> Registry::verifiers() const {
    return all(verifiers_);
}
std::vector<const Segmenter*> Registry::segmenters() const {
    return all(segmenters_);
}
std::vector<const mc::Selector*> Registry::selectors() const {
    return all(selectors_);
}

namespace {

// A fatal signal inside a plugin's entry point jumps back here instead of ending the application.
thread_local sigjmp_buf* crashLanding = nullptr;

void onCrash(int sig) {
    if (crashLanding) siglongjmp(*crashLanding, sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

template <class T>
std::vector<std::string> namesFrom(const std::vector<std::unique_ptr<T>>& items, size_t from) {
    std::vector<std::string> out;
    for (size_t i = from; i < items.size(); ++i)
        out.push_back(items[i]->name());
    return out;
}

template <class T> void takeBack(std::vector<std::unique_ptr<T>>& items, size_t count) {
    // The objects' code may be broken: let them go without running it (the library stays loaded).
    for (size_t i = count; i < items.size(); ++i)
        (void)items[i].release();
    items.resize(count);
}

} // namespace

void Registry::describePlugin(const std::string& name, const std::string& version) {
    if (!describing_) throw std::logic_error("describePlugin() is for a plugin's entry point");
    describing_->name = name;
    describing_->version = version;
}

void Registry::registerPlugin(const std::string& name, PluginEntry entry, const std::string& file) {
    const size_t r = readers_.size(), v = verifiers_.size(), s = segmenters_.size(), c = selectors_.size();
    PluginInfo info;
    info.name = name;
    info.file = file;
    describing_ = &info;
    std::string failure;
    volatile int rc = 0; // volatile: read after a siglongjmp back into this frame
    sigjmp_buf landing;
    struct sigaction crash {
    }, old[4];
    crash.sa_handler = onCrash;
    sigemptyset(&crash.sa_mask);
    crash.sa_flags = SA_NODEFER;
    const int signals[4] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (int i = 0; i < 4; ++i)
        sigaction(signals[i], &crash, &old[i]);
    if (const int sig = sigsetjmp(landing, 1); sig != 0) {
        failure = "crashed in its entry point (signal " + std::to_string(sig) + ", " + strsignal(sig) + ")";
    } else {
        crashLanding = &landing;
        try {
            rc = entry(kPluginApiVersion, this);
        } catch (const std::exception& e) {
            failure = std::string("threw in its entry point: ") + e.what();
        } catch (...) {
            failure = "threw in its entry point";
        }
    }
    crashLanding = nullptr;
    for (int i = 0; i < 4; ++i)
        sigaction(signals[i], &old[i], nullptr);
    describing_ = nullptr;
    if (failure.empty() && rc < 0)
        failure = "was built for plugin API version " + std::to_string(-rc) +
                  "; this GPO Studio has version " + std::to_string(kPluginApiVersion) +
                  ": rebuild it against this SDK";
    else if (failure.empty() && rc != 0)
        failure = "refused to register (code " + std::to_string(rc) + ")";
    if (!failure.empty()) {
        takeBack(readers_, r);
        takeBack(verifiers_, v);
        takeBack(segmenters_, s);
        takeBack(selectors_, c);
        throw std::runtime_error("plugin " + (file.empty() ? name : file) + " " + failure);
    }
    info.readers = namesFrom(readers_, r);
    info.verifiers = namesFrom(verifiers_, v);
    info.segmenters = namesFrom(segmenters_, s);
    info.selectors = namesFrom(selectors_, c);
    plugins_.push_back(std::move(info));
}

void Registry::loadPluginLibrary(const std::string& path) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw std::runtime_error("cannot load plugin " + path + ": " + dlerror());
    auto entry = reinterpret_cast<PluginEntry>(dlsym(handle, kPluginEntryPoint));
    if (!entry) {
        dlclose(handle);
        throw std::runtime_error(path + " is not a GPO Studio plugin: it has no " + kPluginEntryPoint + "()");
    }
    libraries_.push_back(handle); // kept loaded: the registry holds objects made by its code
    registerPlugin(std::filesystem::path(path).stem().string(), entry, path);
}

std::vector<std::string> Registry::loadPluginFolders(const std::string& folders) {
    std::vector<std::string> errors;
    for (const auto& folder : text::split(folders, ':')) {
        std::error_code ec;
        if (folder.empty() || !std::filesystem::is_directory(folder, ec)) continue;
        std::vector<std::string> libs;
        for (const auto& e : std::filesystem::directory_iterator(folder, ec))
            if (e.path().extension() == ".so") libs.push_back(e.path().string());
        std::sort(libs.begin(), libs.end());
        for (const auto& lib : libs) {
            try {
                loadPluginLibrary(lib);
            } catch (const std::exception& ex) {
                errors.push_back(ex.what());
                failures_.push_back({lib, ex.what()});
            }
        }
    }
    return errors;
}

} // namespace gpo
