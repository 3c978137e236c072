#include "model/safetensors.h"

#include "util/input_error.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gpo::model {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20; // the reference implementation's limit

struct DTypeEntry {
    DType dtype;
    const char* name;
    size_t size;
};
constexpr DTypeEntry kDTypes[] = {{DType::F32, "F32", 4},  {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
                                  {DType::F64, "F64", 8},  {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
                                  {DType::I16, "I16", 2},  {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
                                  {DType::Bool, "BOOL", 1}};

const DTypeEntry* entryByName(const std::string& name) {
    for (const auto& e : kDTypes)
        if (name == e.name) return &e;
    return nullptr;
}

} // namespace

static uint64_t tensorBytes(const TensorToWrite& t) {
    uint64_t bytes = dtypeSize(t.dtype);
    for (int64_t s : t.shape)
        bytes *= static_cast<uint64_t>(s);
    return bytes;
}

const char* dtypeName(DType d) {
    for (const auto& e : kDTypes)
        if (e.dtype == d) return e.name;
    return "?";
}

size_t dtypeSize(DType d) {
    for (const auto& e : kDTypes)
        if (e.dtype == d) return e.size;
    return 0;
}

int64_t TensorInfo::numel() const {
    int64_t n = 1;
    for (int64_t s : shape)
        n *= s;
    return n;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw InputError(path, 0, "not a regular file");
    }
    mapSize_ = static_cast<size_t>(st.st_size);
    if (mapSize_ < 8) {
        ::close(fd);
        throw InputError(
            path, 0,
            "truncated: " + std::to_string(mapSize_) + " bytes, shorter than the 8-byte header length", 0);
    }
    map_ = ::mmap(nullptr, mapSize_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw InputError(path, 0, std::string("cannot map: ") + std::strerror(errno));
    }
    try {
        const auto* bytes = static_cast<const uint8_t*>(map_);
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i)
            headerLen = (headerLen << 8) | bytes[i];
        if (headerLen > kMaxHeaderBytes)
            throw InputError(
                path, 0, "header length " + std::to_string(headerLen) + " is implausible (over 100 MiB)", 0);
        if (8 + headerLen > mapSize_)
            throw InputError(path, 0,
                             "header length " + std::to_string(headerLen) +
                                 " runs past the end of the file (" + std::to_string(mapSize_) +
                                 " bytes): truncated?",
                             0);
        nlohmann::json header;
        try {
            header = nlohmann::json::parse(reinterpret_cast<const char*>(bytes + 8),
                                           reinterpret_cast<const char*>(bytes + 8 + headerLen));
        } catch (const nlohmann::json::parse_error& e) {
            throw InputError(path, 0, std::string("header is not valid JSON: ") + e.what(),
                             8 + static_cast<int64_t>(e.byte));
        }
        if (!header.is_object()) throw InputError(path, 0, "header is not a JSON object", 8);
        dataStart_ = bytes + 8 + headerLen;
        const uint64_t dataSize = mapSize_ - 8 - headerLen;
        for (auto it = header.begin(); it != header.end(); ++it) {
            const std::string& name = it.key();
            const nlohmann::json& v = it.value();
            if (name == "__metadata__") {
                if (v.is_object())
                    for (auto m = v.begin(); m != v.end(); ++m)
                        if (m.value().is_string()) metadata_[m.key()] = m.value().get<std::string>();
                continue;
            }
            auto bad = [&](const std::string& why) {
                return InputError(path, 0, "tensor '" + name + "': " + why, 8);
            };
            if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
                throw bad("needs dtype, shape and data_offsets");
            const DTypeEntry* dt =
                v["dtype"].is_string() ? entryByName(v["dtype"].get<std::string>()) : nullptr;
            if (!dt) throw bad("unsupported dtype " + v["dtype"].dump());
            TensorInfo info;
            info.name = name;
            info.dtype = dt->dtype;
            if (!v["shape"].is_array()) throw bad("shape is not a list");
            for (const auto& s : v["shape"]) {
                if (!s.is_number_unsigned()) throw bad("shape holds " + s.dump());
                info.shape.push_back(s.get<int64_t>());
            }
            const auto& off = v["data_offsets"];
            if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
                !off[1].is_number_unsigned())
                throw bad("data_offsets must be [begin, end]");
            info.begin = off[0].get<uint64_t>();
            info.end = off[1].get<uint64_t>();
            if (info.begin > info.end || info.end > dataSize)
                throw bad("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                          "] lie outside the " + std::to_string(dataSize) + "-byte data section");
            if (info.end - info.begin != static_cast<uint64_t>(info.numel()) * dt->size)
                throw bad("holds " + std::to_string(info.end - info.begin) +
                          " bytes but shape and dtype need " +
                          std::to_string(static_cast<uint64_t>(info.numel()) * dt->size));
            byName_[name] = tensors_.size();
            tensors_.push_back(std::move(info));
        }
        // Tensors may not overlap.
        std::vector<const TensorInfo*> sorted;
        for (const auto& t : tensors_)
            sorted.push_back(&t);
        std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
        for (size_t i = 1; i < sorted.size(); ++i)
            if (sorted[i]->begin < sorted[i - 1]->end && sorted[i]->begin != sorted[i]->end)
                throw InputError(
                    path, 0, "tensors '" + sorted[i - 1]->name + "' and '" + sorted[i]->name + "' overlap",
                    8);
    } catch (...) {
        ::munmap(map_, mapSize_);
        map_ = nullptr;
        throw;
    }
}

SafetensorsFile::~SafetensorsFile() {
    if (map_) ::munmap(map_, mapSize_);
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : &tensors_[it->second];
}

void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        const uint64_t bytes = tensorBytes(t);
        header[t.name] = {
            {"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8,
                ' '); // keeps the data 8-byte aligned, as the reference writer does
    const std::string tmp = path + ".partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw InputError(path, 0, "cannot write: " + std::string(std::strerror(errno)));
        uint8_t len[8];
        for (int i = 0; i < 8; ++i)
            len[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
        out.write(reinterpret_cast<const char*>(len), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        // Data in the order the offsets were assigned (the header's key order does not matter).
        for (const auto& t : tensors) {
            out.write(static_cast<const char*>(t.data), static_cast<std::streamsize>(tensorBytes(t)));
        }
        out.flush();
        if (!out) {
            std::filesystem::remove(tmp);
            throw InputError(path, 0, "write failed (disk full?)");
        }
    }
    std::filesystem::rename(tmp, path);
}

} // namespace gpo::model
