// Creating vouchers and registrar voucher-requests from descriptions; YAML descriptions.
#include <doctest/doctest.h>

#include "iotops/codec/yaml.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/voucher.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::voucher;
using nlohmann::json;
using iotops::test::read_vector;

TEST_CASE("create: a flat description becomes a normalised, rule-checked voucher") {
    CreateOptions o;
    o.now = parse_rfc3339("2026-03-01T12:00:00.750Z");
    auto v = create(Kind::voucher, json{{"serial-number", "SN1"}, {"assertion", "logged"},
                                        {"nonce", "AAECAwQFBgcI"}, {"pinned-domain-pubk", "-_8"},
                                        {"expires-on", "2030-01-01T02:00:00+02:00"}}, o);
    CHECK(v.kind() == Kind::voucher);
    CHECK(v.text("created-on") == "2026-03-01T12:00:00Z");       // whole seconds
    CHECK(v.text("expires-on") == "2030-01-01T00:00:00Z");       // UTC
    CHECK(v.text("pinned-domain-pubk") == "+/8=");               // padded standard base64
    // Dates already in that form stay as they are; lower-case letters, fractions and leap seconds do not.
    auto dated = [&](const char* created) {
        return *create(Kind::voucher, json{{"serial-number", "SN1"}, {"assertion", "logged"}, {"pinned-domain-pubk", "AA=="},
                                           {"created-on", created}}, o).text("created-on");
    };
    CHECK(dated("2026-02-28T23:59:59Z") == "2026-02-28T23:59:59Z");
    CHECK(dated("2026-02-28t23:59:59z") == "2026-02-28T23:59:59Z");
    CHECK(dated("2026-02-28T23:59:59.000Z") == "2026-02-28T23:59:59Z");
    CHECK(dated("2026-02-28T23:59:60Z") == "2026-02-28T23:59:59Z");
    CHECK(dated("2026-03-01T00:30:00+01:00") == "2026-02-28T23:30:00Z");
    CHECK_THROWS_AS(dated("2026-02-30T00:00:00Z"), Error);
    CHECK_THROWS_AS(create(Kind::voucher, json{{"serial-number", "SN1"}, {"assertion", "logged"}}, o), Error);
    try {
        create(Kind::voucher, json{{"serial-number", "S"}, {"assertion", "logged"}, {"pinned-domain-pubk", "AA=="},
                                   {"nonce", "AAEC"}}, o);
        FAIL("short nonce accepted");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("nonce-length") != std::string::npos);
    }
}

TEST_CASE("create: a full instance keeps its kind") {
    auto v = create(Kind::voucher, json::parse(R"({"ietf-voucher-request:voucher":{"serial-number":"x","nonce":"AAECAwQFBgcI"}})"));
    CHECK(v.kind() == Kind::voucher_request);
    CHECK(v.text("created-on"));
}

TEST_CASE("create_rvr: serial-number and idevid-issuer from the PVR signer, the PVR kept as it is") {
    auto pvr = open(read_vector("voucher/jws/pvr.jws.json"));
    auto rvr = create_rvr(pvr, json::object());
    CHECK(rvr.kind() == Kind::voucher_request);
    CHECK(rvr.text("serial-number") == "kit-987654321");
    auto pledge = crypto::Certificate::load(read_vector("voucher/jws/pledge.crt"));
    CHECK(rvr.binary("idevid-issuer") == pledge.authority_key_id_extension_value());
    CHECK(rvr.binary("prior-signed-voucher-request") == pvr.raw);
    CHECK(rvr.binary("nonce") == pvr.voucher.binary("nonce"));
    // the published RVR says the same about the device
    auto published = open(read_vector("voucher/jws/rvr.jws.json"));
    CHECK(rvr.binary("idevid-issuer") == published.voucher.binary("idevid-issuer"));

    CHECK_THROWS_AS(create_rvr(open(read_vector("voucher/jws/voucher.jws.json")), json::object()), Error);
    CHECK_THROWS_AS(create_rvr(published, json::object()), Error);  // an RVR is not a PVR
}

TEST_CASE("verify: an RVR made from the vector PVR passes the RVR checks; --kind pvr fails it") {
    auto pvr = open(read_vector("voucher/jws/pvr.jws.json"));
    auto rvr = create_rvr(pvr, json::object());
    Envelope e;
    e.format = Format::json;
    e.voucher = rvr;
    VerifyOptions o;
    o.kind = Expect::pvr;
    auto r = verify(e, o);
    auto find = [&](const std::string& n) {
        for (const auto& c : r.checks)
            if (c.name == n) return c;
        FAIL("no check " << n);
        throw 0;
    };
    CHECK(find("prior-signed-voucher-request").ok);
    CHECK(find("rvr-serial-number").ok);
    CHECK(find("rvr-idevid-issuer").ok);
    CHECK(!find("kind").ok);
    CHECK(find("kind").message == "a registrar voucher-request (RVR) where a pledge voucher-request (PVR) is expected");
}

TEST_CASE("yaml: scalars, quoting, errors with line and column") {
    auto j = codec::parse_yaml("a: 1\nb: true\nc: '1'\nd: ~\ne: [x, 2.5]\nf: {g: h}\n");
    CHECK(j["a"] == 1);
    CHECK(j["b"] == true);
    CHECK(j["c"] == "1");
    CHECK(j["d"].is_null());
    CHECK(j["e"][1] == 2.5);
    CHECK(j["f"]["g"] == "h");
    try {
        codec::parse_yaml("a: [1\nb: 2\n", "desc");
        FAIL("bad yaml accepted");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).rfind("desc: line ", 0) == 0);
    }
    // aliases expanded exponentially are cut off
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'h'; ++c)
        bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
                char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
    CHECK_THROWS_AS(codec::parse_yaml(bomb), Error);
    // bytes that are not UTF-8, in a value or a key, are refused rather than passed on to JSON
    CHECK_THROWS_WITH(codec::parse_yaml("a: b\x8b\n", "desc"), "desc: line 1, column 4: not UTF-8 text");
    CHECK_THROWS_AS(codec::parse_yaml("\xb3: 1\n"), Error);
    CHECK(codec::parse_yaml("a: \"\\x8b\"\n")["a"] == "\u008b");  // an escape names a code point
    // text yaml-cpp's LoadAll never finishes with is refused, as is a second document
    CHECK_THROWS_WITH(codec::parse_yaml(",", "desc"), "desc: line 1, column 1: not a YAML document");
    CHECK_THROWS_WITH(codec::parse_yaml(",[1]\n]\n: x\n", "desc"), "desc: line 1, column 1: not a YAML document");
    CHECK_THROWS_WITH(codec::parse_yaml("a: 1\n---\nb: 2\n", "desc"), "desc: more than one YAML document");
    CHECK(codec::parse_yaml("---\na: 1\n...\n")["a"] == 1);
}
