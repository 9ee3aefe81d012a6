#include "iotops/core/signals.hpp"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <thread>

namespace iotops {

void serve_until_signal(const std::function<void()>& serve, const std::function<void()>& stop) {
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    std::thread watcher([&stop, set] {
        int sig = 0;
        sigwait(&set, &sig);
        stop();
    });
    struct Restore {
        std::thread& watcher;
        sigset_t old;
        ~Restore() {
            // Wake the watcher when serve() ended for another reason than a signal.
            pthread_kill(watcher.native_handle(), SIGTERM);
            watcher.join();
            // A second SIGINT or SIGTERM that came while stopping (`timeout` signals the whole
            // process group, for one) asked for what has happened: take it off the pending set,
            // or unblocking would let it kill the process with a signal's exit status.
            sigset_t stop_signals;
            sigemptyset(&stop_signals);
            sigaddset(&stop_signals, SIGINT);
            sigaddset(&stop_signals, SIGTERM);
            timespec none{0, 0};
            while (sigtimedwait(&stop_signals, nullptr, &none) > 0) {
            }
            pthread_sigmask(SIG_SETMASK, &old, nullptr);
        }
    } restore{watcher, old};
    serve();
}

}  // namespace iotops
