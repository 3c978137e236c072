#pragma once
// A small Apache Parquet reader: the column types, encodings and codecs that dataset exports use
// (INT32/INT64/FLOAT/DOUBLE/BOOLEAN/BYTE_ARRAY; PLAIN and dictionary encoding; data pages v1 and v2;
// uncompressed or Snappy), flat columns and LISTs of primitives.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gpo::parquet {

using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

/// One top-level column: for a flat column each row holds one value (monostate for null); for a LIST
/// column each row holds the list's elements.
struct Column {
    std::string name;
    bool isList = false;
    std::vector<std::vector<Value>> rows;
};

class File {
public:
    /// Reads and checks the file's footer; throws InputError naming the file and byte offset.
    static File open(const std::string& path);

    int64_t rowCount() const { return rows_; }
    /// Names of the top-level columns.
    std::vector<std::string> columnNames() const;
    bool hasColumn(const std::string& name) const;
    Column readColumn(const std::string& name) const;

    struct Leaf {
        std::string topName;
        std::vector<std::string> path;
        int physicalType = 0;
        int maxDef = 0;
        int maxRep = 0;
        int repeatedDef = 0; ///< definition level at which the repeated ancestor holds an element
    };
    struct ChunkMeta {
        int codec = 0;
        int64_t numValues = 0;
        int64_t dataPageOffset = 0;
        int64_t dictionaryPageOffset = -1;
        int64_t totalCompressedSize = 0;
    };

private:
    std::string path_;
    std::string bytes_;
    int64_t rows_ = 0;
    std::vector<Leaf> leaves_;
    std::vector<std::vector<ChunkMeta>> rowGroups_; // [row group][leaf]
};

} // namespace gpo::parquet
