// The MASA's answers to registrar voucher-requests and audit-log requests, with a PKI made here.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "brski_pki.hpp"
#include "vectors.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/est/masa_audit.hpp"
#include "iotops/est/masa_policy.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::BrskiPki;
using nlohmann::json;

namespace {

std::string temp_path(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("est_masa_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto p = (dir / name).string();
    std::filesystem::remove(p);
    return p;
}

struct Fixture {
    BrskiPki pki;
    test::Identity pledge = pki.pledge("SN-0001", pki.vendor);
    std::string audit = temp_path("audit.ndjson");
    std::string deny = temp_path("deny.txt");

    MasaConfig config() const {
        MasaConfig c{pki.masa.key, pki.masa.cert};
        c.idevid_anchors = {pki.vendor.cert};
        c.audit_log = audit;
        c.deny_list = deny;
        return c;
    }
    Bytes good_rvr(voucher::Format f = voucher::Format::cms) const {
        return BrskiPki::rvr(BrskiPki::pvr(pledge, pki.registrar.cert, f), pki.registrar, {pki.domain_ca.cert}, f);
    }
    static BrskiRequest post(Bytes body, std::string ct = media_voucher_cms, std::string accept = "") {
        BrskiRequest r;
        r.body = std::move(body);
        r.content_type = std::move(ct);
        r.accept = std::move(accept);
        return r;
    }
};

void check_refusal(const BrskiReply& r, int status, const std::string& part) {
    CHECK(r.status == status);
    CHECK(r.content_type.rfind("text/plain", 0) == 0);
    INFO("reason: " << r.body_text());
    CHECK(r.body_text().find(part) != std::string::npos);
}

}  // namespace

TEST_CASE("masa: a consistent RVR gets a signed voucher pinning the domain CA, and is logged") {
    Fixture f;
    Masa masa(f.config());
    auto reply = masa.request_voucher(Fixture::post(f.good_rvr()));
    REQUIRE_MESSAGE(reply.status == 200, reply.body_text());
    CHECK(reply.content_type == media_voucher_cms);
    voucher::VerifyOptions o;
    o.anchors = {f.pki.vendor.cert};
    o.nonce = base64_decode("AAECAwQFBgcICQoLDA0ODw==");
    o.idevid = f.pledge.cert;
    o.pinned = f.pki.domain_ca.cert;
    o.kind = voucher::Expect::voucher;
    auto report = voucher::verify(reply.body, o);
    CHECK_MESSAGE(report.ok(), report.to_json().dump());
    auto v = voucher::open(reply.body).voucher;
    CHECK(v.text("assertion") == "proximity");
    CHECK(v.text("serial-number") == "SN-0001");
    CHECK(!v.text("expires-on"));

    auto events = MasaAuditLog(f.audit).events("SN-0001");
    REQUIRE(events.size() == 1);
    CHECK(events[0].domain_id == domain_id(f.pki.domain_ca.cert));
    CHECK(events[0].nonce == "AAECAwQFBgcICQoLDA0ODw==");
    CHECK(events[0].assertion == "proximity");
    CHECK(events[0].registrar == f.pki.registrar.cert.subject());
}

TEST_CASE("masa: Accept chooses JWS; a COSE request is answered in COSE; validity sets expires-on") {
    Fixture f;
    auto c = f.config();
    c.validity = std::chrono::minutes(20);
    Time at = std::chrono::floor<std::chrono::seconds>(now()) + std::chrono::hours(1);
    c.at = at;
    Masa masa(c);
    auto jws = masa.request_voucher(Fixture::post(f.good_rvr(), media_voucher_cms, "application/voucher-jws+json"));
    REQUIRE_MESSAGE(jws.status == 200, jws.body_text());
    CHECK(jws.content_type == media_voucher_jws);
    auto e = voucher::open(jws.body);
    CHECK(e.format == voucher::Format::jws);
    CHECK(e.voucher.text("created-on") == format_rfc3339(at));
    CHECK(e.voucher.text("expires-on") == format_rfc3339(at + std::chrono::minutes(20)));
    // q-values: cms is preferred over jws here
    auto q = masa.request_voucher(Fixture::post(f.good_rvr(), media_voucher_cms,
                                                "application/voucher-jws+json;q=0.5, application/voucher-cms+json"));
    CHECK(q.content_type == media_voucher_cms);
    auto cose = masa.request_voucher(Fixture::post(f.good_rvr(voucher::Format::cose), media_voucher_cose));
    REQUIRE_MESSAGE(cose.status == 200, cose.body_text());
    CHECK(voucher::open(cose.body).format == voucher::Format::cose);
    auto jrvr = masa.request_voucher(Fixture::post(f.good_rvr(voucher::Format::jws), media_voucher_jws));
    REQUIRE_MESSAGE(jrvr.status == 200, jrvr.body_text());
    CHECK(jrvr.content_type == media_voucher_cms);  // the configured default
}

TEST_CASE("masa: refusals carry the RFC 8995 5.6 status and a reason") {
    Fixture f;
    Masa masa(f.config());
    auto good = f.good_rvr();

    check_refusal(masa.request_voucher(Fixture::post(good, "application/json")), 415, "unsupported Content-Type");
    check_refusal(masa.request_voucher(Fixture::post(good, media_voucher_cms, "text/html")), 406, "names no voucher type");
    check_refusal(masa.request_voucher(Fixture::post({})), 400, "empty body");
    check_refusal(masa.request_voucher(Fixture::post(to_bytes("not a voucher"))), 400, "malformed voucher-request");
    check_refusal(masa.request_voucher(Fixture::post(good, media_voucher_jws)), 400, "not what Content-Type");

    // a voucher is not a request
    auto v = voucher::create(voucher::Kind::voucher, json{{"assertion", "logged"}, {"serial-number", "SN-0001"},
                                                          {"pinned-domain-cert", base64_encode(f.pki.domain_ca.cert.der())}});
    voucher::SignOptions so;
    check_refusal(masa.request_voucher(Fixture::post(voucher::sign(v, f.pki.registrar.key, f.pki.registrar.cert, so))), 400,
                  "not a voucher-request");

    // a bad signature: one byte of the signature flipped
    Bytes tampered = good;
    tampered[tampered.size() - 5] ^= 1;
    check_refusal(masa.request_voucher(Fixture::post(tampered)), 403, "signature does not verify");

    // signed by something that is not a registrar
    auto pvr = BrskiPki::pvr(f.pledge, f.pki.not_registrar.cert);
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(pvr, f.pki.not_registrar, {f.pki.domain_ca.cert}))), 403,
                  "is not a registrar (no id-kp-cmcRA");

    // a pledge of another manufacturer
    auto stranger = f.pki.pledge("SN-0001", f.pki.other_vendor);
    check_refusal(masa.request_voucher(Fixture::post(
                      BrskiPki::rvr(BrskiPki::pvr(stranger, f.pki.registrar.cert), f.pki.registrar, {f.pki.domain_ca.cert}))),
                  404, "unknown device");

    auto pledge_pvr = BrskiPki::pvr(f.pledge, f.pki.registrar.cert);
    // serial-number, idevid-issuer and nonce must be the pledge's
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(pledge_pvr, f.pki.registrar, {f.pki.domain_ca.cert},
                                                                   voucher::Format::cms, {{"serial-number", "SN-9999"}}))),
                  400, "serial-number SN-9999 is not the serialNumber SN-0001");
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(pledge_pvr, f.pki.registrar, {f.pki.domain_ca.cert},
                                                                   voucher::Format::cms, {{"nonce", "AQEBAQEBAQEBAQ=="}}))),
                  400, "nonce is not the one in the pledge voucher-request");
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(pledge_pvr, f.pki.registrar, {f.pki.domain_ca.cert},
                                                                   voucher::Format::cms,
                                                                   {{"idevid-issuer", base64_encode(Bytes{4, 2, 0, 0})}}))),
                  400, "idevid-issuer");

    // the pledge pinned another registrar than the one that signed the RVR
    auto other_pin = BrskiPki::pvr(f.pledge, f.pki.other_registrar.cert);
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(other_pin, f.pki.registrar, {f.pki.domain_ca.cert}))), 403,
                  "proximity-registrar-cert");

    CHECK(MasaAuditLog(f.audit).events("SN-0001").empty());  // nothing was issued
}

