// One HTTP/1.1 connection's bytes, server side: requests parsed as they arrive (pipelined,
// chunked or with Content-Length, on http-parser), each answered through a handler, the answers
// serialised in order. No sockets here, so the protocol is testable and fuzzable on its own.
#pragma once
#include <memory>
#include <string>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/http_server.hpp"

namespace iotops::crypto {

class HttpRequestStream {
public:
    // Bodies over max_body are answered 413 and end the connection.
    explicit HttpRequestStream(std::size_t max_body);
    ~HttpRequestStream();
    HttpRequestStream(const HttpRequestStream&) = delete;
    HttpRequestStream& operator=(const HttpRequestStream&) = delete;

    // Parses received bytes; appends to `out` the answer to each request they complete (GET and
    // POST go to handler, through answer_safely; other methods get 405). A malformed request gets
    // 400 (431 for an oversized head) and ends the connection.
    void feed(ByteView received, const ServerHandler& handler, std::string& out);
    // Whether the connection ends once `out` is written: the client asked for that (HTTP/1.0,
    // Connection: close), or the stream broke. Later bytes are ignored.
    bool closing() const;
    // The peer's address, copied into each request.
    void set_remote_address(std::string address);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "HTTP/1.1 STATUS REASON" with Content-Type, Content-Length, Date, the response's own headers,
// and Connection: close when `close`; then the body.
void serialize_response(const ServerResponse& response, bool close, std::string& out);

}  // namespace iotops::crypto
