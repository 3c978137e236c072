#include "data/parquet/parquet_file.h"

#include "data/parquet/thrift_compact.h"
#include "util/input_error.h"

#include <cstring>
#include <fstream>
#include <snappy.h>
#include <sstream>

namespace gpo::parquet {
namespace {

enum PhysicalType {
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7
};
enum Encoding { Plain = 0, PlainDictionary = 2, Rle = 3, BitPacked = 4, RleDictionary = 8 };
enum Codec { Uncompressed = 0, Snappy = 1 };
enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

struct SchemaNode {
    std::string name;
    int type = -1;      // -1: group
    int repetition = 0; // 0 required, 1 optional, 2 repeated
    int children = 0;
};

struct PageHeader {
    int type = -1;
    int32_t uncompressedSize = 0;
    int32_t compressedSize = 0;
    int32_t numValues = 0;
    int encoding = 0;
    // v2 only
    int32_t defLength = 0;
    int32_t repLength = 0;
    bool v2Compressed = true;
};

[[noreturn]] void fail(const std::string& file, int64_t offset, const std::string& what) {
    throw InputError(file, 0, "Parquet: " + what, offset);
}

/// Reads a little-endian fixed-width value.
template <class T> T readLe(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

/// Decoder for the RLE / bit-packed hybrid encoding of levels and dictionary indices.
class RleDecoder {
public:
    RleDecoder(const uint8_t* data, size_t size, int bitWidth, const std::string& file, int64_t base)
        : p_(data), end_(data + size), width_(bitWidth), file_(file), base_(base) {}

    void decode(std::vector<int32_t>& out, size_t count) {
        while (out.size() < count) {
            if (remainingRle_ > 0) {
                const size_t n = std::min(static_cast<size_t>(remainingRle_), count - out.size());
                out.insert(out.end(), n, rleValue_);
                remainingRle_ -= static_cast<int64_t>(n);
                continue;
            }
            if (remainingPacked_ > 0) {
                out.push_back(nextPacked());
                --remainingPacked_;
                continue;
            }
            if (p_ >= end_) fail(file_, base_, "level or index data ends early");
            const uint64_t header = varint();
            if (header & 1) {
                remainingPacked_ = static_cast<int64_t>(header >> 1) * 8;
                bitPos_ = 0;
                packedStart_ = p_;
                const size_t bytes = static_cast<size_t>(header >> 1) * static_cast<size_t>(width_);
                if (bytes > static_cast<size_t>(end_ - p_))
                    fail(file_, base_, "bit-packed run past the end of its page");
                p_ += bytes;
            } else {
                remainingRle_ = static_cast<int64_t>(header >> 1);
                const int bytes = (width_ + 7) / 8;
                if (bytes > end_ - p_) fail(file_, base_, "RLE run past the end of its page");
                uint32_t v = 0;
                for (int i = 0; i < bytes; ++i)
                    v |= static_cast<uint32_t>(p_[i]) << (8 * i);
                rleValue_ = static_cast<int32_t>(v);
                p_ += bytes;
            }
        }
    }

private:
    uint64_t varint() {
        uint64_t r = 0;
        for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
            const uint8_t b = *p_++;
            r |= static_cast<uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return r;
        }
        fail(file_, base_, "bad varint in level data");
    }
    int32_t nextPacked() {
        uint32_t v = 0;
        for (int i = 0; i < width_; ++i, ++bitPos_) {
            const uint8_t b = packedStart_[bitPos_ / 8];
            v |= static_cast<uint32_t>((b >> (bitPos_ % 8)) & 1u) << i;
        }
        return static_cast<int32_t>(v);
    }

    const uint8_t* p_;
    const uint8_t* end_;
    int width_;
    const std::string& file_;
    int64_t base_;
    int64_t remainingRle_ = 0;
    int64_t remainingPacked_ = 0;
    int32_t rleValue_ = 0;
    const uint8_t* packedStart_ = nullptr;
    size_t bitPos_ = 0;
};

int bitWidth(int maxValue) {
    int w = 0;
    while ((1 << w) <= maxValue)
        ++w;
    return w;
}

/// Decodes `count` PLAIN values of `type` from [p, end).
void decodePlain(const uint8_t*& p, const uint8_t* end, int type, size_t count, std::vector<Value>& out,
                 const std::string& file, int64_t base) {
    auto need = [&](size_t n) {
        if (static_cast<size_t>(end - p) < n) fail(file, base, "values run past the end of their page");
    };
    size_t boolBit = 0;
    for (size_t i = 0; i < count; ++i) {
        switch (type) {
        case Boolean:
            need(1 + boolBit / 8 - (boolBit / 8 == 0 ? 0 : 0));
            out.emplace_back(static_cast<bool>((p[boolBit / 8] >> (boolBit % 8)) & 1));
            ++boolBit;
            if (i + 1 == count) p += (boolBit + 7) / 8;
            break;
        case Int32:
            need(4);
            out.emplace_back(static_cast<int64_t>(readLe<int32_t>(p)));
            p += 4;
            break;
        case Int64:
            need(8);
            out.emplace_back(readLe<int64_t>(p));
            p += 8;
            break;
        case Float:
            need(4);
            out.emplace_back(static_cast<double>(readLe<float>(p)));
            p += 4;
            break;
        case Double:
            need(8);
            out.emplace_back(readLe<double>(p));
            p += 8;
            break;
        case ByteArray: {
            need(4);
            const auto len = readLe<uint32_t>(p);
            p += 4;
            need(len);
            out.emplace_back(std::string(reinterpret_cast<const char*>(p), len));
            p += len;
            break;
        }
        default:
            fail(file, base, "column type " + std::to_string(type) + " is not supported");
        }
    }
}

PageHeader readPageHeader(CompactReader& r) {
    PageHeader h;
    r.beginStruct();
    int16_t id = 0;
    for (TType t; (t = r.nextField(id)) != TType::Stop;) {
        if (id == 1)
            h.type = r.readI32();
        else if (id == 2)
            h.uncompressedSize = r.readI32();
        else if (id == 3)
            h.compressedSize = r.readI32();
        else if ((id == 5 || id == 7 || id == 8) && t == TType::Struct) {
            r.beginStruct();
            int16_t sub = 0;
            for (TType st; (st = r.nextField(sub)) != TType::Stop;) {
                if (sub == 1)
                    h.numValues = r.readI32();
                else if (id != 8 && sub == 2)
                    h.encoding = r.readI32();
                else if (id == 8 && sub == 4)
                    h.encoding = r.readI32();
                else if (id == 8 && sub == 5)
                    h.defLength = r.readI32();
                else if (id == 8 && sub == 6)
                    h.repLength = r.readI32();
                else if (id == 8 && sub == 7)
                    h.v2Compressed = CompactReader::boolFromType(st);
                else
                    r.skip(st);
            }
            r.endStruct();
        } else
            r.skip(t);
    }
    r.endStruct();
    return h;
}

} // namespace

File File::open(const std::string& path) {
    File f;
    f.path_ = path;
    requireNotDirectory(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    f.bytes_ = std::move(ss).str();
    const std::string& b = f.bytes_;
    if (b.size() < 12 || b.compare(0, 4, "PAR1") != 0)
        fail(path, 0, "not a Parquet file (no PAR1 magic at the start)");
    if (b.compare(b.size() - 4, 4, "PAR1") != 0)
        fail(path, static_cast<int64_t>(b.size() - 4), "no PAR1 magic at the end (truncated file?)");
    const auto footerLen = readLe<uint32_t>(reinterpret_cast<const uint8_t*>(b.data() + b.size() - 8));
    if (footerLen > b.size() - 12)
        fail(path, static_cast<int64_t>(b.size() - 8), "footer length past the start of the file");
    const size_t footerStart = b.size() - 8 - footerLen;
    CompactReader r(reinterpret_cast<const uint8_t*>(b.data() + footerStart), footerLen, path,
                    static_cast<int64_t>(footerStart));

    std::vector<SchemaNode> schema;
    r.beginStruct();
    int16_t id = 0;
    for (TType t; (t = r.nextField(id)) != TType::Stop;) {
        if (id == 2 && t == TType::List) {
            const auto lh = r.readListHeader();
            for (int64_t i = 0; i < lh.size; ++i) {
                SchemaNode node;
                r.beginStruct();
                int16_t sid = 0;
                for (TType st; (st = r.nextField(sid)) != TType::Stop;) {
                    if (sid == 1)
                        node.type = r.readI32();
                    else if (sid == 3)
                        node.repetition = r.readI32();
                    else if (sid == 4)
                        node.name = r.readBinary();
                    else if (sid == 5)
                        node.children = r.readI32();
                    else
                        r.skip(st);
                }
                r.endStruct();
                schema.push_back(node);
            }
        } else if (id == 3) {
            f.rows_ = r.readI64();
        } else if (id == 4 && t == TType::List) {
            const auto groups = r.readListHeader();
            for (int64_t g = 0; g < groups.size; ++g) {
                std::vector<ChunkMeta> chunks;
                r.beginStruct();
                int16_t gid = 0;
                for (TType gt; (gt = r.nextField(gid)) != TType::Stop;) {
                    if (gid != 1 || gt != TType::List) {
                        r.skip(gt);
                        continue;
                    }
                    const auto cols = r.readListHeader();
                    for (int64_t c = 0; c < cols.size; ++c) {
                        ChunkMeta cm;
                        r.beginStruct();
                        int16_t cid = 0;
                        for (TType ct; (ct = r.nextField(cid)) != TType::Stop;) {
                            if (cid == 1 && ct == TType::Binary) {
                                if (!r.readBinary().empty())
                                    r.fail("column chunks in other files are not supported");
                            } else if (cid == 3 && ct == TType::Struct) {
                                r.beginStruct();
                                int16_t mid = 0;
                                for (TType mt; (mt = r.nextField(mid)) != TType::Stop;) {
                                    if (mid == 4)
                                        cm.codec = r.readI32();
                                    else if (mid == 5)
                                        cm.numValues = r.readI64();
                                    else if (mid == 7)
                                        cm.totalCompressedSize = r.readI64();
                                    else if (mid == 9)
                                        cm.dataPageOffset = r.readI64();
                                    else if (mid == 11)
                                        cm.dictionaryPageOffset = r.readI64();
                                    else
                                        r.skip(mt);
                                }
                                r.endStruct();
                            } else
                                r.skip(ct);
                        }
                        r.endStruct();
                        chunks.push_back(cm);
                    }
                }
                r.endStruct();
                f.rowGroups_.push_back(std::move(chunks));
            }
        } else {
            r.skip(t);
        }
    }
    r.endStruct();
    if (schema.empty()) fail(path, static_cast<int64_t>(footerStart), "footer has no schema");

    // Walk the schema tree (depth-first list) to find leaves with their levels.
    struct Frame {
        int remaining;
        int def;
        int rep;
        int repeatedDef;
        std::vector<std::string> path;
    };
    std::vector<Frame> stack{{schema[0].children, 0, 0, 0, {}}};
    for (size_t i = 1; i < schema.size(); ++i) {
        while (!stack.empty() && stack.back().remaining == 0)
            stack.pop_back();
        if (stack.empty()) fail(path, static_cast<int64_t>(footerStart), "schema tree is inconsistent");
        Frame& parent = stack.back();
        --parent.remaining;
        const SchemaNode& n = schema[i];
        Frame self{n.children, parent.def + (n.repetition != 0 ? 1 : 0),
                   parent.rep + (n.repetition == 2 ? 1 : 0), parent.repeatedDef, parent.path};
        if (n.repetition == 2) self.repeatedDef = self.def;
        self.path.push_back(n.name);
        if (n.children == 0) {
            f.leaves_.push_back({self.path.front(), self.path, n.type, self.def, self.rep, self.repeatedDef});
        } else {
            stack.push_back(self);
        }
    }
    for (const auto& g : f.rowGroups_)
        if (g.size() != f.leaves_.size())
            fail(path, static_cast<int64_t>(footerStart), "row group column count differs from the schema");
    return f;
}

std::vector<std::string> File::columnNames() const {
    std::vector<std::string> names;
    for (const auto& l : leaves_)
        if (names.empty() || names.back() != l.topName) names.push_back(l.topName);
    return names;
}

bool File::hasColumn(const std::string& name) const {
    for (const auto& l : leaves_)
        if (l.topName == name) return true;
    return false;
}

Column File::readColumn(const std::string& name) const {
    size_t leafIndex = leaves_.size();
    for (size_t i = 0; i < leaves_.size(); ++i) {
        if (leaves_[i].topName == name) {
            if (leafIndex != leaves_.size())
                fail(path_, -1, "column '" + name + "' has several leaves (structs are not supported)");
            leafIndex = i;
        }
    }
    if (leafIndex == leaves_.size()) fail(path_, -1, "no column named '" + name + "'");
    const Leaf& leaf = leaves_[leafIndex];
    if (leaf.maxRep > 1) fail(path_, -1, "column '" + name + "' is a nested list (not supported)");

    Column col;
    col.name = name;
    col.isList = leaf.maxRep == 1;
    const auto* base = reinterpret_cast<const uint8_t*>(bytes_.data());

    for (const auto& group : rowGroups_) {
        const ChunkMeta& cm = group[leafIndex];
        if (cm.codec != Uncompressed && cm.codec != Snappy)
            fail(path_, cm.dataPageOffset,
                 "column '" + name + "' uses compression codec " + std::to_string(cm.codec) +
                     "; only uncompressed and Snappy are supported");
        int64_t pos = cm.dictionaryPageOffset >= 0 && cm.dictionaryPageOffset < cm.dataPageOffset
                          ? cm.dictionaryPageOffset
                          : cm.dataPageOffset;
        std::vector<Value> dictionary;
        int64_t valuesSeen = 0;
        std::string scratch;
        while (valuesSeen < cm.numValues) {
            if (pos < 0 || static_cast<size_t>(pos) >= bytes_.size() - 8)
                fail(path_, pos, "page offset past the end of the file");
            CompactReader hr(base + pos, bytes_.size() - static_cast<size_t>(pos), path_, pos);
            const PageHeader h = readPageHeader(hr);
            const int64_t bodyStart = pos + static_cast<int64_t>(hr.position());
            if (h.compressedSize < 0 || bodyStart + h.compressedSize > static_cast<int64_t>(bytes_.size()))
                fail(path_, bodyStart, "page runs past the end of the file");
            const uint8_t* body = base + bodyStart;
            pos = bodyStart + h.compressedSize;

            auto decompress = [&](const uint8_t* src, size_t srcLen, size_t dstLen) -> std::string {
                if (cm.codec == Uncompressed) return std::string(reinterpret_cast<const char*>(src), srcLen);
                std::string out;
                size_t len = 0;
                if (!snappy::GetUncompressedLength(reinterpret_cast<const char*>(src), srcLen, &len) ||
                    len != dstLen || !snappy::Uncompress(reinterpret_cast<const char*>(src), srcLen, &out))
                    fail(path_, bodyStart, "corrupt Snappy page");
                return out;
            };

            if (h.type == DictionaryPage) {
                scratch = decompress(body, static_cast<size_t>(h.compressedSize),
                                     static_cast<size_t>(h.uncompressedSize));
                const auto* p = reinterpret_cast<const uint8_t*>(scratch.data());
                dictionary.clear();
                decodePlain(p, p + scratch.size(), leaf.physicalType, static_cast<size_t>(h.numValues),
                            dictionary, path_, bodyStart);
                continue;
            }
            if (h.type != DataPage && h.type != DataPageV2) continue; // index pages carry no values

            // Levels, then values.
            std::vector<int32_t> reps, defs;
            const uint8_t* p = nullptr;
            const uint8_t* end = nullptr;
            const size_t n = static_cast<size_t>(h.numValues);
            if (h.type == DataPage) {
                scratch = decompress(body, static_cast<size_t>(h.compressedSize),
                                     static_cast<size_t>(h.uncompressedSize));
                p = reinterpret_cast<const uint8_t*>(scratch.data());
                end = p + scratch.size();
                auto levels = [&](int maxLevel, std::vector<int32_t>& out) {
                    if (maxLevel == 0) return;
                    if (end - p < 4) fail(path_, bodyStart, "level length past the end of the page");
                    const auto len = readLe<uint32_t>(p);
                    p += 4;
                    if (len > static_cast<size_t>(end - p))
                        fail(path_, bodyStart, "levels run past the end of the page");
                    RleDecoder(p, len, bitWidth(maxLevel), path_, bodyStart).decode(out, n);
                    p += len;
                };
                levels(leaf.maxRep, reps);
                levels(leaf.maxDef, defs);
            } else {
                const size_t levelBytes = static_cast<size_t>(h.repLength) + static_cast<size_t>(h.defLength);
                if (h.repLength < 0 || h.defLength < 0 || levelBytes > static_cast<size_t>(h.compressedSize))
                    fail(path_, bodyStart, "v2 level lengths exceed the page");
                if (leaf.maxRep > 0)
                    RleDecoder(body, static_cast<size_t>(h.repLength), bitWidth(leaf.maxRep), path_,
                               bodyStart)
                        .decode(reps, n);
                if (leaf.maxDef > 0)
                    RleDecoder(body + h.repLength, static_cast<size_t>(h.defLength), bitWidth(leaf.maxDef),
                               path_, bodyStart)
                        .decode(defs, n);
                const uint8_t* valuesStart = body + levelBytes;
                const size_t compressedValues = static_cast<size_t>(h.compressedSize) - levelBytes;
                const size_t rawValues = static_cast<size_t>(h.uncompressedSize) - levelBytes;
                scratch = h.v2Compressed
                              ? decompress(valuesStart, compressedValues, rawValues)
                              : std::string(reinterpret_cast<const char*>(valuesStart), compressedValues);
                p = reinterpret_cast<const uint8_t*>(scratch.data());
                end = p + scratch.size();
            }
            size_t present = n;
            if (leaf.maxDef > 0) {
                present = 0;
                for (int32_t d : defs)
                    present += d == leaf.maxDef ? 1 : 0;
            }
            std::vector<Value> values;
            values.reserve(present);
            if (h.encoding == Plain) {
                decodePlain(p, end, leaf.physicalType, present, values, path_, bodyStart);
            } else if (h.encoding == PlainDictionary || h.encoding == RleDictionary) {
                if (p >= end) fail(path_, bodyStart, "dictionary-encoded page has no bit width");
                const int width = *p++;
                if (width > 32)
                    fail(path_, bodyStart,
                         "dictionary index bit width " + std::to_string(width) + " is invalid");
                std::vector<int32_t> idx;
                idx.reserve(present);
                RleDecoder(p, static_cast<size_t>(end - p), width, path_, bodyStart).decode(idx, present);
                for (int32_t k : idx) {
                    if (k < 0 || static_cast<size_t>(k) >= dictionary.size())
                        fail(path_, bodyStart, "dictionary index " + std::to_string(k) + " out of range");
                    values.push_back(dictionary[static_cast<size_t>(k)]);
                }
            } else {
                fail(path_, bodyStart,
                     "column '" + name + "' uses value encoding " + std::to_string(h.encoding) +
                         "; only PLAIN and dictionary encodings are supported");
            }

            // Assemble rows.
            size_t v = 0;
            for (size_t i = 0; i < n; ++i) {
                const int32_t def = leaf.maxDef > 0 ? defs[i] : 0;
                const bool isValue = def == leaf.maxDef;
                if (!col.isList) {
                    col.rows.push_back({isValue ? values[v++] : Value{}});
                    continue;
                }
                if (reps[i] == 0) col.rows.emplace_back();
                if (col.rows.empty()) fail(path_, bodyStart, "list data starts inside a row");
                if (isValue)
                    col.rows.back().push_back(values[v++]);
                else if (def >= leaf.repeatedDef)
                    col.rows.back().emplace_back(); // a null element
                // def below the repeated level: an empty or null list; the row stays empty.
            }
            valuesSeen += h.numValues;
        }
    }
    if (static_cast<int64_t>(col.rows.size()) != rows_)
        fail(path_, -1,
             "column '" + name + "' has " + std::to_string(col.rows.size()) + " rows, the footer says " +
                 std::to_string(rows_));
    return col;
}

} // namespace gpo::parquet
