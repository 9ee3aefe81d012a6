// Servers that stop cleanly on SIGINT and SIGTERM.
#pragma once
#include <functional>

namespace iotops {

// Runs serve() until it returns. SIGINT or SIGTERM call stop(), which must make serve() return.
// The signals are blocked on the calling thread first, so threads serve() starts inherit the
// block and only the watcher thread receives them; the old mask is restored afterwards.
void serve_until_signal(const std::function<void()>& serve, const std::function<void()>& stop);

}  // namespace iotops
