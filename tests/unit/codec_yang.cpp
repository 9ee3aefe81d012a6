// YANG-CBOR with SID delta keys: the cBRSKI examples both ways, schema tables, and errors.
#include <doctest/doctest.h>

#include "iotops/codec/json.hpp"
#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "vectors.hpp"

using namespace iotops;
using nlohmann::json;

namespace {

const yang::Schema& schema() { return yang::Schema::voucher(); }

Bytes payload(const char* name) {
    return hex_decode(test::read_vector_text(std::string("voucher/cose/") + name + "-nonsigned.hex"));
}

std::string error_of(const json& j) {
    try {
        yang::to_cbor(j, schema());
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        return e.what();
    }
    return "no error";
}

std::string error_of_cbor(const char* hex) {
    try {
        yang::to_json(cbor::decode(hex_decode(hex)), schema());
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("the built-in voucher schema has the 8366bis SIDs") {
    CHECK(schema().sid_of("/ietf-voucher:voucher") == 2451u);
    CHECK(schema().sid_of("/ietf-voucher:voucher/serial-number") == 2462u);
    CHECK(schema().sid_of("/ietf-voucher-request:voucher/serial-number") == 2514u);
    CHECK(*schema().path_of(2513) == "/ietf-voucher-request:voucher/proximity-registrar-pubk");
    CHECK(schema().path_of(2450) == nullptr);  // a module, not a data node
    CHECK(schema().node("/ietf-voucher:voucher/assertion")->type.base == yang::BaseType::enumeration);
    CHECK(schema().node("/ietf-voucher-request:voucher/agent-sign-cert")->type.base == yang::BaseType::binary);
    CHECK(schema().node("/ietf-voucher:voucher/prior-signed-voucher-request") == nullptr);
}

TEST_CASE("cBRSKI voucher payload: CBOR -> JSON -> identical CBOR") {
    Bytes in = payload("voucher");
    json j = yang::to_json(cbor::decode(in), schema());
    const json& v = j.at("ietf-voucher:voucher");
    CHECK(v.size() == 6);
    CHECK(v["assertion"] == "proximity");
    CHECK(v["created-on"] == "2022-12-06T20:23:30.708Z");
    CHECK(v["domain-cert-revocation-checks"] == false);
    CHECK(v["nonce"] == "V+7Xhq1ASQc=");
    CHECK(v["serial-number"] == "JADA123456789");
    CHECK(base64_decode(v["pinned-domain-cert"].get<std::string>()).size() == 583);
    CHECK(cbor::encode(yang::to_cbor(j, schema())) == in);
}

TEST_CASE("cBRSKI pvr and rvr payloads round-trip; the pvr starts A1 19 09C5 A4") {
    Bytes pvr = payload("pvr");
    CHECK(hex_encode(ByteView(pvr).first(5), true) == "A11909C5A4");
    json j = yang::to_json(cbor::decode(pvr), schema());
    const json& v = j.at("ietf-voucher-request:voucher");
    CHECK(v["assertion"] == "proximity");
    CHECK(v["nonce"] == "I7+7ycK88hM=");
    CHECK(v["serial-number"] == "JADA123456789");
    CHECK(v.contains("proximity-registrar-pubk"));
    CHECK(cbor::encode(yang::to_cbor(j, schema())) == pvr);

    Bytes rvr = payload("rvr");
    json r = yang::to_json(cbor::decode(rvr), schema());
    const json& rv = r.at("ietf-voucher-request:voucher");
    CHECK(rv["idevid-issuer"] == "BBgwFoAUy42YynTFG1jd56zvhpqUQ6jWZqY=");
    // The prior-signed-voucher-request is the pledge's whole COSE_Sign1 PVR.
    Bytes prior = base64_decode(rv["prior-signed-voucher-request"].get<std::string>());
    CHECK(hex_encode(ByteView(prior).first(4)) == "d28443a1");
    CHECK(cbor::encode(yang::to_cbor(r, schema())) == rvr);
}

TEST_CASE("a voucher built from YANG-JSON gets the container SID and delta keys") {
    json j = json::parse(R"({"ietf-voucher:voucher": {
        "assertion": "logged", "nonce": "AAECAwQFBgc=", "created-on": "2026-01-01T00:00:00Z",
        "serial-number": "x", "domain-cert-revocation-checks": true,
        "extensions": ["17", "ext"]}})");
    cbor::Value v = yang::to_cbor(j, schema());
    CHECK(cbor::diagnostic(cbor::decode(cbor::encode(v))) ==
          "{2451: {1: 1, 2: \"2026-01-01T00:00:00Z\", 3: true, 7: h'0001020304050607', 11: \"x\", "
          "15: [17, \"ext\"]}}");
    CHECK(yang::to_json(v, schema()) == j);
    // base64url without padding is accepted on input (RFC 8995 examples use it).
    json u = json::parse(R"({"ietf-voucher:voucher": {"nonce": "-_XE9zK9q8Ll1qylMtLKeg"}})");
    CHECK(hex_encode(yang::to_cbor(u, schema()).find(2451)->find(7)->as_bytes()) == "fbf5c4f732bdabc2e5d6aca532d2ca7a");
}

TEST_CASE("members keyed by tag 47 with an absolute SID, and by name, decode") {
    // {2451: {47(2462): "S1", 1: 0}}
    json j = yang::to_json(cbor::decode(hex_decode("a1190993a2d82f19099e625331 0100")), schema());
    CHECK(j["ietf-voucher:voucher"]["serial-number"] == "S1");
    CHECK(j["ietf-voucher:voucher"]["assertion"] == "verified");
    // Names as keys (RFC 9254 allows them) and a tag-47 top-level key.
    json n = yang::to_json(cbor::decode(hex_decode("a1d82f190993a16d73657269616c2d6e756d626572625331")), schema());
    CHECK(n["ietf-voucher:voucher"]["serial-number"] == "S1");
}

TEST_CASE("conversion errors name the path") {
    CHECK(error_of(json::parse(R"({"ietf-voucher:voucher": {"colour": "red"}})")) ==
          "yang-cbor: /ietf-voucher:voucher/colour: unknown member");
    CHECK(error_of(json::parse(R"({"ietf-voucher:voucher": {"assertion": "maybe"}})")) ==
          "yang-cbor: /ietf-voucher:voucher/assertion: value \"maybe\" does not fit the leaf's type");
    CHECK(error_of(json::parse(R"({"ietf-voucher:voucher": {"nonce": "not base64!"}})")) ==
          "yang-cbor: /ietf-voucher:voucher/nonce: value \"not base64!\" does not fit the leaf's type");
    CHECK(error_of(json::parse(R"({"ietf-voucher:voucher": {"domain-cert-revocation-checks": "yes"}})")) ==
          "yang-cbor: /ietf-voucher:voucher/domain-cert-revocation-checks: value \"yes\" does not fit the leaf's type");
    CHECK(error_of(json::parse(R"({"voucher": {}})")) == "yang-cbor: /voucher: top-level member must be module-qualified");
    CHECK(error_of(json::parse(R"({"ietf-voucher:voucher": []})")) == "yang-cbor: /ietf-voucher:voucher: expected an object");
    CHECK(error_of(json::parse("[]")) == "yang-cbor: /: expected a json object");
    // {2451: {99: 1}}: no such SID
    CHECK(error_of_cbor("a1190993a1186301") == "yang-cbor: /ietf-voucher:voucher: unknown sid 2550");
    // {2451: {60: "x"}}: 2511 belongs to the voucher-request module
    CHECK(error_of_cbor("a1190993a1183c6178") ==
          "yang-cbor: /ietf-voucher:voucher: sid 2511 (/ietf-voucher-request:voucher/proximity-registrar-cert) is not a member here");
    // {2451: {1: 9}}: no enum with value 9
    CHECK(error_of_cbor("a1190993a10109") == "yang-cbor: /ietf-voucher:voucher/assertion: value 9 does not fit the leaf's type");
    // {2452: 1}: a leaf is not a top-level node
    CHECK(error_of_cbor("a119099401") == "yang-cbor: /ietf-voucher:voucher/assertion: is not a top-level node");
    // {2451: {-2452: 1}}: a delta below SID 0
    CHECK(error_of_cbor("a1190993a1390993 01") == "yang-cbor: /ietf-voucher:voucher: sid delta underflows");
    // {2451: {11: "a", 47(2462): "b"}}: the same member twice
    CHECK(error_of_cbor("a1190993a20b6161d82f19099e6162") ==
          "yang-cbor: /ietf-voucher:voucher/serial-number: member appears twice");
    CHECK(error_of_cbor("a1f601") == "yang-cbor: /: top-level key null is not a sid");
}

TEST_CASE("schema tables: sid text, RFC 9595 sid files, type tables with integer ranges") {
    auto t = yang::SidTable::parse_text("SID  Assigned to\n---- ----\n60000 module m\n60001 data /m:c\n"
                                        "60002 data /m:c/small\n60003 data /m:c/big\n60004 data /m:c/flag\n"
                                        "60005 data /m:c/items\n60006 data /m:c/items/name\n");
    CHECK(t.items().size() == 7);
    CHECK_THROWS_WITH_AS(yang::SidTable::parse_text("1 data /a\n1 data /b\n"),
                         "sid table: line 2: sid 1 is assigned to both /a and /b", Error);
    CHECK_THROWS_WITH_AS(yang::SidTable::parse_text("x data /a\n"), "sid table: line 1: 'x' is not a sid", Error);
    auto f = yang::SidTable::parse_json(json::parse(R"({"ietf-sid-file:sid-file": {"module-name": "m",
        "item": [{"namespace": "data", "identifier": "/m:c", "sid": "60001"}]}})"));
    CHECK(f.sid_of("/m:c") == 60001u);

