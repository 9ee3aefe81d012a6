#include <doctest/doctest.h>

#include "iotops/core.hpp"

using namespace iotops;

TEST_CASE("hex round trip, case and separators") {
    Bytes b{0x00, 0xd0, 0xe5, 0xff};
    CHECK(hex_encode(b) == "00d0e5ff");
    CHECK(hex_encode(b, true) == "00D0E5FF");
    CHECK(hex_decode("00D0e5FF") == b);
    CHECK(hex_decode("00:d0 e5\nff") == b);
    CHECK_THROWS_AS(hex_decode("0"), Error);
    CHECK_THROWS_AS(hex_decode("zz"), Error);
}

TEST_CASE("HTTP dates are IMF-fixdate in GMT") {
    CHECK(format_http_date(parse_rfc3339("2026-11-25T07:15:06.5+01:00")) == "Wed, 25 Nov 2026 06:15:06 GMT");
    CHECK(format_http_date(parse_rfc3339("1994-11-06T08:49:37Z")) == "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
}

TEST_CASE("base64 accepts both alphabets, padded and unpadded") {
    // The RFC 8995 App. C nonce is base64url without padding; the JWS examples use padded standard base64.
    Bytes url = base64_decode("-_XE9zK9q8Ll1qylMtLKeg");
    CHECK(url.size() == 16);
    CHECK(base64url_encode(url) == "-_XE9zK9q8Ll1qylMtLKeg");
    CHECK(base64_encode(url) == "+/XE9zK9q8Ll1qylMtLKeg==");
    CHECK(base64_decode("+/XE9zK9q8Ll1qylMtLKeg==") == url);
    CHECK(base64_decode("TauvK+Y/cc2RfIFvpZzfKQ==").size() == 16);
    CHECK(base64_decode("TauvK+Y\\/cc2RfIFvpZzfKQ==") == base64_decode("TauvK+Y/cc2RfIFvpZzfKQ=="));
    CHECK(base64_decode("YW\nJj") == to_bytes("abc"));
    CHECK(base64_encode(to_bytes("")) == "");
    CHECK(base64_encode(to_bytes("a")) == "YQ==");
    CHECK(base64_encode(to_bytes("ab")) == "YWI=");
    CHECK_THROWS_AS(base64_decode("Y"), Error);
    CHECK_THROWS_AS(base64_decode("YQ=x"), Error);
    CHECK_THROWS_AS(base64_decode("Y*Q="), Error);
    for (std::string_view text : {"", "YQ", "YQ==", "YWI=", "YW\nJj", "TauvK+Y\\/cc2RfIFvpZzfKQ==", "-_XE9zK9q8Ll1qylMtLKeg"})
        CHECK(base64_decoded_size(text) == base64_decode(text).size());
    for (std::string_view text : {"Y", "YQ=x", "Y*Q=", "YQ==="}) {
        CHECK_THROWS_AS(base64_decoded_size(text), Error);
        CHECK_THROWS_AS(base64_decode(text), Error);
    }
    CHECK_THROWS_AS(base64url_decode_strict("YQ=="), Error);
    CHECK(base64url_decode_strict("YQ") == to_bytes("a"));
    CHECK_THROWS_AS(base64url_decode_strict("YR"), Error);  // same byte, non-zero unused bits
}

TEST_CASE("RFC 3339 parse and format") {
    Time t = parse_rfc3339("2021-04-13T17:43:23.747-04:00");
    CHECK(format_rfc3339(t) == "2021-04-13T21:43:23.747Z");
    CHECK(format_rfc3339(parse_rfc3339("2021-04-13T21:43:23Z")) == "2021-04-13T21:43:23Z");
    CHECK(to_time_t(parse_rfc3339("1970-01-01T00:00:10Z")) == 10);
    CHECK(parse_rfc3339("2021-04-13t21:43:23z") == parse_rfc3339("2021-04-13T21:43:23Z"));
    CHECK_THROWS_AS(parse_rfc3339("2021-04-13T21:43:23"), Error);
    CHECK_THROWS_AS(parse_rfc3339("2021-02-30T21:43:23Z"), Error);
    CHECK_THROWS_AS(parse_rfc3339("2021-04-13"), Error);
    CHECK_THROWS_AS(parse_rfc3339("2021-04-13T21:43:23Zjunk"), Error);
}

TEST_CASE("durations") {
    CHECK(parse_duration("7d").count() == 7 * 86400);
    CHECK(parse_duration("90s").count() == 90);
    CHECK_THROWS_AS(parse_duration("7y"), Error);
    CHECK_THROWS_AS(parse_duration(""), Error);
}

TEST_CASE("error kinds map to exit codes") {
    CHECK(exit_code(ErrorKind::malformed) == 65);
    CHECK(exit_code(ErrorKind::negative) == 1);
    CHECK(kind_name(ErrorKind::unreachable) == "unreachable");
}
