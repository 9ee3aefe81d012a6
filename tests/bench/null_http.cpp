// The ceiling of the OCSP load benchmark on this machine: an HTTP server that parses nothing and
// answers every read with the same prepared response of the given size, one epoll loop per core on
// one port. Whatever a real responder reaches, it reaches at most this with the same client.
//   bench_null_http PORT SECONDS BODY_BYTES   (it exits after SECONDS)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench_null_http PORT SECONDS BODY_BYTES\n");
        return 64;
    }
    int port = std::atoi(argv[1]);
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(std::atof(argv[2]));
    const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: " +
                                 std::string(argv[3]) + "\r\n\r\n" + std::string(std::strtoul(argv[3], nullptr, 10), 'x');
    std::vector<std::thread> loops;
    for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t)
        loops.emplace_back([&] {
            int one = 1, lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            setsockopt(lfd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(port));
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(lfd, SOMAXCONN) != 0) {
                std::perror("bench_null_http");
                std::exit(70);
            }
            int ep = epoll_create1(0);
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.fd = lfd;
            epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
            epoll_event events[256];
            char buf[16384];
            while (std::chrono::steady_clock::now() < until) {
                int n = epoll_wait(ep, events, 256, 100);
                for (int i = 0; i < n; ++i) {
                    int fd = events[i].data.fd;
                    if (fd == lfd) {
                        for (int c; (c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
                            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                            epoll_event e{};
                            e.events = EPOLLIN;
                            e.data.fd = c;
                            epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
                        }
                    } else if (::read(fd, buf, sizeof buf) <= 0 ||
                               ::send(fd, response.data(), response.size(), MSG_NOSIGNAL) < 0) {
                        ::close(fd);
                    }
                }
            }
        });
    for (auto& t : loops) t.join();
    return 0;
}
