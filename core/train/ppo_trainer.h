#pragma once
// PPO as TRL 0.29+ runs it (trl/experimental/ppo), with the critic as a value head on the policy's own
// backbone (value_head.h). Each step samples one completion per prompt, grades it (the score), and
// computes at rollout time the old log-probs, the values and the reference's log-probs; the per-token
// reward is −kl_coef · KL (k1 or k3) with the score added at the last token; GAE gives advantages
// (whitened) and returns; then num_ppo_epochs passes over num_mini_batches shuffled mini-batches take
// one optimizer step each on pg_loss + vf_coef · vf_loss, both clipped. With GPO ("gpo": true), failed
// samples are reset at their critical step and the reset samples join the batch with their own scores.
// Seeds depend only on (seed, step, prompt position), so a resumed run equals an uninterrupted one.
#include "train/grpo_trainer.h"

namespace gpo::train {

TrainResult trainPpo(model::Policy& policy, const std::vector<OnlinePrompt>& prompts,
                     const TrainConfig& config, const OnlineTrainOptions& options);

} // namespace gpo::train
