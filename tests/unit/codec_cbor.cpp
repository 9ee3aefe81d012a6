// CBOR value model, decoder spans and limits, deterministic encoder and diagnostic notation.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;
using cbor::Value;

namespace {

std::string hex_of(const Bytes& b) { return hex_encode(b); }

// Decodes hex, checks the deterministic re-encoding and the diagnostic text.
void check_example(const char* hex, const char* diag) {
    CAPTURE(hex);
    Bytes in = hex_decode(hex);
    Value v = cbor::decode(in);
    CHECK(cbor::diagnostic(v) == diag);
    CHECK(hex_of(cbor::encode(v)) == hex);
    REQUIRE(v.span());
    CHECK(v.span()->offset == 0);
    CHECK(v.span()->length == in.size());
}

std::string error_of(const char* hex, const cbor::Limits& limits = {}) {
    try {
        cbor::decode(hex_decode(hex), limits);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("rfc 8949 appendix a: integers") {
    check_example("00", "0");
    check_example("17", "23");
    check_example("1818", "24");
    check_example("1903e8", "1000");
    check_example("1a000f4240", "1000000");
    check_example("1b000000e8d4a51000", "1000000000000");
    check_example("1bffffffffffffffff", "18446744073709551615");
    check_example("3bffffffffffffffff", "-18446744073709551616");
    check_example("20", "-1");
    check_example("29", "-10");
    check_example("3863", "-100");
    check_example("3903e7", "-1000");
    CHECK(cbor::decode(hex_decode("3903e7")).as_int() == -1000);
    CHECK_THROWS_AS(cbor::decode(hex_decode("3bffffffffffffffff")).as_int(), Error);
    CHECK(hex_of(cbor::encode(Value::integer(std::numeric_limits<std::int64_t>::min()))) == "3b7fffffffffffffff");
}

TEST_CASE("rfc 8949 appendix a: floats take the shortest exact form") {
    check_example("f90000", "0.0");
    check_example("f98000", "-0.0");
    check_example("f93c00", "1.0");
    check_example("fb3ff199999999999a", "1.1");
    check_example("f93e00", "1.5");
    check_example("f97bff", "65504.0");
    check_example("fa47c35000", "100000.0");
    check_example("fa7f7fffff", "3.4028234663852886e+38");
    check_example("fb7e37e43c8800759c", "1.0e+300");
    check_example("f90001", "5.960464477539063e-8");
    check_example("f90400", "6.103515625e-5");
    check_example("f9c400", "-4.0");
    check_example("fbc010666666666666", "-4.1");
    check_example("f97c00", "Infinity");
    check_example("f97e00", "NaN");
    check_example("f9fc00", "-Infinity");
    // Wider encodings of the same values shrink to half precision.
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("fa7fc00000")))) == "f97e00");
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("fb7ff0000000000000")))) == "f97c00");
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("fb3ff8000000000000")))) == "f93e00");
    // A subnormal half with several mantissa bits (3 * 2^-24) stays exact.
    CHECK(hex_of(cbor::encode(Value::floating(std::ldexp(3.0, -24)))) == "f90003");
    CHECK(hex_of(cbor::encode(Value::floating(std::ldexp(1.0, -25)))) == "fa33000000");
}

TEST_CASE("rfc 8949 appendix a: simple values, tags, strings") {
    check_example("f4", "false");
    check_example("f5", "true");
    check_example("f6", "null");
    check_example("f7", "undefined");
    check_example("f0", "simple(16)");
    check_example("f8ff", "simple(255)");
    check_example("c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")");
    check_example("c11a514b67b0", "1(1363896240)");
    check_example("c1fb41d452d9ec200000", "1(1363896240.5)");
    check_example("d74401020304", "23(h'01020304')");
    check_example("d818456449455446", "24(h'6449455446')");
    check_example("40", "h''");
    check_example("60", "\"\"");
    check_example("6449455446", "\"IETF\"");
    check_example("62225c", "\"\\\"\\\\\"");
    check_example("62c3bc", "\"\xc3\xbc\"");
    check_example("64f0908591", "\"\xf0\x90\x85\x91\"");
}

