#pragma once
// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping
// each tensor name to {dtype, shape, data_offsets}, then the raw data. Read by memory-mapping, validated
// before any byte is trusted; written atomically (temporary file + rename).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gpo::model {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

const char* dtypeName(DType d); // "F32", "BF16", ... as the format spells them
size_t dtypeSize(DType d);

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0, end = 0; // byte range within the data section
    int64_t numel() const;
};

class SafetensorsFile {
public:
    /// Maps `path` and checks its header; throws InputError naming the file, the byte offset and the cause.
    explicit SafetensorsFile(const std::string& path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return path_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find(const std::string& name) const;
    /// The first byte of a tensor's data (valid while this object lives).
    const uint8_t* data(const TensorInfo& t) const { return dataStart_ + t.begin; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

private:
    std::string path_;
    void* map_ = nullptr;
    size_t mapSize_ = 0;
    const uint8_t* dataStart_ = nullptr;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t> byName_;
    std::map<std::string, std::string> metadata_;
};

struct TensorToWrite {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr; // numel * dtypeSize bytes, little-endian
};

/// Writes a safetensors file that Hugging Face tools read; replaces `path` only once fully written.
void writeSafetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace gpo::model
