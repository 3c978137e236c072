#pragma once
// How a trajectory's steps are stored: with the trajectory, as packed arrays. A trajectory's steps are
// always written and read together, and one row per step made imports several times slower.
#include "data/types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gpo::stepcodec {

/// (begin, end) byte offsets as little-endian uint32 pairs.
std::string encodeOffsets(const std::vector<Step>& steps);
/// One signed byte per step (-1/0/1; 127 = no label); empty when no step has a label.
std::string encodeLabels(const std::vector<Step>& steps);
/// Inverse of the two; throws std::runtime_error when the blobs do not fit each other or the text.
std::vector<Step> decode(const std::string& offsets, const std::string& labels, size_t responseSize);

} // namespace gpo::stepcodec