TEST_CASE("rfc 8949 appendix a: arrays and maps") {
    check_example("80", "[]");
    check_example("8301820203820405", "[1, [2, 3], [4, 5]]");
    check_example("98190102030405060708090a0b0c0d0e0f101112131415161718181819",
                  "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]");
    check_example("a0", "{}");
    check_example("a201020304", "{1: 2, 3: 4}");
    check_example("a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}");
    check_example("826161a161626163", "[\"a\", {\"b\": \"c\"}]");
}

TEST_CASE("indefinite lengths decode to definite values with exact spans") {
    Bytes in = hex_decode("5f42010243030405ff");
    Value v = cbor::decode(in);
    CHECK(hex_of(v.as_bytes()) == "0102030405");
    CHECK(v.span()->length == 9);
    CHECK(hex_of(cbor::encode(v)) == "450102030405");
    CHECK(cbor::decode(hex_decode("7f657374726561646d696e67ff")).as_text() == "streaming");
    CHECK(cbor::diagnostic(cbor::decode(hex_decode("9f018202039f0405ffff"))) == "[1, [2, 3], [4, 5]]");
    Bytes m = hex_decode("bf61610161629f0203ffff");
    Value mv = cbor::decode(m);
    CHECK(cbor::diagnostic(mv) == "{\"a\": 1, \"b\": [2, 3]}");
    const Value* b = mv.find("b");
    REQUIRE(b);
    CHECK(hex_of(Bytes(b->original_bytes(m).begin(), b->original_bytes(m).end())) == "9f0203ff");
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("bf6346756ef563416d7421ff")))) == "a263416d74216346756ef5");
}

TEST_CASE("deterministic encoding sorts map keys by encoded bytes; preserving order keeps them") {
    Value m = Value::map();
    m.set(Value::text("aa"), Value::uint(1));
    m.set(Value::integer(-1), Value::uint(2));
    m.set(Value::uint(10), Value::uint(3));
    m.set(Value::text("b"), Value::uint(4));
    m.set(Value::uint(100), Value::uint(5));
    // 0a < 1864 < 20 < 6162 < 626161 (bytewise lexicographic, RFC 8949 section 4.2.1)
    CHECK(hex_of(cbor::encode(m)) == "a50a03186405200261620462616101");
    CHECK(hex_of(cbor::encode_preserving_order(m)) == "a5626161012002" "0a03616204186405");
    m.set(Value::uint(10), Value::uint(7));  // replaces
    CHECK(m.as_map().size() == 5);
    CHECK(m.find(10)->as_uint() == 7);
    CHECK(m.find(-1)->as_uint() == 2);
    CHECK(m.find("b")->as_uint() == 4);
    CHECK(m.find("zz") == nullptr);
    // A map of one entry still sorts the maps inside it.
    Value outer = Value::map();
    outer.set(Value::uint(1), m);
    CHECK(hex_of(cbor::encode(outer)) == "a101a50a07186405200261620462616101");
    CHECK(hex_of(cbor::encode(Value::array(cbor::Array{m}))) == "81a50a07186405200261620462616101");
}

TEST_CASE("non-shortest input heads are accepted and shortened") {
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("1b0000000000000001")))) == "01");
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("5900024142")))) == "424142");
    CHECK(hex_of(cbor::encode(cbor::decode(hex_decode("9a0000000101")))) == "8101");
}

