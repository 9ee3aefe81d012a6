// A small OCSP load client: N concurrent connections, each with one request outstanding at a
// time, POST prepared requests for a number of seconds; complete 200 responses are counted. One
// epoll thread drives them all, so the client takes little of the CPU it shares with the server.
// Connections are kept alive when the server allows it (HTTP/1.1) and reopened when it closes
// them (openssl ocsp speaks HTTP/1.0).
//   bench_ocsp_load HOST PORT SECONDS CLIENTS REQUEST.der...
// Prints: requests=N seconds=S per_second=R errors=E
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

struct Conn {
    int fd = -1;
    bool connecting = false;
    std::size_t next = 0;  // which request this connection sends next
    std::string in;
};

enum class Parsed { incomplete, done_keep, done_close, bad };

// Whether `in` holds a whole response; eof says the server has closed.
Parsed parse(const std::string& in, bool eof) {
    std::size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos) return eof ? Parsed::bad : Parsed::incomplete;
    std::string head = in.substr(0, end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head.find(" 200 ") == std::string::npos) return Parsed::bad;
    bool keep = head.rfind("http/1.1", 0) == 0 && head.find("connection: close") == std::string::npos;
    auto cl = head.find("content-length:");
    if (cl == std::string::npos)  // the body runs to the close
        return eof ? (in.size() > end + 4 ? Parsed::done_close : Parsed::bad) : Parsed::incomplete;
    std::size_t want = end + 4 + static_cast<std::size_t>(std::atol(head.c_str() + cl + 15));
    if (in.size() < want) return eof ? Parsed::bad : Parsed::incomplete;
    return keep ? Parsed::done_keep : Parsed::done_close;
}

class Load {
public:
    Load(sockaddr_in addr, std::vector<std::string> requests) : addr_(addr), requests_(std::move(requests)) {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
    }

    void run(int clients, double seconds) {
        conns_.resize(static_cast<std::size_t>(clients));
        for (std::size_t i = 0; i < conns_.size(); ++i) {
            conns_[i].next = i;
            open(i);
        }
        auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        epoll_event events[256];
        while (std::chrono::steady_clock::now() < until) {
            int n = epoll_wait(ep_, events, 256, 10);
            for (int k = 0; k < n; ++k) on_event(events[k].data.u64, events[k].events);
            std::vector<std::size_t> retry;
            retry.swap(broken_);
            for (std::size_t i : retry) open(i);
        }
        for (auto& c : conns_)
            if (c.fd >= 0) ::close(c.fd);
    }

    long done = 0, errors = 0;

private:
    void open(std::size_t i) {
        Conn& c = conns_[i];
        c.in.clear();
        c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        int rc = ::connect(c.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
        c.connecting = rc != 0 && errno == EINPROGRESS;
        if (rc != 0 && !c.connecting) return fail(i);
        epoll_event ev{};
        ev.events = c.connecting ? EPOLLOUT : EPOLLIN;
        ev.data.u64 = i;
        epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
        if (!c.connecting) send_next(i);
    }

    void close(std::size_t i) {
        Conn& c = conns_[i];
        if (c.fd >= 0) ::close(c.fd);  // also leaves the epoll set
        c.fd = -1;
    }

    void fail(std::size_t i) {  // counted, and tried again after the next wait
        ++errors;
        close(i);
        broken_.push_back(i);
    }

    void reopen(std::size_t i) {
        close(i);
        open(i);
    }

    void send_next(std::size_t i) {
        Conn& c = conns_[i];
        const std::string& req = requests_[c.next++ % requests_.size()];
        // A request is a few hundred bytes: one send fits in an empty socket buffer.
        if (::send(c.fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) fail(i);
    }

    void on_event(std::size_t i, uint32_t what) {
        Conn& c = conns_[i];
        if (c.connecting) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0 || (what & (EPOLLERR | EPOLLHUP))) return fail(i);
            c.connecting = false;
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = i;
            epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
            return send_next(i);
        }
        char buf[65536];
        bool eof = false;
        for (;;) {  // one read is usually the whole response: no second read to see EAGAIN
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) c.in.append(buf, static_cast<std::size_t>(n));
            if (n == static_cast<ssize_t>(sizeof buf)) continue;
            if (n == 0) eof = true;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return fail(i);
            break;
        }
        switch (parse(c.in, eof)) {
            case Parsed::incomplete: return;
            case Parsed::bad: return fail(i);
            case Parsed::done_close:
                ++done;
                return reopen(i);
            case Parsed::done_keep:
                ++done;
                c.in.clear();
                return send_next(i);
        }
    }

    sockaddr_in addr_;
    std::vector<std::string> requests_;
    std::vector<Conn> conns_;
    std::vector<std::size_t> broken_;  // connections to open again
    int ep_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: bench_ocsp_load HOST PORT SECONDS CLIENTS REQUEST.der...\n");
        return 64;
    }
    const char* host = argv[1];
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        std::fprintf(stderr, "bench_ocsp_load: HOST must be an IPv4 address\n");
        return 64;
    }
    double seconds = std::atof(argv[3]);
    int clients = std::atoi(argv[4]);
    std::vector<std::string> requests;
    for (int i = 5; i < argc; ++i) {
        std::ifstream f(argv[i], std::ios::binary);
        std::string body((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        requests.push_back("POST / HTTP/1.1\r\nHost: " + std::string(host) +
                           "\r\nContent-Type: application/ocsp-request\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    Load load(addr, std::move(requests));
    auto start = std::chrono::steady_clock::now();
    load.run(clients, seconds);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("requests=%ld seconds=%.2f per_second=%.1f errors=%ld\n", load.done, elapsed, load.done / elapsed,
                load.errors);
    return 0;
}
