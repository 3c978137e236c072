#include "plugin/registry.h"

#include "util/text.h"

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

void Registry::registerPlugin(const std::string& name, PluginEntry entry) {
    const size_t r = readers_.size(), v = verifiers_.size(), s = segmenters_.size(), c = selectors_.size();
    const int rc = entry(kPluginApiVersion, this);
    if (rc != 0)
        throw std::runtime_error("plugin " + name + " refused to register (code " + std::to_string(rc) + ")");
    plugins_.push_back({name, static_cast<int>(readers_.size() - r), static_cast<int>(verifiers_.size() - v),
                        static_cast<int>(segmenters_.size() - s), static_cast<int>(selectors_.size() - c)});
}

void Registry::loadPluginLibrary(const std::string& path) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw std::runtime_error("cannot load plugin " + path + ": " + dlerror());
    auto entry = reinterpret_cast<PluginEntry>(dlsym(handle, kPluginEntryPoint));
    if (!entry) {
        dlclose(handle);
        throw std::runtime_error("plugin " + path + " has no " + kPluginEntryPoint + "()");
    }
    libraries_.push_back(handle); // kept loaded: the registry holds objects made by its code
    registerPlugin(path, entry);
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
            }
        }
    }
    return errors;
}

} // namespace gpo
