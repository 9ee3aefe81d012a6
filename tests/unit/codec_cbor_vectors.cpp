// Every CBOR item among the public vectors decodes, re-encodes deterministically where the input
// already is deterministic, prints the published diagnostic notation, and keeps exact spans.
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "vectors.hpp"

using namespace iotops;
using cbor::Value;

namespace {

std::string lower_no_newlines(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }), s.end());
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

Bytes slice(ByteView v) { return Bytes(v.begin(), v.end()); }

Bytes sha256(ByteView data) {
    Bytes out(32);
    unsigned int n = 0;
    REQUIRE(EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr) == 1);
    return out;
}

// The COSE_Sign1 bstr-wrapped members decode too, and re-encode to their exact bytes.
void check_cose_sign1(const Value& v) {
    REQUIRE(v.is_tag());
    CHECK(v.tag_number() == 18);
    const auto& a = v.tag_content().as_array();
    REQUIRE(a.size() == 4);
    const Bytes& prot = a[0].as_bytes();
    CHECK(cbor::encode(cbor::decode(prot)) == prot);
    const Bytes& payload = a[2].as_bytes();
    CHECK(cbor::encode(cbor::decode(payload)) == payload);
}

}  // namespace

TEST_CASE("every cbor vector decodes; all of them are already deterministic") {
    // All of these were produced by deterministic encoders: definite lengths, shortest heads and
    // sorted integer map keys, so re-encoding must give identical bytes. (The .hex certificates in
    // the same folder are DER, not CBOR, and are not listed.)
    const char* suit[] = {"example0", "example1", "example2", "example3", "example4", "example5"};
    for (const char* name : suit) {
        CAPTURE(name);
        Bytes in = test::read_vector(std::string("suit/manifest-spec/") + name + ".suit");
        Value v = cbor::decode(in);
        CHECK(v.tag_number() == 107);
        CHECK(cbor::encode(v) == in);
        CHECK(cbor::encode_preserving_order(v) == in);
        CHECK(cbor::decode(cbor::encode(v)) == v);
    }
    const char* cose[] = {"voucher", "pvr", "rvr"};
    for (const char* name : cose) {
        CAPTURE(name);
        Bytes in = hex_decode(test::read_vector_text(std::string("voucher/cose/") + name + ".hex"));
        Value v = cbor::decode(in);
        CHECK(cbor::encode(v) == in);
        check_cose_sign1(v);
        // The published diagnostic notation, with its upper-case hex.
        std::string diag = test::read_vector_text(std::string("voucher/cose/") + name + ".cbordiag");
        CHECK(cbor::diagnostic(v) == lower_no_newlines(diag));
        Bytes payload = hex_decode(test::read_vector_text(std::string("voucher/cose/") + name + "-nonsigned.hex"));
        CHECK(v.tag_content().as_array()[2].as_bytes() == payload);
        Value pv = cbor::decode(payload);
        CHECK(cbor::encode(pv) == payload);
        std::string ptxt = test::read_vector_text(std::string("voucher/cose/") + name + "-nonsigned.txt");
        CHECK(lower_no_newlines(cbor::diagnostic(pv)) == lower_no_newlines(ptxt));
    }
}

TEST_CASE("suit example 0: spans of bstr-wrapped items are exact") {
    Bytes env = test::read_vector("suit/manifest-spec/example0.suit");
    REQUIRE(env.size() == 237);
    Value v = cbor::decode(env);
    const Value* auth = v.tag_content().find(2);
    REQUIRE(auth);
    // d8 6b | a2 | 02 | 58 73 <115 bytes>: the authentication wrapper bstr starts at byte 4.
    CHECK(auth->span()->offset == 4);
    CHECK(auth->span()->length == 117);
    CHECK(hex_encode(auth->original_bytes(env).first(6)) == "587382582482");

    const Bytes& wrapper_bytes = auth->as_bytes();
    Value wrapper = cbor::decode(wrapper_bytes);
    const Value& digest_bstr = wrapper.as_array()[0];
    CHECK(digest_bstr.span()->offset == 1);
    CHECK(digest_bstr.span()->length == 38);
    CHECK(hex_encode(digest_bstr.original_bytes(wrapper_bytes)) ==
          "5824822f58206658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af");
    Value digest = cbor::decode(digest_bstr.as_bytes());
    CHECK(digest.as_array()[0].as_int() == -16);
    const Bytes& expected = digest.as_array()[1].as_bytes();
    CHECK(hex_encode(expected) == "6658ea560262696dd1f13b782239a064da7c6c5cbaf52fded428a6fc83c7e5af");
    CHECK(digest.as_array()[1].original_bytes(digest_bstr.as_bytes()).size() == 34);

    // The signature is a COSE_Sign1 with a detached (null) payload.
    Value sig = cbor::decode(wrapper.as_array()[1].as_bytes());
    CHECK(sig.tag_number() == 18);
    CHECK(sig.tag_content().as_array()[2].is_null());

    // The manifest bstr runs from byte 122 to the end, and its digest (over the bstr-wrapped
    // manifest, header included) is the one in the authentication wrapper.
    const Value* manifest = v.tag_content().find(3);
    REQUIRE(manifest);
    CHECK(manifest->span()->offset == 122);
    CHECK(manifest->span()->length == 115);
    CHECK(sha256(manifest->original_bytes(env)) == expected);

    // Inside the manifest: common (key 3) holds components [[h'00']] and a shared sequence bstr.
    const Bytes& mbytes = manifest->as_bytes();
    Value m = cbor::decode(mbytes);
    CHECK(m.find(1)->as_uint() == 1);
    const Value* common = m.find(3);
    REQUIRE(common);
    CHECK(slice(common->original_bytes(mbytes)) ==
          slice(ByteView(mbytes).subspan(common->span()->offset, common->span()->length)));
    CHECK(hex_encode(common->original_bytes(mbytes).first(4)) == "585fa202");
    Value c = cbor::decode(common->as_bytes());
    CHECK(cbor::diagnostic(c.find(2)->as_array()[0]) == "[h'00']");
    CHECK(c.find(4)->span()->offset == 7);  // a2 02 81 81 41 00 04 [58 56 ...]
}

TEST_CASE("cose voucher: protected header and payload spans inside the COSE_Sign1") {
    Bytes in = hex_decode(test::read_vector_text("voucher/cose/voucher.hex"));
    Value v = cbor::decode(in);
    const auto& a = v.tag_content().as_array();
    // d2 84 43 a10126 a0 59 0527 <payload>
    CHECK(a[0].span()->offset == 2);
    CHECK(hex_encode(a[0].original_bytes(in)) == "43a10126");
    CHECK(a[1].span()->offset == 6);
    CHECK(a[2].span()->offset == 7);
    CHECK(a[2].span()->length == 3 + a[2].as_bytes().size());
    CHECK(a[3].span()->offset + a[3].span()->length == in.size());
    CHECK(hex_encode(a[3].original_bytes(in).first(3)) == "5840df");
}
