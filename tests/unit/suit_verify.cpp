// SUIT verification: the six spec examples verify with the published key; any changed byte fails.
#include <doctest/doctest.h>

#include <string>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/suit.hpp"
#include "vectors.hpp"

using namespace iotops;
using iotops::test::read_vector;
using iotops::test::vector_path;

namespace {

std::string example(int n) { return "suit/manifest-spec/example" + std::to_string(n) + ".suit"; }

suit::TrustAnchors spec_key() {
    suit::TrustAnchors a;
    a.keys.push_back(crypto::PublicKey::load_file(vector_path("suit/manifest-spec/public_key.pem")));
    return a;
}

const iotops::Check* find(const suit::VerifyReport& r, const std::string& name) {
    for (const auto& c : r.checks)
        if (c.name == name) return &c;
    return nullptr;
}

// Verifies a damaged envelope: a verdict that fails, or Error(malformed); never a pass.
bool rejected(const Bytes& data, const suit::TrustAnchors& anchors) {
    try {
        return !suit::verify(suit::Envelope::parse(data), anchors).ok();
    } catch (const Error& e) {
        return e.kind() == ErrorKind::malformed;
    }
}

// Where an item lies in the envelope: [begin, end).
std::pair<std::size_t, std::size_t> span_of(const cbor::Value& v) { return {v.span()->offset, v.span()->offset + v.span()->length}; }

}  // namespace

TEST_CASE("the six spec examples verify with public_key.pem") {
    auto anchors = spec_key();
    for (int n = 0; n <= 5; ++n) {
        CAPTURE(n);
        auto r = suit::verify(suit::Envelope::parse(read_vector(example(n))), anchors);
        CHECK(r.ok());
        REQUIRE(find(r, "manifest-digest"));
        CHECK(find(r, "manifest-digest")->ok);
        REQUIRE(find(r, "authentication-block[1]"));
        CHECK(find(r, "authentication-block[1]")->ok);
        CHECK(r.to_json()["result"] == "valid");
    }
}

TEST_CASE("another key does not verify; a certificate's key does") {
    suit::TrustAnchors other;
    other.keys.push_back(crypto::PrivateKey::generate(crypto::KeyType::p256).public_key());
    auto r = suit::verify(suit::Envelope::parse(read_vector(example(1))), other);
    CHECK_FALSE(r.ok());
    CHECK(find(r, "manifest-digest")->ok);
    CHECK_FALSE(find(r, "authentication-block[1]")->ok);
    // a wrong key first and the right one second: the block holds
    other.keys.push_back(spec_key().keys[0]);
    CHECK(suit::verify(suit::Envelope::parse(read_vector(example(1))), other).ok());
}

TEST_CASE("a changed byte in the manifest or the authentication wrapper fails verification") {
    auto anchors = spec_key();
    for (int n = 0; n <= 5; ++n) {
        CAPTURE(n);
        Bytes good = read_vector(example(n));
        cbor::Value env = cbor::decode(good).tag_content();
        auto [auth_begin, auth_end] = span_of(*env.find(2));
        auto [man_begin, man_end] = span_of(*env.find(3));
        std::size_t tried = 0;
        for (auto [begin, end] : {std::pair{auth_begin, auth_end}, std::pair{man_begin, man_end}}) {
            for (std::size_t i = begin; i < end; ++i) {
                Bytes bad = good;
                bad[i] ^= 0x01;
                CAPTURE(i);
                CHECK(rejected(bad, anchors));
                ++tried;
            }
        }
        CHECK(tried > 200);
    }
}

TEST_CASE("a changed signature byte is a failed authentication-block check, not an error") {
    Bytes good = read_vector(example(0));
    auto env = suit::Envelope::parse(good);
    auto sig = crypto::cose::Sign1::parse(env.authentication_blocks[0]).signature();
    // find the signature bytes in the envelope and flip the last one
    auto it = std::search(good.begin(), good.end(), sig.begin(), sig.end());
    REQUIRE(it != good.end());
    Bytes bad = good;
    bad[static_cast<std::size_t>(it - good.begin()) + sig.size() - 1] ^= 0x80;
    auto r = suit::verify(suit::Envelope::parse(bad), spec_key());
    CHECK_FALSE(r.ok());
    CHECK(find(r, "manifest-digest")->ok);
    CHECK_FALSE(find(r, "authentication-block[1]")->ok);
}

TEST_CASE("example 2: severed install and text verify against their digests; a changed byte fails that check") {
    Bytes good = read_vector(example(2));
    auto anchors = spec_key();
    auto r = suit::verify(suit::Envelope::parse(good), anchors);
    CHECK(r.ok());
    REQUIRE(find(r, "severed-member:install"));
    REQUIRE(find(r, "severed-member:text"));
    CHECK(find(r, "severed-member:install")->ok);
    CHECK(find(r, "severed-member:text")->ok);

    cbor::Value env = cbor::decode(good).tag_content();
    for (std::int64_t member : {20, 23}) {
        CAPTURE(member);
        std::string name = member == 20 ? "severed-member:install" : "severed-member:text";
        auto [begin, end] = span_of(*env.find(member));
        std::size_t failed_check = 0;
        for (std::size_t i = begin; i < end; ++i) {
            Bytes bad = good;
            bad[i] ^= 0x01;
            CAPTURE(i);
            CHECK(rejected(bad, anchors));
            // a change inside a text string keeps the structure: the digest check names it
            try {
                auto rb = suit::verify(suit::Envelope::parse(bad), anchors);
                if (find(rb, name) && !find(rb, name)->ok) {
                    ++failed_check;
                    CHECK(find(rb, "manifest-digest")->ok);
                    CHECK(find(rb, "authentication-block[1]")->ok);
                }
            } catch (const Error&) {
            }
        }
        CHECK(failed_check > 10);
    }
}

TEST_CASE("COSE_Mac0 authentication blocks verify with the shared secret") {
    Bytes envelope_bytes = read_vector(example(0));
    auto env = suit::Envelope::parse(envelope_bytes);
    Bytes secret(32, 'a');
    crypto::cose::Options opts;
    opts.detached = true;
    auto mac = crypto::cose::Mac0::create(secret, env.digest_item, opts);
    // rebuild the authentication wrapper with the Mac0 in place of the Sign1
    cbor::Value root = cbor::decode(envelope_bytes);
    cbor::Value content = root.tag_content();
    cbor::Value wrapper = cbor::Value::array({cbor::Value::bytes(env.digest_item), cbor::Value::bytes(mac.encode())});
    content.set(cbor::Value::uint(2), cbor::Value::bytes(cbor::encode(wrapper)));
    Bytes rebuilt = cbor::encode_preserving_order(cbor::Value::tag(107, content));

    suit::TrustAnchors anchors;
    anchors.mac_keys.push_back(secret);
    CHECK(suit::verify(suit::Envelope::parse(rebuilt), anchors).ok());
    anchors.mac_keys[0][0] = 'b';
    auto r = suit::verify(suit::Envelope::parse(rebuilt), anchors);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(find(r, "authentication-block[1]")->ok);
    // and no MAC key at all is a failed check too
    CHECK_FALSE(suit::verify(suit::Envelope::parse(rebuilt), spec_key()).ok());
}
