#include "provision_order.hpp"

namespace iotops::enroll_cli {

void SerialOrder::enter(std::size_t index, const std::optional<std::string>& serial) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, patience, [&] { return next_ >= index; })) next_ = index;  // a record that never came
    if (index >= next_) next_ = index + 1;  // records register one after another, in input order
    if (serial) in_flight_.emplace(index, *serial);
    cv_.notify_all();
    if (!serial) return;
    cv_.wait(lock, [&] {
        for (const auto& [i, s] : in_flight_) {
            if (i >= index) return true;
            if (s == *serial) return false;
        }
        return true;
    });
}

void SerialOrder::leave(std::size_t index) {
    {
        std::lock_guard lock(mu_);
        in_flight_.erase(index);
    }
    cv_.notify_all();
}

}  // namespace iotops::enroll_cli
