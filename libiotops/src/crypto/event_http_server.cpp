#include "iotops/crypto/event_http_server.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "iotops/core/signals.hpp"
#include "iotops/crypto/http_request_stream.hpp"

namespace iotops::crypto {

namespace {

struct Fd {
    int fd = -1;
    explicit Fd(int f = -1) : fd(f) {}
    Fd(Fd&& o) noexcept : fd(o.fd) { o.fd = -1; }
    Fd& operator=(Fd&& o) noexcept {
        std::swap(fd, o.fd);
        return *this;
    }
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

struct Connection {
    Fd socket;
    HttpRequestStream stream;
    std::string out;        // answers not yet written
    std::size_t sent = 0;   // of out
    std::time_t last = 0;   // last read or write, for the idle timeout
    bool waiting = false;   // watched for writability, not readability, until out is written
    Connection(int fd, std::size_t max_body) : socket(fd), stream(max_body) {}
};

std::string address_of(const sockaddr_storage& a) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
    else if (a.ss_family == AF_INET6) inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
    return buf;
}

// One thread's event loop: its own listening socket on the shared port, its connections, and an
// eventfd that stop() writes to. Level-triggered: a connection is read when readable and, only
// while an answer is left unwritten, watched for writability instead.
class Loop {
public:
    Loop(Fd listener, const EventServerOptions& options, const ServerHandler& handler)
        : listener_(std::move(listener)), epoll_(epoll_create1(EPOLL_CLOEXEC)),
          wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), options_(options), handler_(handler) {
        if (epoll_.fd < 0 || wake_.fd < 0) throw Error(ErrorKind::io, std::string("epoll: ") + std::strerror(errno));
        watch(listener_.fd, EPOLLIN, &listener_, EPOLL_CTL_ADD);
        watch(wake_.fd, EPOLLIN, &wake_, EPOLL_CTL_ADD);
    }

    void stop() {
        std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake_.fd, &one, sizeof one);
    }

    void run() {
        epoll_event events[256];
        std::time_t swept = std::time(nullptr);
        for (;;) {
            int n = epoll_wait(epoll_.fd, events, 256, 1000);
            if (n < 0 && errno != EINTR) return;  // cannot happen with a valid epoll descriptor
            std::time_t now = std::time(nullptr);
            for (int i = 0; i < n; ++i) {
                void* tag = events[i].data.ptr;
                if (tag == &wake_) return;
                if (tag == &listener_) accept_all(now);
                else serve(*static_cast<Connection*>(tag), events[i].events, now);
            }
            if (now != swept) {
                sweep(now);
                swept = now;
            }
        }
    }

private:
    void watch(int fd, std::uint32_t events, void* tag, int op) {
        epoll_event ev{};
        ev.events = events;
        ev.data.ptr = tag;
        epoll_ctl(epoll_.fd, op, fd, &ev);
    }

    void accept_all(std::time_t now) {
        for (;;) {
            sockaddr_storage peer{};
            socklen_t len = sizeof peer;
            int fd = accept4(listener_.fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                // Out of descriptors: stop accepting until the next sweep rather than spin on it.
                if (errno == EMFILE || errno == ENFILE) {
                    watch(listener_.fd, 0, &listener_, EPOLL_CTL_MOD);
                    accept_paused_ = true;
                }
                return;
            }
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto c = std::make_unique<Connection>(fd, options_.max_body);
            c->stream.set_remote_address(address_of(peer));
            c->last = now;
            watch(fd, EPOLLIN, c.get(), EPOLL_CTL_ADD);
            connections_.emplace(c.get(), std::move(c));
        }
    }

    void serve(Connection& c, std::uint32_t events, std::time_t now) {
        c.last = now;
        if (events & (EPOLLERR | EPOLLHUP)) return close(c);
        if (!c.waiting) {
            char buf[16384];
            for (;;) {
                ssize_t n = ::read(c.socket.fd, buf, sizeof buf);
                if (n > 0) {
                    c.stream.feed(ByteView(reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n)),
                                  handler_, c.out);
                    if (static_cast<std::size_t>(n) == sizeof buf && !c.stream.closing()) continue;
                    break;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
                return close(c);  // the peer closed or the connection failed
            }
        }
        flush(c);
    }

