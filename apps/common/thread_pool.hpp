// A fixed set of worker threads running submitted tasks; the stream runner uses it to spread
// per-record work while it keeps the output in input order itself.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace iotops::cli {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();  // finishes queued tasks, then joins
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    // Tasks must not throw (wrap them; see run_stream).
    void submit(std::function<void()> task);

private:
    void work();
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace iotops::cli
