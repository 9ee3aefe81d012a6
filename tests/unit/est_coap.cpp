// CoapServer and CoapClient in one process over DTLS on 127.0.0.1: methods, Block2 and Block1
// bodies, the client certificate seen by the handler, pinned and provisional server checks,
// unreachable servers, /.well-known/core, and the link-format parser.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/coap.hpp"

using namespace iotops;
using namespace iotops::crypto;
using namespace iotops::est;

namespace {

struct Pki {
    PrivateKey ca_key = PrivateKey::generate(KeyType::p256);
    Certificate ca;
    explicit Pki(const std::string& name) : ca(make_ca(name, ca_key)) {}
    static Certificate make_ca(const std::string& name, const PrivateKey& key) {
        CertificateSpec s;
        s.subject = parse_name("CN=" + name);
        s.is_ca = true;
        s.key_usage = ku_key_cert_sign | ku_crl_sign;
        s.not_before = now() - std::chrono::hours(1);
        s.not_after = now() + std::chrono::hours(24);
        return issue_certificate(s, key.public_key(), key);
    }
    std::pair<Certificate, PrivateKey> leaf(const std::string& cn) const {
        auto key = PrivateKey::generate(KeyType::p256);
        CertificateSpec s;
        s.subject = parse_name("CN=" + cn);
        s.key_usage = ku_digital_signature;
        s.dns_names = {"localhost"};
        s.not_before = now() - std::chrono::hours(1);
        s.not_after = now() + std::chrono::hours(24);
        return {issue_certificate(s, key.public_key(), ca_key, &ca), key};
    }
};

Bytes pattern(std::size_t n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 7 + i / 256) & 0xff);
    return b;
}

std::string text(const Bytes& b) { return std::string(b.begin(), b.end()); }

// A server with a few resources, serving on a thread until the object goes away.
struct Running {
    CoapServer server;
    int port = 0;
    std::thread thread;
    std::vector<Certificate> last_peer;
    Bytes last_body;

