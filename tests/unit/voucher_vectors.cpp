// The public voucher vectors open and verify through the voucher area.
#include <doctest/doctest.h>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::voucher;
using iotops::test::read_vector;
using iotops::test::read_vector_text;

namespace {

crypto::Certificate cert(const std::string& v) { return crypto::Certificate::load(read_vector(v)); }
Bytes hex_vector(const std::string& v) { return hex_decode(read_vector_text(v)); }

const Check* find(const Report& r, const std::string& name) {
    for (const auto& c : r.checks)
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace

TEST_CASE("rfc 8995 cms voucher verifies at 2021-06-01 and not today") {
    auto data = read_vector("voucher/rfc8995/voucher_00-D0-E5-F2-00-02.pkcs");
    auto e = open(data);
    CHECK(e.format == Format::cms);
    CHECK(e.voucher.kind() == Kind::voucher);
    CHECK(e.voucher.text("serial-number") == "00-D0-E5-F2-00-02");
    VerifyOptions o;
    o.anchors = {cert("voucher/rfc8995/vendor.crt")};
    o.intermediates = {cert("voucher/rfc8995/masa.crt")};
    o.at = parse_rfc3339("2021-06-01T00:00:00Z");
    o.serial = "00-D0-E5-F2-00-02";
    o.nonce = base64_decode("-_XE9zK9q8Ll1qylMtLKeg");
    auto r = verify(e, o);
    for (const auto& c : r.checks) INFO(c.name << ": " << c.message);
    CHECK(r.ok());
    REQUIRE(find(r, "content-type"));
    CHECK(find(r, "content-type")->warning);  // id-data
    o.at.reset();
    auto today = verify(e, o);
    CHECK_FALSE(today.ok());
    CHECK_FALSE(find(today, "chain")->ok);
    CHECK(find(today, "signature")->ok);
}

TEST_CASE("rfc 8995 pvr and rvr open; the rvr's prior-signed request decodes") {
    auto pvr = open(read_vector("voucher/rfc8995/vr_00-D0-E5-F2-00-02.pkcs"));
    CHECK(pvr.voucher.kind() == Kind::voucher_request);
    VerifyOptions o;
    o.anchors = {cert("voucher/rfc8995/vendor.crt")};
    o.at = parse_rfc3339("2021-06-01T00:00:00Z");
    o.idevid = cert("voucher/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
    CHECK(verify(pvr, o).ok());

    auto rvr = open(read_vector("voucher/rfc8995/parboiled_vr_00-D0-E5-F2-00-02.pkcs"));
    auto d = describe(rvr);
    CHECK(d["prior-signed-voucher-request-decoded"]["format"] == "cms");
    CHECK(d["prior-signed-voucher-request-decoded"]["kind"] == "voucher-request");
    VerifyOptions r;
    r.anchors = {cert("voucher/rfc8995/ownerca_secp384r1.crt")};
    r.at = o.at;
    CHECK(verify(rvr, r).ok());
}

TEST_CASE("jws vectors verify now with their CAs") {
    struct Case {
        const char* file;
        const char* ca;
        Kind kind;
    };
    for (auto c : {Case{"voucher/jws/voucher.jws.json", "voucher/jws/masa-ca.crt", Kind::voucher},
                   Case{"voucher/jws/pvr.jws.json", "voucher/jws/pledge-ca.crt", Kind::voucher_request},
                   Case{"voucher/jws/rvr.jws.json", "voucher/jws/registrar-ca.crt", Kind::voucher_request}}) {
        INFO(c.file);
        auto e = open(read_vector(c.file));
        CHECK(e.format == Format::jws);
        CHECK(e.voucher.kind() == c.kind);
        VerifyOptions o;
        o.anchors = {cert(c.ca)};
        auto r = verify(e, o);
        for (const auto& ch : r.checks) INFO(ch.name << ": " << ch.message);
        CHECK(r.ok());
        // the wrong anchor fails the chain, not the signature
        // (pledge-ca and masa-ca are one CA in these vectors; registrar-ca is another)
        o.anchors = {cert("voucher/jws/registrar-ca.crt")};
        if (std::string(c.ca) == "voucher/jws/registrar-ca.crt") o.anchors = {cert("voucher/jws/masa-ca.crt")};
        auto wrong = verify(e, o);
        CHECK_FALSE(wrong.ok());
        CHECK(find(wrong, "signature")->ok);
        CHECK_FALSE(find(wrong, "chain")->ok);
    }
}

TEST_CASE("jws rvr idevid-issuer matches the pledge certificate") {
    auto e = open(read_vector("voucher/jws/rvr.jws.json"));
    VerifyOptions o;
    o.anchors = {cert("voucher/jws/registrar-ca.crt")};
    o.idevid = cert("voucher/jws/pledge.crt");
    auto r = verify(e, o);
    REQUIRE(find(r, "idevid-issuer"));
    CHECK(find(r, "idevid-issuer")->ok);
    CHECK_FALSE(find(r, "idevid-issuer")->warning);
    CHECK(find(r, "serial-number")->ok);
    auto d = describe(e);
    CHECK(d["prior-signed-voucher-request-decoded"]["format"] == "jws");
}

TEST_CASE("cose vectors: voucher with masa_ca, pvr with pledge") {
    auto v = open(hex_vector("voucher/cose/voucher.hex"));
    CHECK(v.format == Format::cose);
    CHECK(v.voucher.kind() == Kind::voucher);
    CHECK(v.voucher.text("serial-number") == "JADA123456789");
    VerifyOptions o;
    o.signer = cert("voucher/cose/masa_ca.pem");
    o.anchors = {cert("voucher/cose/masa_ca.pem")};
    o.at = parse_rfc3339("2025-01-01T00:00:00Z");
    o.nonce = hex_decode("57EED786AD404907");
    auto r = verify(v, o);
    for (const auto& ch : r.checks) INFO(ch.name << ": " << ch.message);
    CHECK(r.ok());
    o.nonce = hex_decode("23BFBBC9C2BCF213");
    auto bad = verify(v, o);
    CHECK_FALSE(bad.ok());
    CHECK_FALSE(find(bad, "nonce")->ok);

    auto pvr = open(hex_vector("voucher/cose/pvr.hex"));
    CHECK(pvr.voucher.kind() == Kind::voucher_request);
    VerifyOptions p;
    p.signer = cert("voucher/cose/pledge.pem");
    auto pr = verify(pvr, p);
    CHECK(find(pr, "signature")->ok);
    // the wrong key is a failed check, not an exception
    p.signer = cert("voucher/cose/masa_ca.pem");
    CHECK_FALSE(find(verify(pvr, p), "signature")->ok);

    auto rvr = open(hex_vector("voucher/cose/rvr.hex"));
    CHECK(rvr.voucher.kind() == Kind::voucher_request);
    CHECK_FALSE(rvr.certificates.empty());  // x5bag
    VerifyOptions rv;
    rv.anchors = {cert("voucher/cose/domain_ca.pem")};
    rv.at = parse_rfc3339("2025-01-01T00:00:00Z");
    auto rr = verify(rvr, rv);
    CHECK(find(rr, "signature")->ok);
}

TEST_CASE("bare cose payloads open as cbor") {
    auto e = open(hex_vector("voucher/cose/voucher-nonsigned.hex"));
    CHECK(e.format == Format::cbor);
    CHECK(e.voucher.kind() == Kind::voucher);
    CHECK(Voucher::decode_cbor(e.voucher.encode_cbor()).to_json() == e.voucher.to_json());
}