TEST_CASE("masa: the deny list is read on every request") {
    Fixture f;
    Masa masa(f.config());
    CHECK(masa.request_voucher(Fixture::post(f.good_rvr())).status == 200);
    std::ofstream(f.deny) << "# decommissioned\nSN-0001\n";
    check_refusal(masa.request_voucher(Fixture::post(f.good_rvr())), 403, "device SN-0001 is on the deny list");
    // a deny list that does not parse is the server's problem, and no voucher goes out
    std::ofstream(f.deny) << "SN 0001\n";
    check_refusal(masa.request_voucher(Fixture::post(f.good_rvr())), 500, "server error: " + f.deny + " line 1");
}

TEST_CASE("masa: the ownership policy decides which domain may claim which devices, and what is pinned") {
    Fixture f;
    auto fp = hex_encode(f.pki.domain_ca.cert.fingerprint_sha256());
    auto c = f.config();
    c.policy = OwnershipPolicy::parse("domains:\n  - name: test\n    domain-ca-sha256: " + fp +
                                      "\n    serials: ['SN-0*']\n    pin: end-entity\n"
                                      "  - name: other\n    registrar-issuer: '" + f.pki.other_domain_ca.cert.subject() +
                                      "'\n    serials: 'XX-*'\n");
    Masa masa(c);
    auto ok = masa.request_voucher(Fixture::post(f.good_rvr()));
    REQUIRE_MESSAGE(ok.status == 200, ok.body_text());
    CHECK(voucher::open(ok.body).voucher.binary("pinned-domain-cert") == f.pki.registrar.cert.der());

    auto later = f.pki.pledge("SN-1000", f.pki.vendor);
    check_refusal(masa.request_voucher(Fixture::post(
                      BrskiPki::rvr(BrskiPki::pvr(later, f.pki.registrar.cert), f.pki.registrar, {f.pki.domain_ca.cert}))),
                  403, "ownership policy: domain test may not claim device SN-1000");
    check_refusal(masa.request_voucher(Fixture::post(BrskiPki::rvr(BrskiPki::pvr(f.pledge, f.pki.other_registrar.cert),
                                                                   f.pki.other_registrar, {f.pki.other_domain_ca.cert}))),
                  403, "ownership policy: domain other may not claim device SN-0001");
    // a registrar whose chain the policy does not know at all
    auto third_ca = test::make_identity(test::ca_spec("third ca"), nullptr);
    auto third = test::make_identity(test::leaf_spec({{"CN", "third"}}, {crypto::oid::kp_cmc_ra}), &third_ca);
    check_refusal(masa.request_voucher(Fixture::post(
                      BrskiPki::rvr(BrskiPki::pvr(f.pledge, third.cert), third, {third_ca.cert}))),
                  403, "belongs to no known domain");
}

