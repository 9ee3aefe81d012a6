// The certs-only and csrattrs codecs and the registrar's embedded CA.
#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

#include "iotops/ca/database.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/ca.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

struct TestCa {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    Certificate cert;
    explicit TestCa(const char* cn = "Test Domain CA") : cert(make(cn, key)) {}
    static Certificate make(const char* cn, const PrivateKey& key) {
        CertificateSpec s;
        s.subject = parse_name(std::string("CN=") + cn);
        s.is_ca = true;
        s.key_usage = ku_key_cert_sign | ku_crl_sign;
        s.not_after = now() + std::chrono::hours(24 * 3650);
        return issue_certificate(s, key.public_key(), key);
    }
};

std::string temp_dir() {
    auto p = std::filesystem::temp_directory_path() / ("est_ca_" + std::to_string(::getpid()) + "_" +
                                                       std::to_string(std::rand()));
    std::filesystem::create_directories(p);
    return p.string();
}

}  // namespace

TEST_CASE("certs-only round trip keeps order; signers or garbage are refused") {
    TestCa a("A"), b("B");
    Bytes der = certs_only({a.cert, b.cert});
    auto back = parse_certs_only(der);
    REQUIRE(back.size() == 2);
    CHECK(back[0] == a.cert);
    CHECK(back[1] == b.cert);
    CHECK_THROWS_AS(parse_certs_only(as_bytes(std::string("hello"))), Error);
    Bytes trailing = der;
    trailing.push_back(0);
    CHECK_THROWS_AS(parse_certs_only(trailing), Error);
    CHECK_THROWS_AS(parse_certs_only(certs_only({})), Error);  // no certificates
}

TEST_CASE("csrattrs encode and parse") {
    std::vector<CsrAttr> attrs{{"1.2.840.10045.2.1", {"1.2.840.10045.3.1.7"}}, {"1.2.840.10045.4.3.2", {}}};
    Bytes der = encode_csr_attrs(attrs);
    auto back = parse_csr_attrs(der);
    REQUIRE(back.size() == 2);
    CHECK(back[0].oid == "1.2.840.10045.2.1");
    REQUIRE(back[0].values.size() == 1);
    CHECK(back[0].values[0] == "1.2.840.10045.3.1.7");
    CHECK(back[1].oid == "1.2.840.10045.4.3.2");
    CHECK(back[1].values.empty());
    CHECK(encode_csr_attrs({}) == Bytes{0x30, 0x00});
    CHECK_THROWS_AS(parse_csr_attrs(Bytes{0x30, 0x05, 0x06}), Error);
    CHECK_THROWS_AS(parse_csr_attrs(Bytes{0x31, 0x00}), Error);
}

TEST_CASE("the CA issues from a CSR, records the certificate, and knows what it issued") {
    TestCa domain;
    std::string dir = temp_dir();
    est::Ca ca({domain.cert, domain.key, {}, dir + "/index.txt", std::chrono::hours(24), ""});
    PrivateKey dev = PrivateKey::generate(KeyType::p256);
    Csr csr = Csr::create(parse_name("CN=pledge,serialNumber=JADA123"), dev);
    Certificate c = ca.issue(csr);
    CHECK(c.subject_attribute("serialNumber") == std::optional<std::string>("JADA123"));
    CHECK(c.issuer() == domain.cert.subject());
    CHECK(c.ext_key_usage() == std::vector<std::string>{oid::kp_client_auth});
    CHECK(c.not_after() <= now() + std::chrono::hours(24));
    CHECK(c.public_key() == dev.public_key());
    ca::Index idx = ca::Database(dir + "/index.txt").load();
    REQUIRE(idx.find_serial(c.serial_hex()) != nullptr);
    CHECK(idx.find_subject_serial_number("JADA123").size() == 1);
    CHECK(ca.issued_and_valid(c));

    // Another CA's certificate with the same subject is not ours.
    TestCa other("Other CA");
    Certificate foreign = issue_certificate({parse_name("CN=pledge,serialNumber=JADA123")}, dev.public_key(),
                                            other.key, &other.cert);
    CHECK_FALSE(ca.issued_and_valid(foreign));

    // Revoked in the database: no longer valid.
    ca::Revocation r;
    r.time = now();
    ca::Database(dir + "/index.txt").revoke(c.serial_hex(), r);
    CHECK_FALSE(ca.issued_and_valid(c));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a key that is not the CA's is a configuration error") {
    TestCa domain;
    std::string dir = temp_dir();
    CHECK_THROWS_AS(est::Ca({domain.cert, PrivateKey::generate(KeyType::p256), {}, dir + "/index.txt",
                             std::chrono::hours(1), ""}),
                    Error);
    std::filesystem::remove_all(dir);
}

TEST_CASE("concurrent issues share database writes; each gets its own answer") {
    TestCa domain;
    std::string dir = temp_dir();
    ca::Database(dir + "/index.txt").create(true);  // unique_subject: a second "CN=same" is refused
    est::Ca ca({domain.cert, domain.key, {}, dir + "/index.txt", std::chrono::hours(24), ""});
    std::vector<Csr> csrs;
    for (int i = 0; i < 24; ++i)
        csrs.push_back(Csr::create(parse_name(i < 2 ? "CN=same" : "CN=dev" + std::to_string(i)),
                                   PrivateKey::generate(KeyType::p256)));
    std::vector<int> ok(csrs.size(), 0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < csrs.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                (void)ca.issue(csrs[i]);
                ok[i] = 1;
            } catch (const Error& e) {
                ok[i] = e.kind() == ErrorKind::negative ? -1 : -2;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(ok[0] + ok[1] == 0);  // one issued, one refused as a duplicate subject
    for (std::size_t i = 2; i < ok.size(); ++i) CHECK(ok[i] == 1);
    CHECK(ca::Database(dir + "/index.txt").load().size() == csrs.size() - 1);
    std::filesystem::remove_all(dir);
}
