// A plain-HTTP server for high rates of small exchanges (the OCSP responder): one epoll loop per
// thread, all on one port (SO_REUSEPORT), keep-alive, HTTP/1.1 through HttpRequestStream, no TLS.
// HttpServer's cpp-httplib model ties a thread to each connection and wakes it for every request,
// which held the responder to a third of what this answers on the same cores. It shares
// HttpServer's request, response and handler types; the handler runs on every loop's thread at once.
#pragma once
#include <memory>
#include <string>

#include "iotops/crypto/http_server.hpp"

namespace iotops::crypto {

struct EventServerOptions {
    unsigned threads = 0;             // event loops; 0: one per core
    std::size_t max_body = 1u << 20;  // a larger request body is answered 413
    int timeout_seconds = 30;         // an idle or stalled connection is closed after this
};

class EventHttpServer {
public:
    // handler answers every GET and POST; other methods get 405. It must be thread-safe. One that throws
    // iotops::Error answers with the status its kind maps to and the message as text.
    EventHttpServer(EventServerOptions options, ServerHandler handler);
    ~EventHttpServer();
    EventHttpServer(const EventHttpServer&) = delete;
    EventHttpServer& operator=(const EventHttpServer&) = delete;

    // Binds host:port (0: a free port) and returns the port. Error(io) when it cannot.
    int bind(const std::string& host, int port);
    // "http://host:port" once bound.
    std::string origin() const;
    // Serves until stop() is called or the process gets SIGINT or SIGTERM.
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace iotops::crypto
