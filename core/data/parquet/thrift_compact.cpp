#include "data/parquet/thrift_compact.h"

#include "util/input_error.h"

#include <cstring>

namespace gpo::parquet {

CompactReader::CompactReader(const uint8_t* data, size_t size, std::string file, int64_t base)
    : data_(data), size_(size), file_(std::move(file)), base_(base) {}

void CompactReader::fail(const std::string& what) const {
    throw InputError(file_, 0, "Parquet metadata: " + what, base_ + static_cast<int64_t>(pos_));
}

uint8_t CompactReader::byte() {
    if (pos_ >= size_) fail("unexpected end of metadata");
    return data_[pos_++];
}

int64_t CompactReader::readVarint() {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const uint8_t b = byte();
        result |= static_cast<uint64_t>(b & 0x7F) << shift;
        if (!(b & 0x80)) return static_cast<int64_t>(result);
    }
    fail("varint longer than 10 bytes");
}

int64_t CompactReader::readZigzag() {
    const auto u = static_cast<uint64_t>(readVarint());
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

double CompactReader::readDouble() {
    if (pos_ + 8 > size_) fail("unexpected end of metadata");
    double d;
    std::memcpy(&d, data_ + pos_, 8);
    pos_ += 8;
    return d;
}

std::string CompactReader::readBinary() {
    const int64_t len = readVarint();
    if (len < 0 || static_cast<size_t>(len) > size_ - pos_) fail("string length past the end of metadata");
    std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
}

bool CompactReader::readListBool() {
    return byte() == 1;
}

ListHeader CompactReader::readListHeader() {
    const uint8_t b = byte();
    int64_t size = b >> 4;
    if (size == 15) size = readVarint();
    if (size < 0 || size > static_cast<int64_t>(size_)) fail("list size out of range");
    return {static_cast<TType>(b & 0x0F), size};
}

void CompactReader::beginStruct() {
    if (depth_ >= 63) fail("structs nested too deep");
    fieldStack_[depth_++] = lastField_;
    lastField_ = 0;
}

void CompactReader::endStruct() {
    lastField_ = fieldStack_[--depth_];
}

TType CompactReader::nextField(int16_t& id) {
    const uint8_t b = byte();
    const auto type = static_cast<TType>(b & 0x0F);
    if (type == TType::Stop) return type;
    const int delta = b >> 4;
    id = delta ? static_cast<int16_t>(lastField_ + delta) : static_cast<int16_t>(readZigzag());
    lastField_ = id;
    if (static_cast<uint8_t>(type) > 12) fail("unknown field type " + std::to_string(static_cast<int>(type)));
    return type;
}

void CompactReader::skip(TType type) {
    switch (type) {
    case TType::True:
    case TType::False:
    case TType::Stop:
        return;
    case TType::Byte:
        byte();
        return;
    case TType::I16:
    case TType::I32:
    case TType::I64:
        readVarint();
        return;
    case TType::Double:
        readDouble();
        return;
    case TType::Binary:
        readBinary();
        return;
    case TType::List:
    case TType::Set: {
        const auto h = readListHeader();
        for (int64_t i = 0; i < h.size; ++i) {
            if (h.elementType == TType::True || h.elementType == TType::False)
                byte();
            else
                skip(h.elementType);
        }
        return;
    }
    case TType::Map: {
        const int64_t n = readVarint();
        if (n == 0) return;
        const uint8_t kv = byte();
        for (int64_t i = 0; i < n; ++i) {
            skip(static_cast<TType>(kv >> 4));
            skip(static_cast<TType>(kv & 0x0F));
        }
        return;
    }
    case TType::Struct: {
        beginStruct();
        int16_t id = 0;
        for (TType t; (t = nextField(id)) != TType::Stop;)
            skip(t);
        endStruct();
        return;
    }
    }
    fail("unknown type");
}

} // namespace gpo::parquet
