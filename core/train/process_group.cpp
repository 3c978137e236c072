#include "train/process_group.h"

#include <ATen/ATen.h>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace gpo::train {
namespace {

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

int envInt(const char* name, int fallback, int low, int high) {
    const auto v = env(name);
    if (!v) return fallback;
    try {
        size_t used = 0;
        const long x = std::stol(*v, &used);
        if (used != v->size() || x < low || x > high) throw std::out_of_range(*v);
        return static_cast<int>(x);
    } catch (const std::exception&) {
        throw std::invalid_argument("environment variable " + std::string(name) + "='" + *v +
                                    "': expected a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high));
    }
}

bool loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

} // namespace

std::optional<DistributedEnv> DistributedEnv::fromEnvironment() {
    DistributedEnv e;
    if (env("WORLD_SIZE")) {
        e.world = envInt("WORLD_SIZE", 1, 1, 1 << 20);
        e.rank = envInt("RANK", 0, 0, e.world - 1);
        e.localRank = envInt("LOCAL_RANK", e.rank, 0, e.world - 1);
        e.localWorld = envInt("LOCAL_WORLD_SIZE", e.world, 1, e.world);
    } else if (env("SLURM_NTASKS")) {
        e.world = envInt("SLURM_NTASKS", 1, 1, 1 << 20);
        e.rank = envInt("SLURM_PROCID", 0, 0, e.world - 1);
        e.localRank = envInt("SLURM_LOCALID", 0, 0, e.world - 1);
        // SLURM_NTASKS_PER_NODE may read "2(x3)": its leading number is this node's count.
        if (const auto n = env("SLURM_NTASKS_PER_NODE")) e.localWorld = std::max(1, std::atoi(n->c_str()));
    }
    if (e.world <= 1) return std::nullopt;
    if (const auto a = env("MASTER_ADDR")) e.masterAddr = *a;
    e.masterPort = envInt("MASTER_PORT", 29500, 1, 65535);
    return e;
}

struct ProcessGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    int64_t metricRound = 0;
};

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProcessGroup::~ProcessGroup() = default;

std::shared_ptr<ProcessGroup> ProcessGroup::connect(const DistributedEnv& e,
                                                    std::chrono::milliseconds timeout) {
    auto impl = std::make_unique<Impl>();
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(e.masterPort);
    so.isServer = e.rank == 0;
    so.numWorkers = static_cast<size_t>(e.world);
    so.waitWorkers = true;
    so.timeout = timeout;
    try {
        impl->store = c10::make_intrusive<c10d::TCPStore>(e.masterAddr, so);
    } catch (const std::exception& x) {
        throw std::runtime_error("rank " + std::to_string(e.rank) + " of " + std::to_string(e.world) +
                                 ": cannot reach the run's store at " + e.masterAddr + ":" +
                                 std::to_string(e.masterPort) + " (MASTER_ADDR/MASTER_PORT): " + x.what());
    }
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // GLOO_SOCKET_IFNAME names the network interface, as PyTorch reads it; on one machine, loopback.
    if (const auto ifname = env("GLOO_SOCKET_IFNAME"))
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(*ifname));
    else if (loopback(e.masterAddr))
        options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
        options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 2;
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("gloo", impl->store);
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, e.rank, e.world, options);
    return std::shared_ptr<ProcessGroup>(new ProcessGroup(std::move(impl)));
}

int ProcessGroup::rank() const {
    return impl_->group->getRank();
}
int ProcessGroup::world() const {
    return impl_->group->getSize();
}

void ProcessGroup::allReduceSum(at::Tensor& t) {
    at::Tensor host = t.device().is_cpu() ? t : t.to(at::kCPU);
    std::vector<at::Tensor> v{host};
    impl_->group->allreduce(v)->wait();
    if (!t.device().is_cpu()) t.copy_(host);
}

void ProcessGroup::averageGradients(const std::vector<at::Tensor>& parameters) {
    constexpr int64_t bucketBytes = 25 << 20;
    struct Bucket {
        std::vector<at::Tensor> params;
        at::Tensor flat;
        c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    int64_t bytes = bucketBytes;
    // Parameters of one dtype and device share a bucket; a new bucket starts past the size cap.
    for (const at::Tensor& p : parameters) {
        if (buckets.empty() || bytes >= bucketBytes ||
            buckets.back().params.front().scalar_type() != p.scalar_type() ||
            buckets.back().params.front().device() != p.device()) {
            buckets.emplace_back();
            bytes = 0;
        }
        buckets.back().params.push_back(p);
        bytes += p.numel() * static_cast<int64_t>(p.element_size());
    }
    const double scale = 1.0 / static_cast<double>(world());
    for (Bucket& b : buckets) {
        std::vector<at::Tensor> pieces;
        for (const at::Tensor& p : b.params) {
            const at::Tensor g = p.grad();
            pieces.push_back(g.defined() ? g.reshape(-1) : at::zeros({p.numel()}, p.options()));
        }
        b.flat = at::cat(pieces).to(at::kCPU).mul_(scale); // divided first: Gloo has no AVG
        std::vector<at::Tensor> v{b.flat};
        b.work = impl_->group->allreduce(v);
    }
    for (Bucket& b : buckets) {
        b.work->wait();
        int64_t offset = 0;
        for (at::Tensor& p : b.params) {
            const at::Tensor mean = b.flat.narrow(0, offset, p.numel()).view(p.sizes()).to(p.device());
            offset += p.numel();
            if (p.grad().defined())
                p.mutable_grad().copy_(mean);
            else
                p.mutable_grad() = mean.clone();
        }
    }
}

std::map<std::string, double> ProcessGroup::averageMetrics(const std::map<std::string, double>& metrics) {
    // Ranks may report different keys (a metric only some batches have): gathered through the store.
    const int64_t n = impl_->metricRound++;
    const std::string round = "metrics/" + std::to_string(n) + "/";
    const std::string mine = nlohmann::json(metrics).dump();
    impl_->store->set(round + std::to_string(rank()), std::vector<uint8_t>(mine.begin(), mine.end()));
    // Every rank has read round n-2 by now (it wrote round n-1 after reading it): drop our key of it, so
    // the store does not grow with the run.
    if (n >= 2) impl_->store->deleteKey("metrics/" + std::to_string(n - 2) + "/" + std::to_string(rank()));
    std::map<std::string, double> sum;
    std::map<std::string, int> count;
    for (int r = 0; r < world(); ++r) {
        const auto bytes = impl_->store->get(round + std::to_string(r));
        const auto j = nlohmann::json::parse(std::string(bytes.begin(), bytes.end()));
        for (const auto& [key, v] : j.items()) {
            const double x = v.is_number() ? v.get<double>() : std::nan("");
            if (!std::isfinite(x)) continue;
            sum[key] += x;
            ++count[key];
        }
    }
    std::map<std::string, double> out;
    for (const auto& [key, v] : metrics)
        out[key] = std::nan("");
    for (const auto& [key, s] : sum)
        out[key] = s / count[key];
    return out;
}

int64_t ProcessGroup::broadcast(int64_t value) {
    at::Tensor t = at::tensor({leader() ? value : int64_t(0)}, at::kLong);
    allReduceSum(t);
    return t.item<int64_t>();
}

bool ProcessGroup::any(bool flag) {
    at::Tensor t = at::tensor({flag ? int64_t(1) : int64_t(0)}, at::kLong);
    allReduceSum(t);
    return t.item<int64_t>() > 0;
}

void ProcessGroup::barrier() {
    impl_->group->barrier()->wait();
}

} // namespace gpo::train
