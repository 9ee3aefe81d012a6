// JSON parsing errors and CBOR <-> JSON conversion.
#include <doctest/doctest.h>

#include "iotops/codec/json.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;
using cbor::Value;

namespace {
std::string parse_error(std::string_view text, std::string_view what = "json") {
    try {
        codec::parse_json(text, what);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        return e.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("parse_json names the byte offset") {
    CHECK(codec::parse_json(std::string_view("{\"a\": [1, 2]}"))["a"][1] == 2);
    CHECK(parse_error("{\"a\": }").rfind("json: at byte 6: syntax error", 0) == 0);
    CHECK(parse_error("[1, 2", "voucher").rfind("voucher: at byte 5: syntax error", 0) == 0);
    CHECK(parse_error("{} x").rfind("json: at byte 3: syntax error", 0) == 0);
    CHECK(parse_error("").rfind("json: at byte 0: ", 0) == 0);
    CHECK(parse_error("[1e333]") == "json: number overflow parsing '1e333'");
}

TEST_CASE("dump_json writes what nlohmann's dump writes") {
    std::string bad_utf8 = "a\xff";
    nlohmann::json j = codec::parse_json(std::string_view(
        "{\"plain\":\"MIIBpjCCAUygAwIBAgIU+/=\",\"esc\":\"q\\\"b\\\\n\\n\\u0001\",\"utf8\":\"\xc3\xa9\xf0\x9f\x98\x80\",\"\xc3\xa9\":1,"
        "\"n\":[0,-1,18446744073709551615,-9223372036854775808,1.5,-0.0,1e300,true,false,null],\"e\":{},\"a\":[],\"x\":[[{\"y\":[]}]]}"));
    CHECK(codec::dump_json(j) == j.dump());
    CHECK(codec::dump_json(j, true) == j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    nlohmann::json b = nlohmann::json::binary({1, 2, 3});
    CHECK(codec::dump_json(b) == b.dump());
    nlohmann::json invalid = {{"k", bad_utf8}, {bad_utf8, 1}};
    CHECK_THROWS_AS(codec::dump_json(invalid), nlohmann::json::type_error);
    CHECK(codec::dump_json(invalid, true) == invalid.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST_CASE("cbor to json") {
    // {1: "a", -43: h'01ff02', "ab": [true], 2(h'0100'): 0, [1]: 2}
    Value v = cbor::decode(hex_decode("a5016161382a4301ff0262616281f5c242010000810102"));
    auto j = codec::cbor_to_json(v);
    CHECK(j.size() == 5);
    CHECK(j["1"] == "a");
    CHECK(j["-43"] == "Af8C");
    CHECK(j["ab"][0] == true);
    CHECK(j["2(h'0100')"] == 0);
    CHECK(j["[1]"] == 2);
    codec::JsonOptions hex;
    hex.bytes = codec::BytesInJson::hex;
    CHECK(codec::cbor_to_json(v, hex)["-43"] == "01ff02");
    // Tags 21/22/23 choose the byte string's encoding; other tags are dropped or kept.
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("d74401020304"))) == "01020304");
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("d64401020304"))) == "AQIDBA==");
    codec::JsonOptions keep;
    keep.keep_tags = true;
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("c11a514b67b0")), keep).dump() ==
          R"({"tag":1,"value":1363896240})");
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("c11a514b67b0"))) == 1363896240);
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("f97e00"))).is_null());
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("f7"))).is_null());
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("fb3ff199999999999a"))) == 1.1);
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("3b7fffffffffffffff"))) == INT64_MIN);
    CHECK_THROWS_AS(codec::cbor_to_json(cbor::decode(hex_decode("3b8000000000000000"))), Error);
    CHECK(codec::cbor_to_json(cbor::decode(hex_decode("1bffffffffffffffff"))) == UINT64_MAX);
}

TEST_CASE("json to cbor") {
    auto j = nlohmann::json::parse(R"({"b": [1, -2, 1.5, null, false], "a": "x"})");
    Value v = codec::json_to_cbor(j);
    CHECK(cbor::diagnostic(v) == R"({"a": "x", "b": [1, -2, 1.5, null, false]})");
    CHECK(hex_encode(cbor::encode(v)) == "a2616161786162850121f93e00f6f4");
    CHECK(codec::json_to_cbor(nlohmann::json::binary({1, 2})).as_bytes() == Bytes{1, 2});
    std::string deep(300, '[');
    deep += std::string(300, ']');
    CHECK_THROWS_AS(codec::json_to_cbor(nlohmann::json::parse(deep)), Error);
    // Round trip through JSON keeps plain values.
    CHECK(codec::json_to_cbor(codec::cbor_to_json(v)) == v);
}