    void flush(Connection& c) {
        while (c.sent < c.out.size()) {
            ssize_t n = ::send(c.socket.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {  // the peer reads slowly: read no more until it has this
                if (!c.waiting) watch(c.socket.fd, EPOLLOUT, &c, EPOLL_CTL_MOD);
                c.waiting = true;
                return;
            }
            if (n <= 0) return close(c);
            c.sent += static_cast<std::size_t>(n);
        }
        c.out.clear();
        c.sent = 0;
        if (c.stream.closing()) return close(c);
        if (c.waiting) watch(c.socket.fd, EPOLLIN, &c, EPOLL_CTL_MOD);
        c.waiting = false;
    }

    void close(Connection& c) { connections_.erase(&c); }

    void sweep(std::time_t now) {
        for (auto it = connections_.begin(); it != connections_.end();)
            it = now - it->second->last > options_.timeout_seconds ? connections_.erase(it) : std::next(it);
        if (accept_paused_) {
            watch(listener_.fd, EPOLLIN, &listener_, EPOLL_CTL_MOD);
            accept_paused_ = false;
        }
    }

    Fd listener_, epoll_, wake_;
    const EventServerOptions& options_;
    const ServerHandler& handler_;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
    bool accept_paused_ = false;
};

// Sockets bound to host:port, one per loop, sharing the port (SO_REUSEPORT) so the kernel spreads
// connections over the loops. `bound` gets the port, which the kernel chooses for port 0.
std::vector<Fd> listen_on(const std::string& host, int port, unsigned count, int& bound) {
    std::string where = host + ":" + std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        throw Error(ErrorKind::io, "cannot listen on " + where + ": unknown address");
    sockaddr_storage addr{};
    std::memcpy(&addr, found->ai_addr, found->ai_addrlen);
    socklen_t addr_len = found->ai_addrlen;
    int family = found->ai_family;
    freeaddrinfo(found);
    std::vector<Fd> fds;
    for (unsigned i = 0; i < count; ++i) {
        Fd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        int one = 1;
        if (fd.fd < 0 || setsockopt(fd.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
            setsockopt(fd.fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
            ::bind(fd.fd, reinterpret_cast<sockaddr*>(&addr), addr_len) != 0 || ::listen(fd.fd, SOMAXCONN) != 0)
            throw Error(ErrorKind::io, "cannot listen on " + where + ": " + std::strerror(errno));
        if (i == 0) {
            socklen_t len = sizeof addr;
            getsockname(fd.fd, reinterpret_cast<sockaddr*>(&addr), &len);
            bound = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(addr).sin6_port
                                             : reinterpret_cast<sockaddr_in&>(addr).sin_port);
        }
        fds.push_back(std::move(fd));
    }
    return fds;
}

}  // namespace

struct EventHttpServer::Impl {
    EventServerOptions options;
    ServerHandler handler;
    std::vector<std::unique_ptr<Loop>> loops;
    std::string host;
    int port = -1;
};

EventHttpServer::EventHttpServer(EventServerOptions options, ServerHandler handler) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
    impl_->handler = std::move(handler);
}

EventHttpServer::~EventHttpServer() = default;

int EventHttpServer::bind(const std::string& host, int port) {
    Impl& s = *impl_;
    unsigned count = s.options.threads ? s.options.threads : std::max(1u, std::thread::hardware_concurrency());
    for (Fd& fd : listen_on(host, port, count, s.port))
        s.loops.push_back(std::make_unique<Loop>(std::move(fd), s.options, s.handler));
    s.host = host;
    return s.port;
}

std::string EventHttpServer::origin() const {
    return http_origin(false, impl_->host, impl_->port);
}

void EventHttpServer::run() {
    if (impl_->loops.empty()) throw Error(ErrorKind::internal, "EventHttpServer::run before bind");
    serve_until_signal(
        [this] {
            std::vector<std::thread> others;
            for (std::size_t i = 1; i < impl_->loops.size(); ++i)
                others.emplace_back([loop = impl_->loops[i].get()] { loop->run(); });
            impl_->loops[0]->run();
            for (auto& t : others) t.join();
        },
        [this] { stop(); });
}

void EventHttpServer::stop() {
    for (auto& loop : impl_->loops) loop->stop();
}

}  // namespace iotops::crypto
