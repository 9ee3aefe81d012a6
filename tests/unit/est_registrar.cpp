// The registrar's EST handlers called as plain functions: authentication, CSR checks, answers.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "iotops/core/encoding.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/multipart.hpp"
#include "iotops/est/registrar.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

Certificate make_ca(const PrivateKey& key, const char* cn) {
    CertificateSpec s;
    s.subject = parse_name(std::string("CN=") + cn);
    s.is_ca = true;
    s.key_usage = ku_key_cert_sign | ku_crl_sign;
    s.not_after = now() + std::chrono::hours(24 * 3650);
    return issue_certificate(s, key.public_key(), key);
}

struct Fixture {
    std::string dir;
    PrivateKey ca_key = PrivateKey::generate(KeyType::p256);
    Certificate ca_cert = make_ca(ca_key, "Domain CA");
    PrivateKey vendor_key = PrivateKey::generate(KeyType::p256);
    Certificate vendor = make_ca(vendor_key, "Vendor CA");
    std::shared_ptr<est::Ca> ca;
    std::unique_ptr<est::Registrar> reg;
    Fixture() {
        dir = (std::filesystem::temp_directory_path() / ("est_reg_" + std::to_string(::getpid()))).string();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        ca = std::make_shared<est::Ca>(est::CaConfig{ca_cert, ca_key, {}, dir + "/index.txt", std::chrono::hours(24), ""});
        est::RegistrarConfig rc;
        rc.client_anchors = {vendor};
        // openssl passwd -5 -salt abcdefgh secret
        rc.users = est::Users::parse("alice:$5$abcdefgh$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.\n");
        rc.labels = {"factory"};
        rc.audit_log = dir + "/audit.ndjson";
        reg = std::make_unique<est::Registrar>(ca, rc);
    }
    ~Fixture() { std::filesystem::remove_all(dir); }
    Certificate idevid(const PrivateKey& k) const {
        CertificateSpec s;
        s.subject = parse_name("CN=dev,serialNumber=JADA1");
        return issue_certificate(s, k.public_key(), vendor_key, &vendor);
    }
};

ServerRequest post(const std::string& path, const Csr& csr) {
    ServerRequest r;
    r.method = "POST";
    r.path = path;
    r.content_type = "application/pkcs10";
    std::string b = est::base64_lines(csr.der());
    r.body = Bytes(b.begin(), b.end());
    return r;
}

ServerRequest with_basic(ServerRequest r, const std::string& user, const std::string& pass) {
    r.headers.emplace_back("Authorization", "Basic " + base64_encode(as_bytes(user + ":" + pass)));
    return r;
}

std::string body_text(const ServerResponse& r) { return to_string(r.body); }

}  // namespace

TEST_CASE("cacerts answers base64 certs-only without authentication") {
    Fixture f;
    ServerRequest r;
    r.method = "GET";
    r.path = "/.well-known/est/cacerts";
    auto a = f.reg->dispatch(r);
    CHECK(a.status == 200);
    CHECK(a.content_type == "application/pkcs7-mime");
    auto certs = parse_certs_only(base64_decode(body_text(a)));
    REQUIRE(certs.size() == 1);
    CHECK(certs[0] == f.ca_cert);
    r.path = "/.well-known/est/factory/cacerts";
    CHECK(f.reg->dispatch(r).status == 200);
    r.path = "/.well-known/est/nolabel/cacerts";
    CHECK(f.reg->dispatch(r).status == 404);
    r.method = "POST";
    r.path = "/.well-known/est/cacerts";
    CHECK(f.reg->dispatch(r).status == 405);
    r.method = "GET";
    r.path = "/.well-known/est/csrattrs";
    CHECK(f.reg->dispatch(r).status == 204);
}

