// CRL building and parsing, and the OCSP responder with a delegated signer issued by libiotops.
#include <doctest/doctest.h>

#include "iotops/core/error.hpp"
#include "iotops/crypto/crl.hpp"
#include "iotops/crypto/ocsp.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {
Certificate make_ca(const PrivateKey& key) {
    CertificateSpec c;
    c.subject = {{"CN", "Unit CA"}};
    c.is_ca = true;
    c.key_usage = ku_key_cert_sign | ku_crl_sign;
    return issue_certificate(c, key.public_key(), key);
}
Certificate make_leaf(const PrivateKey& key, const PrivateKey& ca_key, const Certificate& ca) {
    CertificateSpec l;
    l.subject = {{"CN", "dev"}, {"serialNumber", "SN1"}};
    l.serial = {0x10, 0x00};
    return issue_certificate(l, key.public_key(), ca_key, &ca);
}
Certificate make_responder(const PrivateKey& key, const PrivateKey& ca_key, const Certificate& ca) {
    CertificateSpec r;
    r.subject = {{"CN", "OCSP responder"}};
    r.ext_key_usage = {oid::kp_ocsp_signing};
    r.ocsp_nocheck = true;
    return issue_certificate(r, key.public_key(), ca_key, &ca);
}
struct Pki {
    PrivateKey ca_key = PrivateKey::generate(KeyType::p256);
    Certificate ca = make_ca(ca_key);
    PrivateKey leaf_key = PrivateKey::generate(KeyType::p256);
    Certificate leaf = make_leaf(leaf_key, ca_key, ca);
    PrivateKey resp_key = PrivateKey::generate(KeyType::p256);
    Certificate resp = make_responder(resp_key, ca_key, ca);
};
}  // namespace

TEST_CASE("a CRL we build parses back with its entries and extensions") {
    Pki p;
    CrlSpec spec;
    spec.this_update = now();
    spec.next_update = spec.this_update + std::chrono::hours(48);
    spec.crl_number_hex = "0A";
    spec.delta_base_hex = "09";
    std::vector<CrlEntry> entries{{"1000", now(), 1, now() - std::chrono::hours(1), {}},
                                  {"00FF", now(), 6, {}, std::string("1.2.840.10040.2.3")},
                                  {"80", now(), {}, {}, {}}};
    Crl crl = Crl::load(build_crl(spec, entries, p.ca, p.ca_key));
    CHECK(crl.issued_by(p.ca));
    CHECK(*crl.number_hex() == "0A");
    CHECK(*crl.delta_base_hex() == "09");
    auto e = crl.find("1000");
    REQUIRE(e);
    CHECK(e->reason == 1);
    CHECK(e->invalidity.has_value());
    CHECK(crl.find("FF")->hold_instruction_oid == "1.2.840.10040.2.3");
    CHECK(crl.find("80"));  // high bit set: encoded positive
    CHECK(!crl.find("1001"));
    CHECK(crl.entries().size() == 3);
    CHECK_THROWS_AS(build_crl(spec, entries, p.ca, p.leaf_key), Error);
}

TEST_CASE("OCSP responder with a delegated signer; client checks; nonce limits") {
    Pki p;
    CHECK(ocsp::has_ocsp_nocheck(p.resp));
    ocsp::Responder responder({ocsp::ResponderIssuer{p.ca, p.resp, p.resp_key}});
    auto lookup = [](std::size_t, const std::string& serial) {
        ocsp::SingleStatus s;
        if (serial == "1000") {
            s.status = ocsp::CertStatus::revoked;
            s.revocation_time = now();
            s.reason = 4;
        }
        return s;
    };
    ocsp::Request req = ocsp::make_request(p.leaf, p.ca, 128);
    ocsp::Response resp = responder.respond(req.der, lookup, std::chrono::seconds(600));
    REQUIRE(resp.status == ocsp::ResponseStatus::successful);
    CHECK(!resp.cacheable);
    ocsp::Answer a = ocsp::check_response(resp.der, req, p.leaf, p.ca);
    CHECK(a.single.status == ocsp::CertStatus::revoked);
    CHECK(a.single.reason == 4);
    CHECK(a.nonce_echoed);
    CHECK(responder.respond(ocsp::make_request(p.leaf, p.ca, 129).der, lookup, std::nullopt).status ==
          ocsp::ResponseStatus::malformed_request);
    ocsp::Request plain = ocsp::make_request(p.leaf, p.ca, 0);
    CHECK(responder.respond(plain.der, lookup, std::nullopt).cacheable);
    Bytes junk{0x30, 0x03, 0x02, 0x01, 0x00};
    CHECK(responder.respond(junk, lookup, std::nullopt).der == Bytes{0x30, 0x03, 0x0A, 0x01, 0x01});
    // Another CA's certificate: unauthorized.
    Pki other;
    CHECK(responder.respond(ocsp::make_request(other.leaf, other.ca).der, lookup, std::nullopt).status ==
          ocsp::ResponseStatus::unauthorized);
    // A response checked against the wrong issuer fails.
    CHECK_THROWS_AS(ocsp::check_response(resp.der, req, other.leaf, other.ca), Error);
}

TEST_CASE("noRevAvail is refused on CA certificates") {
    PrivateKey k = PrivateKey::generate(KeyType::p256);
    CertificateSpec s;
    s.subject = {{"CN", "x"}};
    s.no_rev_avail = true;
    CHECK(ocsp::has_no_rev_avail(issue_certificate(s, k.public_key(), k)));
    s.is_ca = true;
    CHECK_THROWS_AS(issue_certificate(s, k.public_key(), k), Error);
}
