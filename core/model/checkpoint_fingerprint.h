#pragma once
// A short fingerprint of a checkpoint folder's weights, so that rollouts drawn from one set of weights
// are never reused for another (a policy retrained in the same folder gets a new fingerprint).
#include <string>

namespace gpo::model {

/// Hex digest over config.json and, for every *.safetensors file, its size and its first and last MiB
/// (the header, and tensors at both ends of the file). Throws InputError when the folder cannot be read.
std::string checkpointFingerprint(const std::string& dir);

} // namespace gpo::model
