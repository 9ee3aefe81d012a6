// The HTTP(S) server and client over loopback: TLS both ways, pinned and provisional server checks,
// client certificates reaching handlers, basic authentication, and errors becoming statuses.
#include <doctest/doctest.h>

#include <functional>
#include <thread>

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/crypto/http_server.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

struct Identity {
    PrivateKey key;
    Certificate cert;
};

Identity make_ca(const std::string& cn) {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    CertificateSpec spec;
    spec.subject = {{"CN", cn}};
    spec.is_ca = true;
    spec.key_usage = ku_key_cert_sign | ku_crl_sign;
    spec.not_after = now() + std::chrono::hours(24);
    return {key, issue_certificate(spec, key.public_key(), key)};
}

Identity make_leaf(const std::string& cn, const Identity& ca) {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    CertificateSpec spec;
    spec.subject = {{"CN", cn}};
    spec.key_usage = ku_digital_signature;
    spec.not_after = now() + std::chrono::hours(24);
    return {key, issue_certificate(spec, key.public_key(), ca.key, &ca.cert)};
}

// A server on a free loopback port, running until the fixture ends.
struct Running {
    HttpServer server;
    std::thread thread;
    std::string origin;
    Running(ServerOptions o, const std::function<void(HttpServer&)>& routes) : server(std::move(o)) {
        routes(server);
        server.bind("127.0.0.1", 0);
        origin = server.origin();
        thread = std::thread([this] { server.run(); });
    }
    ~Running() {
        server.stop();
        thread.join();
    }
};

// A domain CA and its registrar, a manufacturer CA and its pledge.
struct Pki {
    Identity domain = make_ca("Domain CA");
    Identity registrar = make_leaf("registrar", domain);
    Identity maker = make_ca("Manufacturer CA");
    Identity pledge = make_leaf("pledge", maker);

    // The registrar's TLS server, asking for client certificates.
    ServerOptions registrar_server() const {
        ServerOptions so;
        so.certificates = {registrar.cert, domain.cert};
        so.key = registrar.key;
        so.request_client_certificate = true;
        so.threads = 2;
        return so;
    }
};

}  // namespace

TEST_CASE("https: pinned anchors, provisional TLS and client certificates") {
    Pki pki;
    const auto& [domain, registrar, maker, pledge] = pki;
    Running running(pki.registrar_server(), [](HttpServer& srv) {
        srv.handle("POST", "/echo", [](const ServerRequest& r) {
            ServerResponse out;
            out.content_type = "application/octet-stream";
            out.body = r.body;
            out.headers.emplace_back("X-Peer", r.peer_chain.empty() ? "none" : r.peer_chain.front().subject());
            out.headers.emplace_back("X-Chain", std::to_string(r.peer_chain.size()));
            return out;
        });
        srv.handle("GET", "/refuse", [](const ServerRequest&) -> ServerResponse {
            throw Error(ErrorKind::permission, "not on the list");
        });
        srv.handle("GET", "/who", [](const ServerRequest& r) {
            auto auth = r.basic_auth();
            return ServerResponse::text(auth ? 200 : 401, auth ? auth->first + "/" + auth->second : "no");
        });
    });

    SUBCASE("provisional TLS records the server chain") {
        HttpOptions o;
        o.provisional = true;
        HttpClient c(running.origin, o);
        Bytes body{1, 2, 3};
        HttpResponse r = c.post("/echo", "application/octet-stream", body);
        CHECK(r.status == 200);
        CHECK(r.body == body);
        CHECK(r.header("x-peer") == "none");
        REQUIRE(r.peer_chain.size() == 2);
        CHECK(r.peer_chain[0] == registrar.cert);
        CHECK(r.peer_chain[1] == domain.cert);
    }
    SUBCASE("a client certificate and its chain reach the handler") {
        HttpOptions o;
        o.pinned_anchors = {domain.cert};
        o.client_key = pledge.key;
        o.client_certificates = {pledge.cert, maker.cert};
        HttpClient c(running.origin, o);
        HttpResponse r = c.post("/echo", "text/plain", Bytes{'x'});
        CHECK(r.header("X-Peer") == pledge.cert.subject());
        CHECK(r.header("X-Chain") == "2");
    }
    SUBCASE("pinning the registrar's own certificate works too") {
        HttpOptions o;
        o.pinned_anchors = {registrar.cert};
        HttpClient c(running.origin, o);
        CHECK(c.get("/who").status == 401);
    }
    SUBCASE("a server outside the pinned anchors is refused with the reason") {
        HttpOptions o;
        o.pinned_anchors = {maker.cert};
        HttpClient c(running.origin, o);
        try {
            c.get("/who");
            FAIL("expected an error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::unreachable);
            CHECK(std::string(e.what()).find("pinned") != std::string::npos);
        }
    }
    SUBCASE("errors thrown by handlers become statuses; basic auth is decoded") {
        HttpOptions o;
        o.provisional = true;
        o.basic_auth = std::make_pair(std::string("alice"), std::string("s3:cret"));
        HttpClient c(running.origin, o);
        HttpResponse r = c.get("/refuse");
        CHECK(r.status == 403);
        CHECK(std::string(r.body.begin(), r.body.end()) == "not on the list\n");
        HttpResponse w = c.get("/who");
        CHECK(w.status == 200);
        CHECK(std::string(w.body.begin(), w.body.end()) == "alice/s3:cret\n");
        CHECK(c.get("/nowhere").status == 404);
    }
    SUBCASE("the system store does not know the domain CA") {
        HttpClient c(running.origin, HttpOptions{});
        CHECK_THROWS_AS(c.get("/who"), Error);
    }
}

TEST_CASE("http: plain server, bad origins, unreachable peers") {
    Running running(ServerOptions{}, [](HttpServer& srv) {
        srv.handle("GET", "/big", [](const ServerRequest&) {
            ServerResponse r;
            r.body.assign(4096, 'a');
            return r;
        });
    });
    HttpOptions small;
    small.max_size = 100;
    CHECK_THROWS_WITH_AS(http_request(running.origin + "/big", small), doctest::Contains("larger than 100"), Error);
    CHECK(http_fetch(running.origin + "/big").size() == 4096);
    CHECK_THROWS_AS(HttpClient("ftp://x", {}), Error);
    CHECK_THROWS_AS(split_url("https://host:99999/x"), Error);
    CHECK(split_url("https://[::1]:8443/a?b").second == "/a?b");
    try {
        http_request("http://127.0.0.1:1/");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
    }
}

TEST_CASE("tls: a handshake alone shows the server chain and sends the client certificate") {
    Pki pki;
    const auto& [domain, registrar, maker, pledge] = pki;
    Running running(pki.registrar_server(), [](HttpServer&) {});
    HttpOptions o;
    o.client_key = pledge.key;
    o.client_certificates = {pledge.cert};
    std::vector<Certificate> chain = tls_server_chain(running.origin, o);
    REQUIRE(chain.size() == 2);
    CHECK(chain[0] == registrar.cert);
    CHECK(chain[1] == domain.cert);
    CHECK_THROWS_AS(tls_server_chain("http://127.0.0.1:1", o), Error);
    try {
        tls_server_chain("https://127.0.0.1:1", o);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
    }
}