    yang::Schema s;
    s.add_sids(t);
    s.add_types("/m:c container\n/m:c/small leaf int8  # comment\n/m:c/big leaf uint64\n"
                "/m:c/flag leaf empty\n/m:c/items list\n/m:c/items/name leaf string\n");
    json j = json::parse(R"({"m:c": {"small": -128, "big": "18446744073709551615", "flag": [null],
                             "items": [{"name": "a"}, {"name": "b"}]}})");
    cbor::Value v = yang::to_cbor(j, s);
    CHECK(cbor::diagnostic(cbor::decode(cbor::encode(v))) ==
          "{60001: {1: -128, 2: 18446744073709551615, 3: null, 4: [{1: \"a\"}, {1: \"b\"}]}}");
    CHECK(yang::to_json(v, s) == j);
    CHECK_THROWS_AS(yang::to_cbor(json::parse(R"({"m:c": {"small": 128}})"), s), Error);
    CHECK_THROWS_AS(yang::to_cbor(json::parse(R"({"m:c": {"small": "1"}})"), s).find(60001)->find(1)->as_int(), Error);
    CHECK_THROWS_WITH_AS(s.add_types("/m:c/x leaf float\n"), "yang type table: line 1: unknown type 'float'", Error);
    CHECK_THROWS_WITH_AS(s.add_types("/m:c/x leaf enumeration a\n"),
                         "yang type table: line 1: enum 'a' is not name=value", Error);
}
