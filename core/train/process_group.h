#pragma once
// Data-parallel training across processes, on LibTorch's own distributed engine: a c10d TCPStore for
// rendezvous and a Gloo process group for the collectives (CPU tensors; CUDA tensors are staged through
// the host). A run with W ranks reads each global batch as W slices, averages the gradients over the
// ranks before every optimizer step, and averages the logged metrics; rank 0 alone writes.
#include <ATen/core/Tensor.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gpo::train {

/// Where this process stands in a multi-process run, as torchrun and Slurm tell it.
struct DistributedEnv {
    int rank = 0, world = 1, localRank = 0, localWorld = 1;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    /// RANK / WORLD_SIZE / LOCAL_RANK / LOCAL_WORLD_SIZE / MASTER_ADDR / MASTER_PORT (torchrun's), else
    /// SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID / SLURM_NTASKS_PER_NODE; nullopt for one process.
    /// Throws naming the variable when one is not a number or out of range.
    static std::optional<DistributedEnv> fromEnvironment();
};

class ProcessGroup {
public:
    /// Joins the run's other ranks (rank 0 serves the store); waits up to `timeout` for all of them.
    static std::shared_ptr<ProcessGroup> connect(const DistributedEnv& env,
                                                 std::chrono::milliseconds timeout);
    ~ProcessGroup();

    int rank() const;
    int world() const;
    bool leader() const { return rank() == 0; }

    /// Sums `t` over the ranks, in place.
    void allReduceSum(at::Tensor& t);
    /// Replaces each parameter's gradient by its mean over the ranks: flattened into buckets of about
    /// 25 MB (as DDP buckets them), all of them in flight at once. A missing gradient counts as zeros.
    void averageGradients(const std::vector<at::Tensor>& parameters);
    /// The mean of each metric over the ranks that report it (NaNs left out, as TRL's logging does).
    std::map<std::string, double> averageMetrics(const std::map<std::string, double>& metrics);
    /// Rank 0's value, on every rank.
    int64_t broadcast(int64_t value);
    /// Whether any rank says true (a stop asked of one rank stops all of them at the same step).
    bool any(bool flag);
    void barrier();

private:
    struct Impl;
    explicit ProcessGroup(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace gpo::train
