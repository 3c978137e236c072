#pragma once
// A bounded hand-off of read records from the reading thread to the storing thread, in batches.
#include "data/reader.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace gpo {

class RecordQueue {
public:
    explicit RecordQueue(size_t maxBatches = 8) : maxBatches_(maxBatches) {}

    /// Blocks while full; returns false when the consumer has stopped.
    bool push(std::vector<ReadRecord>&& batch) {
        std::unique_lock lock(mutex_);
        notFull_.wait(lock, [&] { return batches_.size() < maxBatches_ || stopped_; });
        if (stopped_) return false;
        batches_.push_back(std::move(batch));
        notEmpty_.notify_one();
        return true;
    }
    /// Blocks until a batch or the end; nullopt at the end.
    std::optional<std::vector<ReadRecord>> pop() {
        std::unique_lock lock(mutex_);
        notEmpty_.wait(lock, [&] { return !batches_.empty() || finished_; });
        if (batches_.empty()) return std::nullopt;
        auto b = std::move(batches_.front());
        batches_.pop_front();
        notFull_.notify_one();
        return b;
    }
    /// The producer is done.
    void finish() {
        std::lock_guard lock(mutex_);
        finished_ = true;
        notEmpty_.notify_all();
    }
    /// The consumer gives up; a blocked producer wakes and stops.
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        notFull_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<std::vector<ReadRecord>> batches_;
    size_t maxBatches_;
    bool finished_ = false, stopped_ = false;
};

} // namespace gpo
