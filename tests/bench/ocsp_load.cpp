// A small OCSP load client: N concurrent connections POST prepared requests for a number of
// seconds and count complete responses. Keeps connections alive when the server allows it
// (HTTP/1.1) and reconnects when it closes them (openssl ocsp speaks HTTP/1.0).
//   bench_ocsp_load HOST PORT SECONDS CLIENTS REQUEST.der...
// Prints: requests=N seconds=S per_second=R errors=E
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

int connect_to(const char* host, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host, &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// One exchange; returns false when the connection broke. keep is set from the response.
bool exchange(int fd, const std::string& req, bool& keep) {
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return false;
    std::string buf;
    char tmp[8192];
    std::size_t header_end = std::string::npos;
    long content_length = -1;
    for (;;) {
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n < 0) return false;
        if (n == 0) {  // closed: complete only for a response without Content-Length
            keep = false;
            return header_end != std::string::npos && content_length < 0 && buf.size() > header_end + 4;
        }
        buf.append(tmp, static_cast<std::size_t>(n));
        if (header_end == std::string::npos) {
            header_end = buf.find("\r\n\r\n");
            if (header_end == std::string::npos) continue;
            std::string head = buf.substr(0, header_end);
            for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto cl = head.find("content-length:");
            if (cl != std::string::npos) content_length = std::atol(head.c_str() + cl + 15);
            keep = head.rfind("http/1.1", 0) == 0 && head.find("connection: close") == std::string::npos;
            if (head.find(" 200 ") == std::string::npos) return false;
        }
        if (content_length >= 0 && buf.size() >= header_end + 4 + static_cast<std::size_t>(content_length)) return true;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: bench_ocsp_load HOST PORT SECONDS CLIENTS REQUEST.der...\n");
        return 64;
    }
    const char* host = argv[1];
    int port = std::atoi(argv[2]);
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
    std::atomic<long> done{0}, errors{0};
    auto start = std::chrono::steady_clock::now();
    auto until = start + std::chrono::duration<double>(seconds);
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t)
        threads.emplace_back([&, t] {
            int fd = -1;
            std::size_t k = static_cast<std::size_t>(t);
            while (std::chrono::steady_clock::now() < until) {
                if (fd < 0 && (fd = connect_to(host, port)) < 0) {
                    ++errors;
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    continue;
                }
                bool keep = false;
                if (exchange(fd, requests[k++ % requests.size()], keep)) ++done;
                else ++errors, keep = false;
                if (!keep) {
                    ::close(fd);
                    fd = -1;
                }
            }
            if (fd >= 0) ::close(fd);
        });
    for (auto& th : threads) th.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("requests=%ld seconds=%.2f per_second=%.1f errors=%ld\n", done.load(), elapsed, done / elapsed,
                errors.load());
    return 0;
}