TEST_CASE("masa policy: parse errors name the field") {
    CHECK_THROWS_WITH(OwnershipPolicy::parse("domains: []\nextra: 1\n", "p"), "p: extra: unknown field (domains)");
    CHECK_THROWS_WITH(OwnershipPolicy::parse("domains:\n  - serials: ['*']\n", "p"),
                      "p: domains[0]: give domain-ca-sha256 or registrar-issuer to recognise the domain by");
    CHECK_THROWS_WITH(OwnershipPolicy::parse("domains:\n  - registrar-issuer: CN=x\n", "p"), "p: domains[0]: serials is required");
    CHECK_THROWS_WITH(OwnershipPolicy::parse("domains:\n  - domain-ca-sha256: abcd\n    serials: '*'\n", "p"),
                      "p: domains[0].domain-ca-sha256: \"abcd\" is not a SHA-256 fingerprint (32 bytes)");
    CHECK_THROWS_WITH(OwnershipPolicy::parse("domains:\n  - registrar-issuer: CN=x\n    serials: '*'\n    pin: root\n", "p"),
                      "p: domains[0].pin: domain-ca or end-entity is expected");
    CHECK_THROWS_AS(OwnershipPolicy::parse("[1, 2]", "p"), Error);
    auto p = OwnershipPolicy::parse(R"({"domains":[{"registrar-issuer":["CN=a","CN=b"],"serials":["A*"]}]})");
    REQUIRE(p.domains().size() == 1);
    CHECK(p.domains()[0].name == "domains[0]");
    CHECK(p.domains()[0].may_claim("ABC"));
    CHECK(!p.domains()[0].may_claim("BAC"));
}

TEST_CASE("masa: requestauditlog answers the owner with the device's events, others with 404") {
    Fixture f;
    Masa masa(f.config());
    auto rvr = f.good_rvr();
    REQUIRE(masa.request_voucher(Fixture::post(rvr)).status == 200);
    REQUIRE(masa.request_voucher(Fixture::post(f.good_rvr())).status == 200);
    auto log = masa.request_audit_log(Fixture::post(rvr));
    REQUIRE_MESSAGE(log.status == 200, log.body_text());
    CHECK(log.content_type == "application/json");
    auto j = json::parse(log.body_text());
    CHECK(j["version"] == "1");
    REQUIRE(j["events"].size() == 2);
    CHECK(j["events"][0]["domainID"] == domain_id(f.pki.domain_ca.cert));
    CHECK(j["events"][0]["nonce"] == "AAECAwQFBgcICQoLDA0ODw==");
    CHECK(j["events"][0]["assertion"] == "proximity");
    CHECK(j["truncation"]["arbitrary"] == 0);

    // another domain asking about the same device was never its owner
    auto other = BrskiPki::rvr(BrskiPki::pvr(f.pledge, f.pki.other_registrar.cert), f.pki.other_registrar,
                               {f.pki.other_domain_ca.cert});
    check_refusal(masa.request_audit_log(Fixture::post(other)), 404, "was issued to this registrar's domain");
    check_refusal(masa.request_audit_log(Fixture::post(rvr, "text/plain")), 415, "unsupported Content-Type");
    std::ofstream(f.audit, std::ios::app) << "{not json\n";
    check_refusal(masa.request_audit_log(Fixture::post(rvr)), 500, "server error: " + f.audit + " line 3");
}

