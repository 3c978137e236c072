#pragma once
// A reader for Thrift's compact protocol, the encoding of Parquet's footer and page headers.
#include <cstdint>
#include <string>

namespace gpo::parquet {

enum class TType : uint8_t {
    Stop = 0,
    True = 1,
    False = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12
};

struct ListHeader {
    TType elementType;
    int64_t size;
};

class CompactReader {
public:
    /// `file` and `base` (the byte offset of data[0] in the file) are for error messages.
    CompactReader(const uint8_t* data, size_t size, std::string file, int64_t base);

    /// Next field of the current struct; `id` is set, Stop ends the struct. Call beginStruct/endStruct
    /// around.
    TType nextField(int16_t& id);
    void beginStruct();
    void endStruct();

    int64_t readVarint();
    int64_t readZigzag();
    int32_t readI32() { return static_cast<int32_t>(readZigzag()); }
    int64_t readI64() { return readZigzag(); }
    double readDouble();
    std::string readBinary();
    /// A struct field's boolean lives in its type; a list element's in one byte.
    static bool boolFromType(TType t) { return t == TType::True; }
    bool readListBool();
    ListHeader readListHeader();
    void skip(TType type);

    size_t position() const { return pos_; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    uint8_t byte();
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
    std::string file_;
    int64_t base_;
    int16_t lastField_ = 0;
    int16_t fieldStack_[64] = {};
    int depth_ = 0;
};

} // namespace gpo::parquet