TEST_CASE("nested spans are exact") {
    // [1, {"k": h'0102'}, 24(h'8200f6')]
    Bytes in = hex_decode("8301a1616b420102d818438200f6");
    Value v = cbor::decode(in);
    const Value& map = v.as_array()[1];
    CHECK(map.span()->offset == 2);
    CHECK(map.span()->length == 6);
    const Value* k = map.find("k");
    CHECK(k->span()->offset == 5);
    CHECK(k->span()->length == 3);
    const Value& tag = v.as_array()[2];
    CHECK(tag.span()->offset == 8);
    CHECK(tag.span()->length == 6);
    CHECK(tag.tag_content().span()->offset == 10);
    // Bytes-wrapped CBOR: spans of the inner decode are relative to the inner buffer.
    const Bytes& inner = tag.tag_content().as_bytes();
    Value iv = cbor::decode(inner);
    CHECK(iv.as_array()[1].span()->offset == 2);
    CHECK(iv.as_array()[1].original_bytes(inner)[0] == 0xf6);
    CHECK_THROWS(Value::uint(1).original_bytes(in));
}

TEST_CASE("malformed input: errors name the byte offset") {
    CHECK(error_of("") == "cbor: at byte 0: truncated: expected a data item");
    CHECK(error_of("8301") == "cbor: at byte 0: truncated: container declares 3 items, 1 bytes remain");
    CHECK(error_of("a1616b") == "cbor: at byte 3: truncated: expected a data item");
    CHECK(error_of("1a0001") == "cbor: at byte 0: truncated: head needs 5 bytes, 3 remain");
    CHECK(error_of("0102") == "cbor: at byte 1: 1 trailing bytes after the item");
    CHECK(error_of("820102ff") == "cbor: at byte 3: 1 trailing bytes after the item");
    CHECK(error_of("1c") == "cbor: at byte 0: reserved additional information 28");
    CHECK(error_of("8201fe") == "cbor: at byte 2: reserved additional information 30");
    CHECK(error_of("1f") == "cbor: at byte 0: indefinite length is not allowed for major type 0");
    CHECK(error_of("df01") == "cbor: at byte 0: indefinite length is not allowed for major type 6");
    CHECK(error_of("ff") == "cbor: at byte 0: break outside an indefinite-length item");
    CHECK(error_of("8201ff") == "cbor: at byte 2: break outside an indefinite-length item");
    CHECK(error_of("f818") == "cbor: at byte 0: simple value 24 must use the one-byte form");
    CHECK(error_of("62c328") == "cbor: at byte 0: invalid utf-8 in text string");
    CHECK(error_of("5f6161ff") == "cbor: at byte 1: chunk of an indefinite-length string must be a definite string of the same type");
    CHECK(error_of("5f5f4100ffff") == "cbor: at byte 1: chunk of an indefinite-length string must be a definite string of the same type");
    CHECK(error_of("bf01ff") == "cbor: at byte 2: map ends after a key without its value");
    CHECK(error_of("9f01") == "cbor: at byte 2: truncated: expected a data item");
    // Duplicate keys, also when written differently (1 and 0x1801, 1.0 as half and as double).
    CHECK(error_of("a201020103") == "cbor: at byte 3: duplicate map key 1");
    CHECK(error_of("a20102180104") == "cbor: at byte 3: duplicate map key 1");
    CHECK(error_of("a2f93c0001fb3ff000000000000002") == "cbor: at byte 5: duplicate map key 1.0");
    CHECK(error_of("a1a2616101616102f6") == "cbor: at byte 5: duplicate map key \"a\"");
    cbor::Limits dup;
    dup.reject_duplicate_keys = false;
    CHECK(cbor::decode(hex_decode("a201020103"), dup).as_map().size() == 2);
}