TEST_CASE("audit log response: duplicates per domain abridged past the limit, then arbitrary truncation") {
    std::vector<AuditEvent> events;
    for (int i = 0; i < 5; ++i) {
        AuditEvent e;
        e.date = "2026-01-0" + std::to_string(i + 1) + "T00:00:00Z";
        e.serial_number = "S";
        e.domain_id = i < 4 ? "A" : "B";
        if (i % 2 == 0) e.nonce = "n" + std::to_string(i);
        e.assertion = "logged";
        events.push_back(e);
    }
    auto full = audit_log_response(events, 10);
    CHECK(full["events"].size() == 5);
    CHECK(full["events"][0]["date"] == "2026-01-05T00:00:00Z");  // newest first
    auto small = audit_log_response(events, 3);
    // A: nonced {0,2} -> keep 2 (truncated 1), nonceless {1,3} -> keep 3 (truncated 1); B: 4
    REQUIRE(small["events"].size() == 3);
    CHECK(small["truncation"]["nonced duplicates"] == 1);
    CHECK(small["truncation"]["nonceless duplicates"] == 1);
    CHECK(small["events"][1]["truncated"] == 1);
    auto tiny = audit_log_response(events, 1);
    CHECK(tiny["events"].size() == 1);
    CHECK(tiny["truncation"]["arbitrary"] == 2);
    CHECK_THROWS_AS(AuditEvent::from_json(json{{"date", 1}}), Error);
}

TEST_CASE("masa: the RFC 8995 Appendix C registrar voucher-request, as of 2021, gets a voucher") {
    auto dir = std::string("voucher/rfc8995/");
    auto load = [&](const std::string& n) { return crypto::Certificate::load(test::read_vector(dir + n)); };
    MasaConfig c{crypto::PrivateKey::load(test::read_vector(dir + "masa.key")), load("masa.crt")};
    c.idevid_anchors = {load("vendor.crt")};
    c.at = parse_rfc3339("2021-06-01T00:00:00Z");
    Masa masa(c);
    auto rvr = test::read_vector(dir + "parboiled_vr_00-D0-E5-F2-00-02.pkcs");
    auto reply = masa.request_voucher(Fixture::post(rvr));
    REQUIRE_MESSAGE(reply.status == 200, reply.body_text());
    auto v = voucher::open(reply.body).voucher;
    CHECK(v.text("serial-number") == "00-D0-E5-F2-00-02");
    CHECK(v.text("assertion") == "proximity");
    CHECK(v.binary("nonce") == base64_decode("-_XE9zK9q8Ll1qylMtLKeg"));
    // the IDevID has no AKI: idevid-issuer is the AKI value it would have, from the vendor CA's SKI
    auto ski = *load("vendor.crt").subject_key_id();
    Bytes want{0x04, static_cast<std::uint8_t>(ski.size() + 4), 0x30, static_cast<std::uint8_t>(ski.size() + 2), 0x80,
               static_cast<std::uint8_t>(ski.size())};
    want.insert(want.end(), ski.begin(), ski.end());
    CHECK(!load("idevid_00-D0-E5-F2-00-02.crt").authority_key_id_extension_value());
    CHECK(v.binary("idevid-issuer") == want);
    // the RVR carries the registrar certificate and the owner CA: the CA is pinned
    CHECK(v.binary("pinned-domain-cert") == load("ownerca_secp384r1.crt").der());
    // pinning the registrar's own certificate gives what the published voucher pins
    c.pin = PinChoice::end_entity;
    auto ee = Masa(c).request_voucher(Fixture::post(rvr));
    REQUIRE(ee.status == 200);
    auto published = voucher::open(test::read_vector(dir + "voucher_00-D0-E5-F2-00-02.pkcs")).voucher;
    CHECK(voucher::open(ee.body).voucher.binary("pinned-domain-cert") == published.binary("pinned-domain-cert"));
    // at the current time the registrar's certificate has expired
    c.at.reset();
    check_refusal(Masa(c).request_voucher(Fixture::post(rvr)), 403, "certificate has expired");
}
