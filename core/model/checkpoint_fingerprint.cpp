#include "model/checkpoint_fingerprint.h"

#include "util/hash.h"
#include "util/input_error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace gpo::model {
namespace {

constexpr std::streamsize kEdge = 1 << 20;

std::string readRange(const std::filesystem::path& file, std::streamoff offset, std::streamsize size) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(file.string(), 0, "cannot open for reading");
    in.seekg(offset);
    std::string bytes(static_cast<size_t>(size), '\0');
    in.read(bytes.data(), size);
    bytes.resize(static_cast<size_t>(in.gcount()));
    return bytes;
}

} // namespace

std::string checkpointFingerprint(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> weights;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".safetensors") weights.push_back(e.path());
    if (ec) throw InputError(dir, 0, "cannot list the checkpoint folder: " + ec.message());
    std::sort(weights.begin(), weights.end());
    std::string material;
    const fs::path config = fs::path(dir) / "config.json";
    if (fs::exists(config)) material += readRange(config, 0, 1 << 24);
    for (const auto& w : weights) {
        const auto size = static_cast<std::streamoff>(fs::file_size(w));
        material += w.filename().string() + '\x1f' + std::to_string(size) + '\x1f';
        material += readRange(w, 0, std::min<std::streamsize>(size, kEdge));
        if (size > kEdge) material += readRange(w, std::max<std::streamoff>(kEdge, size - kEdge), kEdge);
    }
    return hexPrefix(contentHash({material}));
}

} // namespace gpo::model
