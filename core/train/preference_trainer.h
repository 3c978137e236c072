#pragma once
// The offline trainer: DPO (and IPO and the other DPO loss types), KTO, SimPO and ORPO on preference
// pairs, with gradient accumulation, on the shared step loop (train_loop.h: AdamW, schedules, clipping,
// checkpoints, evaluation, exact resume). The data order is a function of (seed, epoch) alone, so a
// resumed run reads exactly what an uninterrupted one does.
#include "store/pairs.h"
#include "train/train_loop.h"

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpo::model {
class Policy;
}

namespace gpo::train {

/// Trains `policy` in place on `pairs`; the final weights are in `policy` and in outDir/final.
TrainResult trainOnPreferences(model::Policy& policy, const std::vector<PreferencePair>& pairs,
                               const TrainConfig& config, const TrainerOptions& options);

} // namespace gpo::train
