// The voucher artifact's own rules, each a named check; signing in each format round-trips.
#include <doctest/doctest.h>

#include "iotops/core/bytes.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/voucher.hpp"

using namespace iotops;
using namespace iotops::voucher;
using nlohmann::json;

namespace {

json good() {
    return json::parse(R"({"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00Z",
        "expires-on":"2099-01-01T00:00:00.5+02:00","serial-number":"JADA1","nonce":"AAECAwQFBgc=",
        "pinned-domain-cert":"MIIB","domain-cert-revocation-checks":false}})");
}

Check check(const std::vector<Check>& cs, const std::string& name) {
    for (const auto& c : cs)
        if (c.name == name) return c;
    FAIL("no check " << name);
    throw 0;
}

std::vector<Check> rules_of(const json& j) { return check_rules(Voucher::from_json(j)); }

}  // namespace

TEST_CASE("a good voucher passes every rule") {
    auto cs = rules_of(good());
    for (const auto& c : cs) INFO(c.name << ": " << c.message);
    CHECK(all_ok(cs));
    CHECK(cs.size() == 5);
}

TEST_CASE("each rule violation is caught by its named check") {
    SUBCASE("short nonce") {
        auto j = good();
        j["ietf-voucher:voucher"]["nonce"] = "AAECAw==";  // 4 bytes
        auto c = check(rules_of(j), "nonce-length");
        CHECK_FALSE(c.ok);
        CHECK(c.message.find("4 bytes") != std::string::npos);
    }
    SUBCASE("long nonce") {
        auto j = good();
        j["ietf-voucher:voucher"]["nonce"] = std::string(48, 'A');  // 36 bytes
        CHECK_FALSE(check(rules_of(j), "nonce-length").ok);
    }
    SUBCASE("bad date") {
        auto j = good();
        j["ietf-voucher:voucher"]["created-on"] = "2026-13-01T00:00:00Z";
        auto c = check(rules_of(j), "leaf-types");
        CHECK_FALSE(c.ok);
        CHECK(c.message.find("created-on") != std::string::npos);
    }
    SUBCASE("unknown leaf") {
        auto j = good();
        j["ietf-voucher:voucher"]["colour"] = "blue";
        auto c = check(rules_of(j), "known-leaves");
        CHECK_FALSE(c.ok);
        CHECK(c.message.find("colour") != std::string::npos);
    }
    SUBCASE("request leaf in a voucher") {
        auto j = good();
        j["ietf-voucher:voucher"]["prior-signed-voucher-request"] = "AAAA";
        CHECK_FALSE(check(rules_of(j), "known-leaves").ok);
    }
    SUBCASE("wrong assertion") {
        auto j = good();
        j["ietf-voucher:voucher"]["assertion"] = "trusted";
        auto c = check(rules_of(j), "leaf-types");
        CHECK_FALSE(c.ok);
        CHECK(c.message.find("trusted") != std::string::npos);
    }
    SUBCASE("boolean as text") {
        auto j = good();
        j["ietf-voucher:voucher"]["domain-cert-revocation-checks"] = "false";
        CHECK_FALSE(check(rules_of(j), "leaf-types").ok);
    }
    SUBCASE("binary that is not base64") {
        auto j = good();
        j["ietf-voucher:voucher"]["pinned-domain-cert"] = "not base64!";
        CHECK_FALSE(check(rules_of(j), "leaf-types").ok);
    }
    SUBCASE("missing pinned-domain-cert and serial-number") {
        auto j = good();
        j["ietf-voucher:voucher"].erase("pinned-domain-cert");
        j["ietf-voucher:voucher"].erase("serial-number");
        auto c = check(rules_of(j), "required-leaves");
        CHECK_FALSE(c.ok);
        CHECK(c.message.find("serial-number") != std::string::npos);
    }
    SUBCASE("expired") {
        auto j = good();
        j["ietf-voucher:voucher"]["expires-on"] = "2026-06-01T00:00:00Z";
        RuleOptions at;
        at.at = parse_rfc3339("2026-07-01T00:00:00Z");
        CHECK_FALSE(check(check_rules(Voucher::from_json(j), at), "expires-on").ok);
        at.at = parse_rfc3339("2026-05-01T00:00:00Z");
        CHECK(check(check_rules(Voucher::from_json(j), at), "expires-on").ok);
    }
}

TEST_CASE("not a voucher is malformed") {
    CHECK_THROWS_AS(Voucher::from_json(json::parse(R"({"ietf-voucher:vouch":{}})")), Error);
    CHECK_THROWS_AS(Voucher::from_json(json::parse(R"({"ietf-voucher:voucher":1})")), Error);
    CHECK_THROWS_AS(open(as_bytes("")), Error);
    CHECK_THROWS_AS(open(as_bytes("%%%% not anything")), Error);
    try {
        open(as_bytes("[1,2]"));
        FAIL("opened an array");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
    }
}

TEST_CASE("sign then verify in each format; a changed byte fails the signature") {
    auto ca_key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::CertificateSpec ca_spec;
    ca_spec.subject = crypto::parse_name("CN=test masa ca");
    ca_spec.is_ca = true;
    ca_spec.key_usage = crypto::ku_key_cert_sign | crypto::ku_crl_sign;
    auto ca = crypto::issue_certificate(ca_spec, ca_key.public_key(), ca_key);
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::CertificateSpec spec;
    spec.subject = crypto::parse_name("CN=test masa");
    spec.key_usage = crypto::ku_digital_signature;
    auto cert = crypto::issue_certificate(spec, key.public_key(), ca_key, &ca);
    auto v = Voucher::from_json(good());

    for (Format f : {Format::cms, Format::jws, Format::cose}) {
        INFO(format_name(f));
        SignOptions s;
        s.format = f;
        auto bytes = sign(v, key, cert, s);
        auto e = open(bytes);
        CHECK(e.format == f);
        CHECK(e.voucher.to_json() == v.to_json());
        VerifyOptions o;
        o.anchors = {ca};
        if (f == Format::cose) o.signer = cert;  // a COSE voucher carries no certificate
        auto r = verify(e, o);
        for (const auto& c : r.checks) INFO(c.name << ": " << c.message);
        CHECK(r.ok());
        if (f == Format::cms) CHECK(e.details["econtent-type"] == "1.2.840.113549.1.9.16.1.40");

        // change the signature: one bit near the end (CMS, COSE), one character of it (JWS)
        Bytes bad = bytes;
        if (f == Format::jws) {
            auto text = to_string(bad);
            auto q = text.find('"', text.find(':', text.find("\"signature\""))) + 3;
            text[q] = text[q] == 'A' ? 'B' : 'A';
            bad = to_bytes(text);
        } else {
            bad[bad.size() - 3] ^= 0x01;
        }
        auto rb = verify(bad, o);
        CHECK_FALSE(rb.ok());
        CHECK_FALSE(rb.checks.front().ok);
        CHECK(rb.checks.front().name == "signature");
    }
}
