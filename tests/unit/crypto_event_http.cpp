// The event-loop HTTP server: its request stream on bytes alone (keep-alive, pipelining, chunked
// bodies, limits, malformed input), and the server over loopback with the HTTP client.
#include <doctest/doctest.h>

#include <thread>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/event_http_server.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/crypto/http_request_stream.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

// Echoes what it saw: method, path, query, content type and body.
ServerResponse echo(const ServerRequest& r) {
    ServerResponse out;
    out.content_type = "text/plain";
    std::string text = r.method + " " + r.path + " ?" + r.query + " [" + r.content_type + "] " +
                       std::string(r.body.begin(), r.body.end());
    out.body.assign(text.begin(), text.end());
    return out;
}

std::string feed(HttpRequestStream& s, const std::string& bytes, const ServerHandler& h = echo) {
    std::string out;
    s.feed(as_bytes(bytes), h, out);
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("request stream: keep-alive, pipelining and bytes that arrive in pieces") {
    HttpRequestStream s(1024);
    std::string two = "POST /a%2Bb?x=1 HTTP/1.1\r\nHost: h\r\nContent-Type: application/ocsp-request\r\n"
                      "Content-Length: 3\r\n\r\nabc"
                      "GET /MEow+/== HTTP/1.1\r\nHost: h\r\n\r\n";
    std::string out = feed(s, two);
    CHECK(count(out, "HTTP/1.1 200 OK\r\n") == 2);
    CHECK(out.find("POST /a+b ?x=1 [application/ocsp-request] abc") != std::string::npos);
    CHECK(out.find("GET /MEow+/== ?") != std::string::npos);  // '+' in a path stays '+'
    CHECK(out.find("Content-Length: 45\r\n") != std::string::npos);
    CHECK(out.find("Connection: close") == std::string::npos);
    CHECK_FALSE(s.closing());

    // One request split at every byte still gives exactly one answer.
    std::string req = "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi";
    std::string all;
    for (char c : req) all += feed(s, std::string(1, c));
    CHECK(count(all, "HTTP/1.1 200 OK") == 1);
    CHECK(all.find("POST / ? [] hi") != std::string::npos);
}

TEST_CASE("request stream: chunked bodies, 100-continue, HTTP/1.0 and Connection: close") {
    HttpRequestStream s(1024);
    std::string out = feed(s, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                              "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    CHECK(out.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK", 0) == 0);
    CHECK(out.find("abcde") != std::string::npos);

    HttpRequestStream old(1024);
    out = feed(old, "GET /x HTTP/1.0\r\n\r\nGET /y HTTP/1.0\r\n\r\n");
    CHECK(count(out, "HTTP/1.1 200 OK") == 1);  // nothing after the request that ends the connection
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(old.closing());
    CHECK(feed(old, "GET /z HTTP/1.1\r\n\r\n").empty());

    HttpRequestStream closing(1024);
    out = feed(closing, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(closing.closing());
}

TEST_CASE("request stream: limits, other methods, handler errors and malformed input") {
    SUBCASE("a declared body over the limit is 413 before it is read") {
        HttpRequestStream s(10);
        std::string out = feed(s, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
        CHECK(out.rfind("HTTP/1.1 413 ", 0) == 0);
        CHECK(out.find("over 10 bytes") != std::string::npos);
        CHECK(s.closing());
    }
    SUBCASE("a chunked body growing over the limit is 413") {
        HttpRequestStream s(10);
        std::string out = feed(s, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n");
        CHECK(out.rfind("HTTP/1.1 413 ", 0) == 0);
    }
    SUBCASE("PUT is 405 with Allow") {
        HttpRequestStream s(10);
        std::string out = feed(s, "PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        CHECK(out.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
        CHECK(out.find("Allow: GET, POST\r\n") != std::string::npos);
        CHECK_FALSE(s.closing());
    }
    SUBCASE("a handler's Error becomes its status; the connection lives on") {
        HttpRequestStream s(10);
        std::string out = feed(s, "GET / HTTP/1.1\r\n\r\n", [](const ServerRequest&) -> ServerResponse {
            throw Error(ErrorKind::missing, "no such thing");
        });
        CHECK(out.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
        CHECK(out.find("no such thing\n") != std::string::npos);
        CHECK_FALSE(s.closing());
    }
    SUBCASE("garbage is 400 and ends the connection") {
        for (std::string bad : {"\x16\x03\x01\x02\x00\x01", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                                "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
            HttpRequestStream s(1024);
            std::string out = feed(s, bad);
            CAPTURE(bad);
            CHECK(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
            CHECK(out.find("malformed HTTP request") != std::string::npos);
            CHECK(s.closing());
        }
    }
    SUBCASE("HTTP/2 and above are 505") {
        HttpRequestStream s(1024);
        std::string out = feed(s, "GET / HTTP/9.9\r\n\r\n");
        CHECK(out.rfind("HTTP/1.1 505 HTTP Version Not Supported\r\n", 0) == 0);
        CHECK(s.closing());
    }
    SUBCASE("a head over 80 KiB is 431") {
        HttpRequestStream s(1024);
        std::string out = feed(s, "GET / HTTP/1.1\r\nX: " + std::string(90 * 1024, 'a') + "\r\n\r\n");
        CHECK(out.rfind("HTTP/1.1 431 ", 0) == 0);
    }
}

TEST_CASE("percent-decoding of paths") {
    CHECK(percent_decode("/a%2Bb%2f%3D+") == "/a+b/=+");
    CHECK(percent_decode("%") == "%");
    CHECK(percent_decode("%4") == "%4");
    CHECK(percent_decode("%zz%41") == "%zzA");
}

TEST_CASE("event server over loopback: GET and POST on several loops, stop() ends run()") {
    EventServerOptions o;
    o.threads = 2;
    o.max_body = 100;
    EventHttpServer server(o, echo);
    int port = server.bind("127.0.0.1", 0);
    REQUIRE(port > 0);
    CHECK(server.origin() == "http://127.0.0.1:" + std::to_string(port));
    std::thread t([&] { server.run(); });

    HttpClient client(server.origin(), {});
    for (int i = 0; i < 20; ++i) {  // one client keeps its connection; the answers stay in order
        HttpResponse r = client.post("/p?i=" + std::to_string(i), "application/x", to_bytes("body"));
        CHECK(r.status == 200);
        CHECK(std::string(r.body.begin(), r.body.end()) == "POST /p ?i=" + std::to_string(i) + " [application/x] body");
    }
    HttpResponse g = client.get("/x%2By");
    CHECK(std::string(g.body.begin(), g.body.end()) == "GET /x+y ? [] ");
    HttpResponse big = client.post("/", "application/x", Bytes(101, 'a'));
    CHECK(big.status == 413);

    server.stop();
    t.join();
}