TEST_CASE("simpleenroll with a password, with an IDevID, and refusals") {
    Fixture f;
    PrivateKey k = PrivateKey::generate(KeyType::p256);
    Csr csr = Csr::create(parse_name("CN=dev,serialNumber=JADA1"), k);

    auto none = f.reg->dispatch(post("/.well-known/est/simpleenroll", csr));
    CHECK(none.status == 401);
    CHECK(body_text(none).find("no client certificate") != std::string::npos);

    auto wrong = f.reg->dispatch(with_basic(post("/.well-known/est/simpleenroll", csr), "alice", "nope"));
    CHECK(wrong.status == 401);

    auto ok = f.reg->dispatch(with_basic(post("/.well-known/est/simpleenroll", csr), "alice", "secret"));
    REQUIRE(ok.status == 200);
    CHECK(ok.content_type == "application/pkcs7-mime; smime-type=certs-only");
    auto certs = parse_certs_only(base64_decode(body_text(ok)));
    REQUIRE(certs.size() == 1);
    CHECK(certs[0].subject_attribute("serialNumber") == std::optional<std::string>("JADA1"));

    ServerRequest by_cert = post("/.well-known/est/simpleenroll", csr);
    by_cert.peer_chain = {f.idevid(k)};
    CHECK(f.reg->dispatch(by_cert).status == 200);

    ServerRequest garbage = with_basic(post("/.well-known/est/simpleenroll", csr), "alice", "secret");
    garbage.body = Bytes{'b', 'm', '9', '0'};
    auto g = f.reg->dispatch(garbage);
    CHECK(g.status == 400);
    CHECK(body_text(g).find("malformed CSR") != std::string::npos);

    ServerRequest wrong_type = with_basic(post("/.well-known/est/simpleenroll", csr), "alice", "secret");
    wrong_type.content_type = "text/plain";
    CHECK(f.reg->dispatch(wrong_type).status == 415);

    // A CSR whose signature is broken.
    Bytes der = csr.der();
    der[der.size() - 3] ^= 0x01;
    ServerRequest bad_sig = with_basic(post("/.well-known/est/simpleenroll", csr), "alice", "secret");
    std::string b = base64_encode(der);
    bad_sig.body = Bytes(b.begin(), b.end());
    auto bs = f.reg->dispatch(bad_sig);
    CHECK(bs.status == 400);
    CHECK(body_text(bs).find("signature") != std::string::npos);

    // The audit log has one line per attempt.
    std::ifstream log(f.dir + "/audit.ndjson");
    int lines = 0;
    for (std::string l; std::getline(log, l);) ++lines;
    CHECK(lines == 7);
}

TEST_CASE("simplereenroll needs this CA's certificate and the same subject") {
    Fixture f;
    PrivateKey k = PrivateKey::generate(KeyType::p256);
    Csr csr = Csr::create(parse_name("CN=dev,serialNumber=JADA1"), k);
    Certificate ldevid = f.ca->issue(csr);

    ServerRequest r = post("/.well-known/est/simplereenroll", csr);
    r.peer_chain = {ldevid};
    CHECK(f.reg->dispatch(r).status == 200);

    ServerRequest other = post("/.well-known/est/simplereenroll", Csr::create(parse_name("CN=other"), k));
    other.peer_chain = {ldevid};
    auto o = f.reg->dispatch(other);
    CHECK(o.status == 403);
    CHECK(body_text(o).find("differs") != std::string::npos);

    ServerRequest idev = post("/.well-known/est/simplereenroll", csr);
    idev.peer_chain = {f.idevid(k)};
    CHECK(f.reg->dispatch(idev).status == 403);

    ServerRequest pw = with_basic(post("/.well-known/est/simplereenroll", csr), "alice", "secret");
    CHECK(f.reg->dispatch(pw).status == 403);
}

TEST_CASE("serverkeygen answers a PKCS#8 key and its certificate in multipart/mixed") {
    Fixture f;
    PrivateKey k = PrivateKey::generate(KeyType::p256);
    Csr csr = Csr::create(parse_name("CN=dev,serialNumber=JADA9"), k);
    auto a = f.reg->dispatch(with_basic(post("/.well-known/est/serverkeygen", csr), "alice", "secret"));
    REQUIRE(a.status == 200);
    auto parts = est::parse_multipart(a.content_type, a.body);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].header("content-type") == std::optional<std::string>("application/pkcs8"));
    PrivateKey got = PrivateKey::load(base64_decode(to_string(parts[0].body)));
    auto certs = parse_certs_only(base64_decode(to_string(parts[1].body)));
    REQUIRE(certs.size() == 1);
    CHECK(certs[0].public_key() == got.public_key());
    CHECK_FALSE(certs[0].public_key() == k.public_key());
}

TEST_CASE("multipart parse refuses broken bodies") {
    CHECK_THROWS_AS(est::parse_multipart("text/plain", as_bytes(std::string("x"))), Error);
    CHECK_THROWS_AS(est::parse_multipart("multipart/mixed", as_bytes(std::string("x"))), Error);
    CHECK_THROWS_AS(est::parse_multipart("multipart/mixed; boundary=b", as_bytes(std::string("--b\r\nA: 1\r\n\r\nbody"))),
                    Error);
    auto p = est::parse_multipart("multipart/mixed; boundary=\"b\"",
                                  as_bytes(std::string("preamble\r\n--b\r\nA: 1\r\n\r\nbody\r\n--b--\r\n")));
    REQUIRE(p.size() == 1);
    CHECK(to_string(p[0].body) == "body");
}