    Running(CoapServerOptions o) : server(std::move(o)) {
        server.add({"/hello", {CoapMethod::get}, {"test.hello"}, {coap_format::text_plain}, "", [](const CoapRequest& r) {
                        return CoapResponse::text(coap_code::content, "hello " + r.query);
                    }});
        server.add({"/big", {CoapMethod::get}, {"test.big"}, {coap_format::cbor}, "", [](const CoapRequest&) {
                        return CoapResponse{coap_code::content, coap_format::cbor, pattern(5000)};
                    }});
        server.add({"/.well-known/est/sen", {CoapMethod::post}, {"ace.est.sen"},
                    {coap_format::pkix_cert, coap_format::pkcs7_certs_only}, "", [this](const CoapRequest& r) {
                        last_peer = r.peer_chain;
                        last_body = r.payload;
                        if (r.content_format != coap_format::pkcs10)
                            return CoapResponse::text(coap_code::unsupported_content_format, "want pkcs10");
                        std::string answer = std::to_string(r.payload.size()) + " bytes from " +
                                             (r.peer_chain.empty() ? "nobody" : r.peer_chain.front().subject());
                        return CoapResponse{coap_code::changed, coap_format::text_plain, Bytes(answer.begin(), answer.end())};
                    }});
        server.add({"/fails", {CoapMethod::get}, {}, {}, "", [](const CoapRequest&) -> CoapResponse {
                        throw Error(ErrorKind::permission, "not for you");
                    }});
        port = server.bind("127.0.0.1", 0);
        thread = std::thread([this] { server.run(); });
    }
    ~Running() {
        server.stop();
        thread.join();
    }
    std::string uri() const { return "coaps://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("coap: DTLS requests, block-wise bodies and the client certificate") {
    Pki domain("domain CA"), vendor("vendor CA");
    auto [server_cert, server_key] = domain.leaf("registrar");
    auto [pledge_cert, pledge_key] = vendor.leaf("pledge");
    Running srv({{server_cert, domain.ca}, server_key, true});
    CHECK(srv.server.origin() == srv.uri());

    CoapClientOptions o;
    o.pinned_anchors = {domain.ca};
    o.client_certificates = {pledge_cert};
    o.client_key = pledge_key;
    o.timeout_ms = 10000;
    CoapClient client(srv.uri(), o);
    REQUIRE(client.server_chain().size() == 2);
    CHECK(client.server_chain()[0] == server_cert);
    CHECK(client.server_chain()[1] == domain.ca);

    auto hello = client.get("/hello?x=1");
    CHECK(hello.code == coap_code::content);
    CHECK(code_string(hello.code) == "2.05");
    CHECK(hello.content_format.value_or(0) == coap_format::text_plain);  // 0 may travel as no option
    CHECK(text(hello.payload) == "hello x=1");

    auto big = client.get("/big");  // 5000 bytes: several Block2 blocks
    CHECK(big.code == coap_code::content);
    CHECK(big.content_format == coap_format::cbor);
    CHECK(big.payload == pattern(5000));

    Bytes csr = pattern(3000);  // several Block1 blocks
    auto sen = client.request(CoapMethod::post, "/.well-known/est/sen", csr, coap_format::pkcs10);
    CHECK(sen.code == coap_code::changed);
    CHECK(text(sen.payload) == "3000 bytes from CN=pledge");
    CHECK(srv.last_body == csr);
    REQUIRE(srv.last_peer.size() == 1);
    CHECK(srv.last_peer[0] == pledge_cert);

    auto wrong = client.request(CoapMethod::post, "/.well-known/est/sen", csr, coap_format::cbor);
    CHECK(wrong.code == coap_code::unsupported_content_format);
    CHECK(text(wrong.payload) == "want pkcs10");

    auto refused = client.get("/fails");
    CHECK(refused.code == coap_code::forbidden);
    CHECK(text(refused.payload) == "not for you");

    CHECK(client.get("/nothing").code == coap_code::not_found);
    CHECK(client.request(CoapMethod::put, "/hello", pattern(10)).code == coap_code::method_not_allowed);

    auto links = client.discover();
    bool saw_sen = false, saw_big = false;
    for (const auto& l : links) {
        if (l.target == "/.well-known/est/sen") {
            saw_sen = true;
            CHECK(l.resource_types() == std::vector<std::string>{"ace.est.sen"});
            CHECK(l.content_formats() == std::vector<unsigned>{287, 281});
        }
        if (l.target == "/big") {
            saw_big = true;
            CHECK(l.content_formats() == std::vector<unsigned>{60});
        }
    }
    CHECK(saw_sen);
    CHECK(saw_big);
    auto filtered = client.discover("rt=ace.est*");
    REQUIRE(filtered.size() == 1);
    CHECK(filtered[0].target == "/.well-known/est/sen");
}

TEST_CASE("coap: a client without a certificate") {
    Pki domain("domain CA");
    auto [server_cert, server_key] = domain.leaf("registrar");
    Running srv({{server_cert}, server_key, true});
    CoapClientOptions o;
    o.pinned_anchors = {domain.ca};
    o.timeout_ms = 10000;
    CoapClient client(srv.uri(), o);
    auto sen = client.request(CoapMethod::post, "/.well-known/est/sen", pattern(3000), coap_format::pkcs10);
    CHECK(text(sen.payload) == "3000 bytes from nobody");
    CHECK(srv.last_peer.empty());
    o.max_fragment_length = 512;
    CHECK_THROWS_AS(CoapClient(srv.uri(), o), Error);  // libcoap runs no setup hook without a certificate
}

TEST_CASE("coap: a pledge with max_fragment_length 512 and its chain") {
    Pki domain("domain CA"), vendor("vendor CA");
    auto [server_cert, server_key] = domain.leaf("registrar");
    auto [pledge_cert, pledge_key] = vendor.leaf("pledge");
    Running srv({{server_cert, domain.ca}, server_key, true});  // a handshake flight larger than 512 bytes
    CoapClientOptions o;
    o.pinned_anchors = {domain.ca};
    o.client_certificates = {pledge_cert, vendor.ca};
    o.client_key = pledge_key;
    o.max_fragment_length = 512;
    o.timeout_ms = 10000;
    CoapClient client(srv.uri(), o);
    CHECK(client.max_fragment_length() == 512);
    CHECK(client.get("/big").payload == pattern(5000));
    auto sen = client.request(CoapMethod::post, "/.well-known/est/sen", pattern(3000), coap_format::pkcs10);
    CHECK(text(sen.payload) == "3000 bytes from CN=pledge");
    REQUIRE(srv.last_peer.size() == 2);
    CHECK(srv.last_peer[1] == vendor.ca);
}

TEST_CASE("coap: pinned anchors refuse another CA; provisional records the chain") {
    Pki domain("domain CA"), other("other CA");
    auto [server_cert, server_key] = domain.leaf("registrar");
    Running srv({{server_cert}, server_key, true});

    CoapClientOptions pinned;
    pinned.pinned_anchors = {other.ca};
    pinned.timeout_ms = 10000;
    try {
        CoapClient c(srv.uri(), pinned);
        FAIL("a server from another CA was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
        std::string m = e.what();
        CHECK(m.find("server certificate refused") != std::string::npos);
        CHECK(m.find("CN=registrar") != std::string::npos);
        CHECK(m.find("unable to get local issuer certificate") != std::string::npos);
    }

    CoapClientOptions provisional;
    provisional.provisional = true;
    provisional.timeout_ms = 10000;
    CoapClient c(srv.uri(), provisional);
    REQUIRE(c.server_chain().size() == 1);
    CHECK(c.server_chain()[0] == server_cert);
    CHECK(c.get("/hello").code == coap_code::content);
}

TEST_CASE("coap: no server gives Error(unreachable) with a reason") {
    // A port nobody listens on: a UDP socket bound and closed again.
    int port = 0;
    {
        Pki domain("domain CA");
        auto [cert, key] = domain.leaf("gone");
        CoapServer s({{cert}, key, true});
        port = s.bind("127.0.0.1", 0);
    }
    CoapClientOptions o;
    o.provisional = true;
    o.timeout_ms = 1500;
    try {
        CoapClient c("coaps://127.0.0.1:" + std::to_string(port), o);
        FAIL("a handshake with nobody succeeded");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
        CHECK(std::string(e.what()).find("coaps://127.0.0.1:" + std::to_string(port)) == 0);
        CHECK(std::string(e.what()).find("Connection refused") != std::string::npos);
    }
}

TEST_CASE("coap: a server that never answers gives Error(unreachable) at the timeout") {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    CoapClientOptions o;
    o.provisional = true;
    o.timeout_ms = 800;
    try {
        CoapClient c("coaps://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), o);
        FAIL("a silent server was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
        CHECK(std::string(e.what()).find("no DTLS handshake within 800 ms") != std::string::npos);
    }
    close(fd);
}

TEST_CASE("coap: IPv6 literal URIs") {
    Pki domain("domain CA");
    auto [server_cert, server_key] = domain.leaf("registrar");
    CoapServer server({{server_cert}, server_key, true});
    server.add({"/hello", {CoapMethod::get}, {}, {}, "", [](const CoapRequest& r) {
                    return CoapResponse::text(coap_code::content, r.remote_address);
                }});
    int port = 0;
    try {
        port = server.bind("::1", 0);
    } catch (const Error& e) {
        MESSAGE("no IPv6 loopback here: " << e.what());
        return;
    }
    CHECK(server.origin() == "coaps://[::1]:" + std::to_string(port));
    std::thread t([&] { server.run(); });
    CoapClientOptions o;
    o.pinned_anchors = {domain.ca};
    o.timeout_ms = 10000;
    try {
        CoapClient c(server.origin(), o);
        auto r = c.get("/hello");
        CHECK(r.code == coap_code::content);
        CHECK(text(r.payload).rfind("[::1]:", 0) == 0);
    } catch (...) {
        server.stop();
        t.join();
        throw;
    }
    server.stop();
    t.join();
}

TEST_CASE("coap: bad client options and URIs") {
    CHECK_THROWS_AS(CoapClient("https://127.0.0.1:1", {}), Error);
    try {
        CoapClient("coaps://127.0.0.1:5684", {});
        FAIL("no verification choice was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
    try {
        CoapClientOptions o;
        o.provisional = true;
        CoapClient("coaps://127.0.0.1:5684/path", o);
        FAIL("a path in the server URI was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
}

TEST_CASE("coap: link-format") {
    auto links = parse_link_format(
        "</.well-known/est/crts>;rt=\"ace.est.crts\";ct=\"281 287\","
        "</b/rv>;rt=brski.rv;ct=836;title=\"a \\\"quoted\\\" title\",</sensors>;obs");
    REQUIRE(links.size() == 3);
    CHECK(links[0].target == "/.well-known/est/crts");
    CHECK(links[0].content_formats() == std::vector<unsigned>{281, 287});
    CHECK(links[1].resource_types() == std::vector<std::string>{"brski.rv"});
    CHECK(links[1].attribute("title") == "a \"quoted\" title");
    CHECK(links[2].attribute("obs") == "");
    CHECK_FALSE(links[2].attribute("rt"));
    CHECK(parse_link_format("").empty());

    for (const char* bad : {"/no-brackets", "</a", "</a>;", "</a>;rt=\"open", "</a>,", "</a> </b>", "</a>;=x", "</a b>"}) {
        CAPTURE(bad);
        try {
            parse_link_format(bad);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
            CHECK(std::string(e.what()).find("at byte") != std::string::npos);
        }
    }
    CHECK_THROWS_AS(parse_link_format("</a>;ct=abc")[0].content_formats(), Error);

    // Every cut of a valid document parses or is refused as malformed: never anything else.
    std::string doc = "</.well-known/est/crts>;rt=\"ace.est.crts\";ct=\"281 287\",</b/rv>;rt=brski.rv;ct=836";
    for (std::size_t n = 0; n <= doc.size(); ++n) {
        CAPTURE(n);
        try {
            (void)parse_link_format(std::string_view(doc).substr(0, n));
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
        }
    }
}

TEST_CASE("coap: plain CoAP without DTLS") {
    CoapServer server({});
    server.add({"/echo", {CoapMethod::post}, {}, {}, "", [](const CoapRequest& r) {
                    return CoapResponse{coap_code::changed, r.content_format,
                                        r.peer_chain.empty() ? r.payload : Bytes{}};
                }});
    int port = server.bind("127.0.0.1", 0);
    CHECK(server.origin() == "coap://127.0.0.1:" + std::to_string(port));
    std::thread t([&] { server.run(); });
    CoapClientOptions o;
    o.timeout_ms = 10000;
    Bytes body = pattern(2500);
    CoapClientResponse r;
    try {
        CoapClient c(server.origin(), o);
        CHECK(c.server_chain().empty());
        r = c.request(CoapMethod::post, "/echo", body, coap_format::cbor);
    } catch (...) {
        server.stop();
        t.join();
        throw;
    }
    server.stop();
    t.join();
    CHECK(r.code == coap_code::changed);
    CHECK(r.content_format == coap_format::cbor);
    CHECK(r.payload == body);
    o.provisional = true;
    o.pinned_anchors = {Pki("x").ca};
    CHECK_THROWS_AS(CoapClient("coap://127.0.0.1:1", o), Error);  // certificates need coaps://
}
