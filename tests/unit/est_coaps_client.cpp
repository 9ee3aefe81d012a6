// The EST-coaps client against an EST-coaps server faked in the process: the five operations,
// Accept negotiation for /crts and /sen, discovery (first, on 4.04, with a label), and answers
// in the wrong content-format or refused with a diagnostic.
#include <doctest/doctest.h>

#include "iotops/est/coaps_client.hpp"
#include "iotops/est/multipart_core.hpp"
#include "support/fake_coaps_registrar.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::BrskiPki;
using iotops::test::FakeCoapsRegistrar;

namespace {

const BrskiPki& pki() {
    static BrskiPki p;
    return p;
}

CoapsClientConfig config(const FakeCoapsRegistrar& srv, bool with_cert = true) {
    CoapsClientConfig c;
    c.url = srv.uri();
    c.coap.pinned_anchors = {pki().domain_ca.cert};
    c.coap.timeout_ms = 10000;
    if (with_cert) {
        static auto device = pki().pledge("EST-1", pki().vendor);
        c.coap.client_key = device.key;
        c.coap.client_certificates = {device.cert};
    }
    return c;
}

template <class F>
Error error_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(ErrorKind::internal, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("est-coaps: crts in each format, att, sen, sren, skg") {
    FakeCoapsRegistrar srv(pki());
    srv.csr_attrs = std::vector<crypto::CsrAttr>{{"1.2.840.10045.2.1", {"1.2.840.10045.3.1.7"}}};
    srv.start();
    CoapsClient client(config(srv));
    const auto& ca = pki().domain_ca.cert;

    auto a = client.crts();
    REQUIRE(a.certificates.size() == 1);
    CHECK(a.certificates[0] == ca);
    CHECK(a.server_chain.front() == pki().registrar.cert);
    CHECK_FALSE(srv.request("GET /.well-known/est/crts")->accept);  // no Accept: the server's default
    CHECK(client.crts(coap_format::multipart_core).certificates == std::vector<crypto::Certificate>{ca});
    CHECK(client.crts(coap_format::pkix_cert).certificates == std::vector<crypto::Certificate>{ca});
    CHECK(client.crts(coap_format::pkcs7_certs_only).certificates == std::vector<crypto::Certificate>{ca});
    auto accepts = srv.requests();
    REQUIRE(accepts.size() == 4);
    CHECK(accepts[1].accept == coap_format::multipart_core);
    CHECK(accepts[2].accept == coap_format::pkix_cert);

    auto attrs = client.att();
    REQUIRE(attrs);
    REQUIRE(attrs->size() == 1);
    CHECK(attrs->at(0).oid == "1.2.840.10045.2.1");

    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    auto csr = crypto::Csr::create({{"CN", "device"}}, key);
    auto certs = client.sen(csr);
    REQUIRE(certs.size() == 2);
    CHECK(certs[0].public_key() == key.public_key());
    CHECK(certs[1] == ca);
    auto sen = srv.request("POST /.well-known/est/sen");
    CHECK(sen->content_format == coap_format::pkcs10);
    CHECK(sen->payload == csr.der());
    CHECK(sen->peer_chain.front().subject_attribute("serialNumber") == "EST-1");
    auto alone = client.sen(csr, coap_format::pkix_cert);
    REQUIRE(alone.size() == 1);
    CHECK(alone[0].public_key() == key.public_key());
    CHECK(client.sren(csr).front().public_key() == key.public_key());
    CHECK(client.last_code() == coap_code::changed);

    auto sk = client.skg(csr);
    CHECK(sk.certificates.front().public_key() == sk.key.public_key());
    CHECK(client.path("skg") == "/.well-known/est/skg");
}

TEST_CASE("est-coaps: no CSR attributes, refusals with the server's reason") {
    FakeCoapsRegistrar srv(pki());
    srv.start();
    CoapsClient client(config(srv));
    CHECK_FALSE(client.att());  // 4.04

    CoapsClient anonymous(config(srv, false));
    auto csr = crypto::Csr::create({{"CN", "device"}}, crypto::PrivateKey::generate(crypto::KeyType::p256));
    Error e = error_of([&] { anonymous.sren(csr); });
    CHECK(e.kind() == ErrorKind::permission);
    CHECK(std::string(e.what()) ==
          "EST-coaps sren (/.well-known/est/sren): the server answered 4.01: reenroll needs a certificate");

    e = error_of([&] { client.crts(999); });
    CHECK(e.kind() == ErrorKind::protocol);
    CHECK(contains(e.what(), "the server answered 4.06: no such format"));
}

TEST_CASE("est-coaps: answers in the wrong content-format or broken are protocol errors") {
    namespace cf = coap_format;
    FakeCoapsRegistrar srv(pki());
    const Bytes der = pki().domain_ca.cert.der();
    srv.replace["/.well-known/est/crts"] = [der](const CoapRequest& r) {
        if (r.accept == cf::multipart_core)  // a multipart-core array cut short
            return CoapResponse{coap_code::content, cf::multipart_core, Bytes{0x82, 0x19, 0x01, 0x1f, 0x59, 0x02}};
        if (r.accept == cf::pkix_cert)  // a part of another format
            return CoapResponse{coap_code::content, cf::pkix_cert, Bytes{0x30, 0x00}};
        return CoapResponse{coap_code::content, cf::pkix_cert, der};  // 287 where 281 was due
    };
    srv.replace["/.well-known/est/sen"] = [](const CoapRequest&) {
        return CoapResponse{coap_code::changed, cf::cbor, Bytes{0xa0}};
    };
    srv.replace["/.well-known/est/skg"] = [der](const CoapRequest&) {
        return CoapResponse{coap_code::changed, cf::multipart_core, encode_multipart_core({{cf::pkix_cert, der}})};
    };
    srv.start();
    CoapsClient client(config(srv));
    auto csr = crypto::Csr::create({{"CN", "device"}}, crypto::PrivateKey::generate(crypto::KeyType::p256));
    struct Case {
        std::function<void()> call;
        std::string message;
    } cases[] = {
        {[&] { client.crts(); }, "EST-coaps crts: the answer has content-format 287, not 281 (PKCS#7 certs-only)"},
        {[&] { client.crts(cf::multipart_core); }, "EST-coaps crts: multipart-core:"},
        {[&] { client.crts(cf::pkix_cert); }, "EST-coaps crts: the answer is not a DER certificate"},
        {[&] { client.sen(csr); }, "EST-coaps sen: the answer has content-format 60, not 281 (PKCS#7 certs-only)"},
        {[&] { client.sen(csr, cf::pkix_cert); }, "EST-coaps sen: the answer has content-format 60, not 287 (the Accept sent)"},
        {[&] { client.skg(csr); }, "EST-coaps skg: the answer has no 284 (pkcs8) key part"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.message);
        Error e = error_of(c.call);
        CHECK(e.kind() == ErrorKind::protocol);
        CHECK(contains(e.what(), c.message));
    }
}

TEST_CASE("est-coaps: resources found through /.well-known/core") {
    FakeCoapsRegistrar srv(pki());
    srv.prefix = "/e";  // not at the default paths
    srv.start();

    // Default paths first; the 4.04 sends the client to /.well-known/core, then to /e/crts.
    CoapsClient fallback(config(srv));
    CHECK(fallback.crts().certificates.size() == 1);
    CHECK(fallback.path("crts") == "/e/crts");
    CHECK(fallback.discovered().at("sen") == "/e/sen");
    auto seen = srv.requests();
    REQUIRE(seen.size() == 1);  // the handler saw only the retry
    CHECK(seen[0].method_path == "GET /e/crts");

    auto first = config(srv);
    first.discovery = EstDiscovery::first;
    CoapsClient discovering(first);
    CHECK(discovering.path("att") == "/e/att");
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    CHECK(discovering.sen(crypto::Csr::create({{"CN", "d"}}, key)).front().public_key() == key.public_key());

    auto never = config(srv);
    never.discovery = EstDiscovery::never;
    CoapsClient fixed(never);
    Error e = error_of([&] { fixed.crts(); });
    CHECK(e.kind() == ErrorKind::protocol);
    CHECK(contains(e.what(), "EST-coaps crts (/.well-known/est/crts): the server answered 4.04"));
}

TEST_CASE("est-coaps: a label picks its own resources") {
    FakeCoapsRegistrar srv(pki());
    srv.prefix = "/.well-known/est/arbitrary";
    srv.start();
    auto c = config(srv);
    c.label = "arbitrary";
    CoapsClient labelled(c);
    CHECK(labelled.path("crts") == "/.well-known/est/arbitrary/crts");
    CHECK(labelled.crts().certificates.size() == 1);
    c.label = "other";
    c.discovery = EstDiscovery::first;
    CoapsClient other(c);
    CHECK(other.discovered().empty());
    CHECK(other.path("crts") == "/.well-known/est/other/crts");
}

TEST_CASE("multipart-core: decode, encode and bad input") {
    Bytes two = {0x84, 0x19, 0x01, 0x1f, 0x42, 0x30, 0x00, 0x18, 0x3c, 0xf6};
    auto parts = decode_multipart_core(two);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].content_format == 287);
    CHECK(*parts[0].data == Bytes{0x30, 0x00});
    CHECK(parts[1].content_format == 60);
    CHECK(!parts[1].data);  // null
    CHECK(encode_multipart_core({{287, Bytes{0x30, 0x00}}}) == Bytes{0x82, 0x19, 0x01, 0x1f, 0x42, 0x30, 0x00});
    CHECK(decode_multipart_core(Bytes{0x80}).empty());
    struct Bad {
        Bytes input;
        std::string message;
    } bad[] = {
        {{0xa0}, "not a CBOR array at byte 0"},
        {{0x81, 0x00}, "1 items, not content-format and representation pairs"},
        {{0x82, 0x20, 0x40}, "part 0: the content-format is not an unsigned integer below 65536 at byte 1"},
        {{0x82, 0x1a, 0x00, 0x01, 0x00, 0x00, 0x40}, "part 0: the content-format is not an unsigned integer below 65536"},
        {{0x84, 0x00, 0x40, 0x00, 0x61, 0x61}, "part 1: the representation is neither a byte string nor null at byte 4"},
        {{0x82, 0x00, 0x42, 0x30}, "multipart-core: "},
        {{}, "multipart-core: "},
    };
    for (const auto& b : bad) {
        CAPTURE(b.message);
        Error e = error_of([&] { decode_multipart_core(b.input); });
        CHECK(e.kind() == ErrorKind::malformed);
        CHECK(contains(e.what(), b.message));
    }
}
