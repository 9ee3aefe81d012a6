// Input format sniffing on real artifacts and on the ambiguous corners.
#include <doctest/doctest.h>

#include "iotops/codec/sniff.hpp"
#include "iotops/core/encoding.hpp"
#include "vectors.hpp"

using namespace iotops;
using codec::Format;
using codec::sniff;

namespace {
Format sniff_text(std::string_view s) { return sniff(as_bytes(s)); }
Format sniff_hex(std::string_view h) { return sniff(hex_decode(h)); }
}  // namespace

TEST_CASE("real artifacts") {
    CHECK(sniff(test::read_vector("suit/manifest-spec/example0.suit")) == Format::cbor);
    CHECK(sniff(test::read_vector("suit/manifest-spec/example2.json")) == Format::json);
    CHECK(sniff(test::read_vector("suit/manifest-spec/public_key.pem")) == Format::pem);
    CHECK(sniff(test::read_vector("voucher/cose/masa.der")) == Format::der);
    CHECK(sniff(test::read_vector("voucher/cose/masa.pem")) == Format::pem);
    CHECK(sniff(test::read_vector("voucher/jws/voucher.jws.json")) == Format::json);
    Bytes der = test::read_vector("voucher/cose/pledge.der");
    CHECK(sniff(as_bytes(base64_encode(der))) == Format::base64);
    CHECK(sniff(hex_decode(test::read_vector_text("voucher/cose/voucher.hex"))) == Format::cbor);
}

TEST_CASE("json, including ndjson, arrays and strings after whitespace") {
    CHECK(sniff_text("  \n{\"a\": 1}") == Format::json);
    CHECK(sniff_text("{\"a\":1}\n{\"a\":2}\n") == Format::json);
    CHECK(sniff_text("[1, 2]") == Format::json);
    CHECK(sniff_text("\"text\"") == Format::json);
    // CBOR that starts with '{' (0x7b, a text string with a 64-bit length) is not JSON.
    CHECK(sniff_hex("7b000000000000000161") == Format::cbor);
    // -3 followed by 0 is a CBOR sequence, not a JSON string.
    CHECK(sniff_hex("2200") == Format::cbor);
}

TEST_CASE("pem, der and base64") {
    CHECK(sniff_text("\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") == Format::pem);
    CHECK(sniff_text("-----BEGIN") != Format::pem);
    CHECK(sniff_hex("3003020101") == Format::der);
    // A SEQUENCE whose length does not cover the input is not DER.
    CHECK(sniff_hex("3003020101ff") != Format::der);
    // Non-minimal long-form length is not DER.
    CHECK(sniff_hex("308103020101") != Format::der);
    CHECK(sniff_text("aGVsbG8gd29ybGQ=\n") == Format::base64);
    CHECK(sniff_text("aGVsbG8_d29ybGQ") == Format::base64);
    CHECK(sniff_text("abcde") != Format::base64);  // 5 characters cannot be base64
}

TEST_CASE("cbor and unknown") {
    CHECK(sniff_hex("a10126") == Format::cbor);
    CHECK(sniff_hex("0102f6") == Format::cbor);  // a CBOR sequence
    CHECK(sniff_hex("") == Format::unknown);
    CHECK(sniff_hex("a101") == Format::unknown);  // truncated CBOR
    CHECK(sniff_hex("ff00") == Format::unknown);
    CHECK(std::string(codec::format_name(Format::base64)) == "base64");
    CHECK(std::string(codec::format_name(Format::unknown)) == "unknown");
}
