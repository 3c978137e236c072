#pragma once
// The dataset reader interface: every format, built-in or from a plugin, is read through it.
#include "data/segmenter.h"
#include "data/types.h"
#include "util/input_error.h"

#include <functional>
#include <string>
#include <vector>

namespace gpo {

struct ReadContext {
    const Segmenter* segmenter = nullptr; ///< splits a response given as one text (never null when reading)
    SegmentOptions segment;
    bool skipBad = false; ///< record bad records in the report and go on, instead of failing
    /// A JSON Lines line longer than this is refused (it is not a record, and would exhaust memory).
    size_t maxLineBytes = size_t{256} << 20;
};

struct ReadReport {
    int64_t records = 0;
    std::vector<InputError> skipped;
};

/// A record as read, plus the dataset it names for itself (generic JSONL's `dataset` field).
struct ReadRecord {
    Record record;
    std::string dataset; ///< empty: the import's dataset
};

using RecordSink = std::function<void(ReadRecord&&)>;

class DatasetReader {
public:
    virtual ~DatasetReader() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// The verifier for this format's problems unless a record names its own.
    virtual std::string defaultVerifier() const = 0;
    /// The file name endings of this format, which a folder given to import is searched for.
    virtual std::vector<std::string> fileExtensions() const { return {".jsonl", ".json"}; }
    /// True when read() takes a folder itself (MATH's <split>/<subject>/<n>.json tree).
    virtual bool readsFolders() const { return false; }
    /// A few-shot split this file holds ("dev", "val", "validation"), whose problems import into a dataset
    /// of their own ("mmlu-dev"), so that they never mix with test problems; empty for none.
    virtual std::string fewShotSplit(const std::string& /*path*/) const { return {}; }
    /// Reads a file (or, where the format has one, a folder); calls `sink` for each record. Throws
    /// InputError on the first bad record unless ctx.skipBad, when it lists it in `report` and goes on.
    virtual void read(const std::string& path, const ReadContext& ctx, const RecordSink& sink,
                      ReadReport& report) const = 0;
};

/// Thrown by record converters for a wrong or missing field; the caller adds file and line.
class FieldError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Runs `convert` on one record; a FieldError or InputError becomes a skip (ctx.skipBad) or an InputError.
void guardRecord(const std::string& file, int64_t line, const ReadContext& ctx, ReadReport& report,
                 const std::function<void()>& convert);

} // namespace gpo