TEST_CASE("hostile lengths and depth are refused without allocating") {
    // A byte string declaring 2^64-1 bytes, and arrays/maps declaring billions of items.
    CHECK(error_of("5bffffffffffffffff00") == "cbor: at byte 0: truncated: string declares 18446744073709551615 bytes, 1 remain");
    CHECK(error_of("7a7fffffff41") == "cbor: at byte 0: truncated: string declares 2147483647 bytes, 1 remain");
    CHECK(error_of("9bffffffffffffffff01") == "cbor: at byte 0: truncated: container declares 18446744073709551615 items, 1 bytes remain");
    CHECK(error_of("bb7fffffffffffffff01") == "cbor: at byte 0: truncated: container declares 18446744073709551614 items, 1 bytes remain");
    CHECK(error_of("bbffffffffffffffff01") == "cbor: at byte 0: map length too large");
    // Depth bombs: nested arrays and tag chains.
    std::string deep(200, '8');
    for (std::size_t i = 1; i < deep.size(); i += 2) deep[i] = '1';
    CHECK(error_of((deep + "00").c_str()) == "cbor: at byte 64: nesting deeper than 64 levels");
    std::string tags;
    for (int i = 0; i < 100; ++i) tags += "c1";
    CHECK(error_of((tags + "00").c_str()) == "cbor: at byte 64: nesting deeper than 64 levels");
    std::string ok;
    for (int i = 0; i < 64; ++i) ok += "81";
    CHECK_NOTHROW(cbor::decode(hex_decode(ok + "00")));
    cbor::Limits lim;
    lim.max_items = 3;
    CHECK(error_of("8401020304", lim) == "cbor: at byte 3: more than 3 items");
    lim = {};
    lim.max_size = 4;
    CHECK(error_of("8401020304", lim) == "cbor: input of 5 bytes exceeds the limit of 4");
}

TEST_CASE("sequences and prefixes") {
    Bytes seq = hex_decode("01a10203f6");
    auto items = cbor::decode_sequence(seq);
    REQUIRE(items.size() == 3);
    CHECK(items[1].span()->offset == 1);
    CHECK(items[2].span()->offset == 4);
    std::size_t used = 0;
    CHECK(cbor::decode_prefix(seq, used).as_uint() == 1);
    CHECK(used == 1);
    CHECK(cbor::decode_sequence({}).empty());
}

TEST_CASE("value model accessors and equality") {
    Value v = Value::integer(-5);
    CHECK(v.is_int());
    CHECK(!v.is_uint());
    CHECK(v.negative_argument() == 4);
    CHECK(v.type() == cbor::Type::negative_int);
    try {
        (void)v.as_text();
        FAIL("expected a type error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "cbor: expected text string, got negative integer");
    }
    CHECK(Value::simple(20) == Value::boolean(false));
    CHECK(Value::simple(22).is_null());
    CHECK(Value::simple(23).is_undefined());
    CHECK_THROWS_AS(Value::simple(25), Error);
    CHECK(Value::floating(NAN) == Value::floating(NAN));
    CHECK(!(Value::floating(0.0) == Value::floating(-0.0)));
    CHECK(!(Value::uint(1) == Value::floating(1.0)));
    // Maps compare without regard to order.
    Value a = cbor::decode(hex_decode("a201020304"));
    Value b = cbor::decode(hex_decode("a203040102"));
    CHECK(a == b);
    CHECK(!(a == cbor::decode(hex_decode("a201020305"))));
    CHECK(Value::tag(1, Value::uint(2)) == cbor::decode(hex_decode("c102")));
}

TEST_CASE("diagnostic notation: escapes, pretty form and embedded cbor") {
    CHECK(cbor::diagnostic(Value::text("a\nb\x01")) == "\"a\\nb\\u0001\"");
    Value cose = cbor::decode(hex_decode("d28443a10126a10442313154546869732069732074686520636f6e74656e742e40"));
    CHECK(cbor::diagnostic(cose) ==
          "18([h'a10126', {4: h'3131'}, h'546869732069732074686520636f6e74656e742e', h''])");
    cbor::DiagnosticOptions opt;
    opt.embedded_cbor = true;
    CHECK(cbor::diagnostic(cose, opt) ==
          "18([<<{1: -7}>>, {4: h'3131'}, h'546869732069732074686520636f6e74656e742e', h''])");
    CHECK(cbor::diagnostic(cbor::decode(hex_decode("a2018202a003a0")), true) ==
          "{\n  1: [\n    2,\n    {}\n  ],\n  3: {}\n}");
}
