// Records of one provisioning run that name the same serial number take effect in input order, as
// if the run were sequential, whatever --jobs: the first provisions the device and a repeat is
// refused as already provisioned (or, with --force, replaces it), never a race between the two.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace iotops::enroll_cli {

class SerialOrder {
public:
    // Registers record `index` (with its serial number, when it has one) and returns once no earlier
    // record with the same serial is in flight. Workers take records in input order, so the earlier
    // ones are already running and register first thing; one that never reaches the verb (an NDJSON
    // line over the size limit) is waited for at most `patience`.
    void enter(std::size_t index, const std::optional<std::string>& serial);
    // The record is done: later records with its serial may go on.
    void leave(std::size_t index);

    std::chrono::milliseconds patience{2000};

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::size_t next_ = 0;                          // every index below it has registered
    std::map<std::size_t, std::string> in_flight_;  // index -> serial number
};

// enter() on construction, leave() when it goes out of scope.
class SerialTurn {
public:
    SerialTurn(SerialOrder& order, std::size_t index, const std::optional<std::string>& serial)
        : order_(order), index_(index) {
        order_.enter(index, serial);
    }
    ~SerialTurn() { order_.leave(index_); }
    SerialTurn(const SerialTurn&) = delete;
    SerialTurn& operator=(const SerialTurn&) = delete;

private:
    SerialOrder& order_;
    std::size_t index_;
};

}  // namespace iotops::enroll_cli
