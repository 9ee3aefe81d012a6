#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/key.hpp"
#include "vectors.hpp"

using namespace iotops;
using iotops::test::read_vector;
using iotops::test::read_vector_text;
using iotops::test::vector_path;
using iotops::crypto::cose::Verdict;

namespace {

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("expected an Error");
    return ErrorKind::internal;
}

// A SUIT envelope's authentication wrapper, taken apart as the verifier needs it.
struct SuitAuth {
    Bytes digest_item;        // the encoded SUIT_Digest (content of SUIT_Authentication[0])
    std::vector<Bytes> blocks;  // each COSE_Sign1, as carried in its bstr
    Bytes manifest_bstr;        // envelope key 3, the whole bstr item with its header
};

SuitAuth suit_auth(const Bytes& envelope_bytes) {
    cbor::Value envelope = cbor::decode(envelope_bytes);
    REQUIRE(envelope.is_tag());
    REQUIRE(envelope.tag_number() == 107);
    const cbor::Value& map = envelope.tag_content();
    const cbor::Value* wrapper = map.find(2);
    const cbor::Value* manifest = map.find(3);
    REQUIRE(wrapper);
    REQUIRE(manifest);
    cbor::Value auth = cbor::decode(wrapper->as_bytes());
    REQUIRE(auth.is_array());
    REQUIRE(auth.as_array().size() >= 2);
    SuitAuth out;
    out.digest_item = auth.as_array()[0].as_bytes();
    for (std::size_t i = 1; i < auth.as_array().size(); ++i) out.blocks.push_back(auth.as_array()[i].as_bytes());
    ByteView m = manifest->original_bytes(envelope_bytes);
    out.manifest_bstr.assign(m.begin(), m.end());
    return out;
}

struct CoseVector {
    const char* name;
    const char* signer_cert;
};
const CoseVector cbrski[] = {
    {"voucher/cose/pvr.hex", "voucher/cose/pledge.pem"},
    {"voucher/cose/rvr.hex", "voucher/cose/registrar.pem"},
    {"voucher/cose/voucher.hex", "voucher/cose/masa_ca.pem"},
};

// Where the unprotected header map sits in an encoded message (it is not signed).
cbor::Span unprotected_span(const Bytes& message) {
    cbor::Value v = cbor::decode(message);
    const cbor::Value& body = v.is_tag() ? v.tag_content() : v;
    return *body.as_array()[1].span();
}

// Every single-byte change outside the unprotected header must give a clean malformed error or a
// failed verification.
void check_tampering(const Bytes& good, const std::function<Verdict(const crypto::cose::Sign1&)>& verify) {
    int parse_errors = 0, failed = 0;
    cbor::Span unprotected = unprotected_span(good);
    for (std::size_t i = 0; i < good.size(); ++i) {
        if (i > unprotected.offset && i < unprotected.offset + unprotected.length) continue;
        for (std::uint8_t mask : {0x01, 0x80}) {
            Bytes bad = good;
            bad[i] ^= mask;
            CAPTURE(i);
            CAPTURE(mask);
            try {
                crypto::cose::Sign1 s = crypto::cose::Sign1::parse(bad);
                Verdict v = verify(s);
                CHECK_FALSE(v.ok);
                ++failed;
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::malformed);
                ++parse_errors;
            }
        }
    }
    CHECK(parse_errors > 0);
    CHECK(failed > 0);
}

}  // namespace

TEST_CASE("algorithms: ids, names and key types") {
    CHECK(static_cast<int>(crypto::cose::Algorithm::es256) == -7);
    CHECK(static_cast<int>(crypto::cose::Algorithm::esp256) == -9);
    CHECK(static_cast<int>(crypto::cose::Algorithm::es384) == -35);
    CHECK(static_cast<int>(crypto::cose::Algorithm::eddsa) == -8);
    CHECK(static_cast<int>(crypto::cose::Algorithm::ed25519) == -19);
    CHECK(static_cast<int>(crypto::cose::Algorithm::hmac256) == 5);
    CHECK(crypto::cose::parse_algorithm("es256") == crypto::cose::Algorithm::es256);
    CHECK(crypto::cose::parse_algorithm("ESP256") == crypto::cose::Algorithm::esp256);
    CHECK(crypto::cose::parse_algorithm("-19") == crypto::cose::Algorithm::ed25519);
    CHECK(crypto::cose::parse_algorithm("HMAC 256/256") == crypto::cose::Algorithm::hmac256);
    CHECK(kind_of([] { crypto::cose::parse_algorithm("PS256"); }) == ErrorKind::usage);
    CHECK_FALSE(crypto::cose::algorithm_from_id(-37));
    CHECK(crypto::cose::required_key_type(crypto::cose::Algorithm::esp256) == crypto::KeyType::p256);
    CHECK(crypto::cose::required_key_type(crypto::cose::Algorithm::es384) == crypto::KeyType::p384);
    CHECK(crypto::cose::required_key_type(crypto::cose::Algorithm::ed25519) == crypto::KeyType::ed25519);
    CHECK(crypto::cose::default_algorithm(crypto::KeyType::ed25519) == crypto::cose::Algorithm::eddsa);
}

TEST_CASE("SUIT examples 0-5: manifest digest and detached COSE_Sign1 verify") {
    auto key = crypto::PublicKey::load_file(vector_path("suit/manifest-spec/public_key.pem"));
    auto other = crypto::PrivateKey::generate(crypto::KeyType::p256).public_key();
    for (int n = 0; n <= 5; ++n) {
        CAPTURE(n);
        Bytes envelope = read_vector("suit/manifest-spec/example" + std::to_string(n) + ".suit");
        SuitAuth auth = suit_auth(envelope);

        // SUIT_Digest = [-16, sha256(manifest bstr, header included)]
        cbor::Value digest = cbor::decode(auth.digest_item);
        REQUIRE(digest.as_array().size() == 2);
        CHECK(digest.as_array()[0].as_int() == -16);
        CHECK(digest.as_array()[1].as_bytes() == crypto::digest(crypto::Hash::sha256, auth.manifest_bstr));

        REQUIRE(auth.blocks.size() == 1);
        for (const Bytes& block : auth.blocks) {
            crypto::cose::Sign1 s = crypto::cose::Sign1::parse(block);
            CHECK(s.tagged());
            CHECK(s.detached());
            CHECK(s.algorithm_id() == -7);
            CHECK(s.verify_detached(key, auth.digest_item).ok);
            CHECK_FALSE(s.verify_detached(other, auth.digest_item).ok);
            // Wrapping the digest once more (a known signer bug) must not verify.
            CHECK_FALSE(s.verify_detached(key, cbor::encode(cbor::Value::bytes(auth.digest_item))).ok);
            CHECK(kind_of([&] { (void)s.verify(key); }) == ErrorKind::usage);
            // Re-encoding a parsed message gives the same bytes.
            CHECK(s.encode() == block);
            check_tampering(block, [&](const crypto::cose::Sign1& t) { return t.verify_detached(key, auth.digest_item); });
        }
        // A changed digest (the detached payload) fails.
        Bytes changed = auth.digest_item;
        changed.back() ^= 0x01;
        CHECK_FALSE(crypto::cose::Sign1::parse(auth.blocks[0]).verify_detached(key, changed).ok);
    }
}

TEST_CASE("SUIT example 2: severable members do not enter the manifest digest") {
    Bytes envelope = read_vector("suit/manifest-spec/example2.suit");
    cbor::Value env = cbor::decode(envelope);
    CHECK(env.tag_content().find(20) != nullptr);
    CHECK(env.tag_content().find(23) != nullptr);
    SuitAuth auth = suit_auth(envelope);
    cbor::Value digest = cbor::decode(auth.digest_item);
    CHECK(digest.as_array()[1].as_bytes() == crypto::digest(crypto::Hash::sha256, auth.manifest_bstr));
    // Hashing only the manifest map (without its bstr header) does not match.
    CHECK(digest.as_array()[1].as_bytes() !=
          crypto::digest(crypto::Hash::sha256, env.tag_content().find(3)->as_bytes()));
}

TEST_CASE("cBRSKI vectors verify with their signers' keys") {
    for (const auto& v : cbrski) {
        CAPTURE(v.name);
        Bytes bytes = hex_decode(read_vector_text(v.name));
        auto cert = crypto::Certificate::load_file(vector_path(v.signer_cert));
        crypto::cose::Sign1 s = crypto::cose::Sign1::parse(bytes);
        CHECK(s.tagged());
        CHECK_FALSE(s.detached());
        CHECK(s.protected_bytes() == Bytes{0xa1, 0x01, 0x26});
        CHECK(s.algorithm_id() == -7);
        CHECK(s.signature().size() == 64);
        CHECK(s.verify(cert).ok);
        CHECK(s.verify(cert.public_key()).ok);
        CHECK(s.encode() == bytes);
        CHECK(crypto::cose::Sign1::parse(s.encode(crypto::cose::Form::untagged)).verify(cert).ok);
        // The payload is the unsigned artifact published next to it.
        std::string unsigned_name = std::string(v.name).replace(std::string(v.name).find(".hex"), 4, "-nonsigned.hex");
        CHECK(*s.payload() == hex_decode(read_vector_text(unsigned_name)));
        // A detached-payload call on an attached message is a usage error.
        CHECK(kind_of([&] { (void)s.verify_detached(cert, *s.payload()); }) == ErrorKind::usage);
        // External AAD changes what was signed.
        CHECK_FALSE(s.verify(cert, to_bytes("aad")).ok);
    }
    // The wrong signer fails.
    Bytes pvr = hex_decode(read_vector_text("voucher/cose/pvr.hex"));
    auto registrar = crypto::Certificate::load_file(vector_path("voucher/cose/registrar.pem"));
    Verdict wrong = crypto::cose::Sign1::parse(pvr).verify(registrar);
    CHECK_FALSE(wrong.ok);
    CHECK_FALSE(wrong.reason.empty());
}

TEST_CASE("cBRSKI vectors: every changed byte fails cleanly") {
    for (const auto& v : cbrski) {
        CAPTURE(v.name);
        Bytes bytes = hex_decode(read_vector_text(v.name));
        auto key = crypto::Certificate::load_file(vector_path(v.signer_cert)).public_key();
        check_tampering(bytes, [&](const crypto::cose::Sign1& t) { return t.verify(key); });

        // Targeted: one byte in each region, all parse and fail verification.
        crypto::cose::Sign1 s = crypto::cose::Sign1::parse(bytes);
        std::size_t payload_at = bytes.size() - 66 - s.payload()->size() + 10;
        for (std::size_t i : {std::size_t{5} /* alg -7 -> other */, payload_at, bytes.size() - 1, bytes.size() - 40}) {
            Bytes bad = bytes;
            bad[i] ^= 0x02;
            CAPTURE(i);
            CHECK_FALSE(crypto::cose::Sign1::parse(bad).verify(key).ok);
        }
        // The unprotected header is not signed: a changed byte inside the RVR's x5bag certificate still
        // verifies, but reading that certificate then fails or gives another certificate.
        cbor::Span u = unprotected_span(bytes);
        if (u.length > 100) {
            Bytes changed = bytes;
            changed[u.offset + u.length - 10] ^= 0x01;
            crypto::cose::Sign1 c = crypto::cose::Sign1::parse(changed);
            CHECK(c.verify(key).ok);
            CHECK_FALSE(*c.unprotected_header().find(crypto::cose::label::x5bag) == *s.unprotected_header().find(crypto::cose::label::x5bag));
        }
        // Truncation is malformed.
        Bytes cut(bytes.begin(), bytes.end() - 1);
        CHECK(kind_of([&] { crypto::cose::Sign1::parse(cut); }) == ErrorKind::malformed);
    }
}

TEST_CASE("malformed structures are Error(malformed)") {
    auto bad = [](const std::string& hex) { return kind_of([&] { crypto::cose::Sign1::parse(hex_decode(hex)); }); };
    CHECK(bad("") == ErrorKind::malformed);
    CHECK(bad("83404040") == ErrorKind::malformed);          // 3 items
    CHECK(bad("d1844043a10126a04040") == ErrorKind::malformed);  // tag 17 is Mac0
    CHECK(bad("84a0a04040") == ErrorKind::malformed);        // protected not a bstr
    CHECK(bad("844180a04040") == ErrorKind::malformed);      // protected holds an array
    CHECK(bad("844101a04040") == ErrorKind::malformed);      // protected holds an integer
    CHECK(bad("8443a10126a1012640f6") == ErrorKind::malformed);  // alg in both buckets; signature nil
    CHECK(bad("8443a10126a101264040") == ErrorKind::malformed);  // alg in both buckets
    CHECK(bad("8443a10126a0014040") == ErrorKind::malformed);    // payload an integer
    CHECK(bad("8443a10126a040f6") == ErrorKind::malformed);      // signature nil
    CHECK(bad("8443a10441a04040") == ErrorKind::malformed);      // protected holds a truncated map
    CHECK(bad("8444a1044000a04040") == ErrorKind::malformed);    // trailing byte in protected
    CHECK(bad("8443a10401a04040") == ErrorKind::malformed);      // kid not a bstr
    CHECK(bad("8443a10126a0404040") == ErrorKind::malformed);    // 5 items
    CHECK(bad("8440a1024101f640") == ErrorKind::malformed);      // crit unprotected
    // Well-formed and accepted: empty protected, empty payload, untagged.
    crypto::cose::Sign1 s = crypto::cose::Sign1::parse(hex_decode("8440a04040"));
    CHECK_FALSE(s.tagged());
    CHECK(s.protected_header().empty());
    Verdict v = s.verify(crypto::PrivateKey::generate(crypto::KeyType::p256).public_key());
    CHECK_FALSE(v.ok);
    CHECK(v.reason == "no alg header");
}

TEST_CASE("sign and verify round trip for every signature algorithm") {
    struct Case {
        crypto::cose::Algorithm alg;
        crypto::KeyType type;
        std::size_t sig_size;
    };
    const Case cases[] = {
        {crypto::cose::Algorithm::es256, crypto::KeyType::p256, 64},   {crypto::cose::Algorithm::esp256, crypto::KeyType::p256, 64},
        {crypto::cose::Algorithm::es384, crypto::KeyType::p384, 96},   {crypto::cose::Algorithm::eddsa, crypto::KeyType::ed25519, 64},
        {crypto::cose::Algorithm::ed25519, crypto::KeyType::ed25519, 64},
    };
    Bytes payload = to_bytes("{\"hello\":\"cose\"}");
    for (const auto& c : cases) {
        CAPTURE(crypto::cose::algorithm_name(c.alg));
        auto key = crypto::PrivateKey::generate(c.type);
        auto other = crypto::PrivateKey::generate(c.type);

        crypto::cose::Options options;
        options.protected_header.set_kid(to_bytes("key-1"));
        options.protected_header.set_content_type(std::uint64_t{836});
        options.unprotected_header.set(-65537, cbor::Value::text("private"));
        crypto::cose::Sign1 signed1 = crypto::cose::Sign1::sign(key, c.alg, payload, options);
        CHECK(signed1.signature().size() == c.sig_size);

        for (crypto::cose::Form form : {crypto::cose::Form::tagged, crypto::cose::Form::untagged}) {
            Bytes wire = signed1.encode(form);
            CHECK((wire[0] == 0xd2) == (form == crypto::cose::Form::tagged));
            crypto::cose::Sign1 s = crypto::cose::Sign1::parse(wire);
            CHECK(s.algorithm_id() == static_cast<std::int64_t>(c.alg));
            CHECK(s.protected_header().kid() == to_bytes("key-1"));
            CHECK(s.protected_header().content_type() == crypto::cose::ContentType(std::uint64_t{836}));
            CHECK(s.unprotected_header().find(-65537)->as_text() == "private");
            CHECK(*s.payload() == payload);
            CHECK(s.verify(key.public_key()).ok);
            CHECK_FALSE(s.verify(other.public_key()).ok);
            // The unprotected header is not signed: stripping it keeps the signature valid.
            s.unprotected_header().remove(-65537);
            CHECK(crypto::cose::Sign1::parse(s.encode()).verify(key.public_key()).ok);
        }

        // Detached payload with external AAD.
        options.detached = true;
        options.external_aad = to_bytes("aad");
        crypto::cose::Sign1 d = crypto::cose::Sign1::parse(crypto::cose::Sign1::sign(key, c.alg, payload, options).encode());
        CHECK(d.detached());
        CHECK(d.verify_detached(key.public_key(), payload, to_bytes("aad")).ok);
        CHECK_FALSE(d.verify_detached(key.public_key(), payload).ok);
        CHECK_FALSE(d.verify_detached(key.public_key(), to_bytes("other"), to_bytes("aad")).ok);

        // A reusable signer gives the same kind of message.
        crypto::cose::Signer signer(key, c.alg);
        crypto::cose::Verifier verifier(key.public_key());
        for (int i = 0; i < 3; ++i) {
            Bytes msg = to_bytes("message " + std::to_string(i));
            crypto::cose::Sign1 s = crypto::cose::Sign1::parse(crypto::cose::Sign1::sign(signer, msg).encode());
            CHECK(s.verify(verifier).ok);
        }
    }
}

TEST_CASE("key type must fit the algorithm") {
    auto p256 = crypto::PrivateKey::generate(crypto::KeyType::p256);
    auto p384 = crypto::PrivateKey::generate(crypto::KeyType::p384);
    auto ed = crypto::PrivateKey::generate(crypto::KeyType::ed25519);
    Bytes payload = to_bytes("x");
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p384, crypto::cose::Algorithm::es256, payload); }) == ErrorKind::usage);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p384, crypto::cose::Algorithm::esp256, payload); }) == ErrorKind::usage);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p256, crypto::cose::Algorithm::es384, payload); }) == ErrorKind::usage);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p256, crypto::cose::Algorithm::eddsa, payload); }) == ErrorKind::usage);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(ed, crypto::cose::Algorithm::es256, payload); }) == ErrorKind::usage);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p256, crypto::cose::Algorithm::hmac256, payload); }) == ErrorKind::usage);
    // alg in the caller's protected header must agree.
    crypto::cose::Options options;
    options.protected_header.set_alg(crypto::cose::Algorithm::es384);
    CHECK(kind_of([&] { crypto::cose::Sign1::sign(p256, crypto::cose::Algorithm::es256, payload, options); }) == ErrorKind::usage);

    // Verifying an ES256 message with a P-384 key is a failed verdict that says why.
    crypto::cose::Sign1 s = crypto::cose::Sign1::sign(p256, crypto::cose::Algorithm::es256, payload);
    Verdict v = s.verify(p384.public_key());
    CHECK_FALSE(v.ok);
    CHECK(v.reason.find("P-256") != std::string::npos);
    // Unsupported algorithm in a well-formed message.
    crypto::cose::Sign1 ps = crypto::cose::Sign1::parse(hex_decode("8444a1013824a04140" "4140"));
    Verdict u = ps.verify(p256.public_key());
    CHECK_FALSE(u.ok);
    CHECK(u.reason.find("unsupported algorithm -37") != std::string::npos);
}

TEST_CASE("x5chain and x5bag headers carry certificates") {
    auto pledge = crypto::Certificate::load_file(vector_path("voucher/cose/pledge.pem"));
    auto registrar = crypto::Certificate::load_file(vector_path("voucher/cose/registrar.pem"));
    auto domain_ca = crypto::Certificate::load_file(vector_path("voucher/cose/domain_ca.pem"));
    auto key = crypto::PrivateKey::load_file(vector_path("voucher/cose/key-privkey_registrar.pem"));
    crypto::cose::Options options;
    options.protected_header.set_x5chain({registrar, domain_ca});
    options.unprotected_header.set_x5bag({pledge});
    crypto::cose::Sign1 s = crypto::cose::Sign1::parse(crypto::cose::Sign1::sign(key, crypto::cose::Algorithm::es256, to_bytes("rvr"), options).encode());
    auto chain = s.protected_header().x5chain();
    REQUIRE(chain);
    REQUIRE(chain->size() == 2);
    CHECK((*chain)[0] == registrar);
    CHECK((*chain)[1] == domain_ca);
    auto bag = s.unprotected_header().x5bag();
    REQUIRE(bag);
    REQUIRE(bag->size() == 1);
    CHECK((*bag)[0] == pledge);
    CHECK(s.header(crypto::cose::label::x5bag)->is_bytes());  // one certificate: a bare bstr
    CHECK(s.verify((*chain)[0]).ok);
    CHECK_FALSE(s.unprotected_header().x5chain());

    // A forwarder strips the unprotected x5bag; the signature still holds.
    s.unprotected_header().remove(crypto::cose::label::x5bag);
    CHECK(crypto::cose::Sign1::parse(s.encode()).verify(registrar).ok);

    // A bstr that is not a certificate is malformed when read.
    crypto::cose::HeaderMap h;
    h.set(crypto::cose::label::x5chain, cbor::Value::bytes(to_bytes("nope")));
    CHECK(kind_of([&] { (void)h.x5chain(); }) == ErrorKind::malformed);
    h.set(crypto::cose::label::x5chain, cbor::Value::uint(3));
    CHECK(kind_of([&] { (void)h.x5chain(); }) == ErrorKind::malformed);
}

TEST_CASE("critical headers that are not understood fail verification") {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::cose::Options options;
    options.protected_header.set(crypto::cose::label::crit, cbor::Value::array({cbor::Value::integer(-70000)}));
    options.protected_header.set(-70000, cbor::Value::boolean(true));
    Verdict v = crypto::cose::Sign1::parse(crypto::cose::Sign1::sign(key, crypto::cose::Algorithm::es256, to_bytes("p"), options).encode())
                    .verify(key.public_key());
    CHECK_FALSE(v.ok);
    CHECK(v.reason.find("critical") != std::string::npos);
    crypto::cose::Options known;
    known.protected_header.set(crypto::cose::label::crit, cbor::Value::array({cbor::Value::integer(crypto::cose::label::kid)}));
    known.protected_header.set_kid(to_bytes("k"));
    CHECK(crypto::cose::Sign1::parse(crypto::cose::Sign1::sign(key, crypto::cose::Algorithm::es256, to_bytes("p"), known).encode())
              .verify(key.public_key())
              .ok);
}

TEST_CASE("COSE_Mac0 with HMAC 256/256") {
    Bytes key(32, 0x11);
    Bytes other(32, 0x22);
    Bytes payload = to_bytes("telemetry");
    crypto::cose::Options options;
    options.protected_header.set_kid(to_bytes("our-secret"));
    Bytes wire = crypto::cose::Mac0::create(key, payload, options).encode();
    CHECK(wire[0] == 0xd1);
    crypto::cose::Mac0 m = crypto::cose::Mac0::parse(wire);
    CHECK(m.tagged());
    CHECK(m.algorithm_id() == 5);
    CHECK(m.tag().size() == 32);
    CHECK(m.verify(key).ok);
    CHECK_FALSE(m.verify(other).ok);
    CHECK_FALSE(m.verify(key, to_bytes("aad")).ok);
    CHECK(crypto::cose::Mac0::parse(m.encode(crypto::cose::Form::untagged)).verify(key).ok);
    CHECK(kind_of([&] { crypto::cose::Sign1::parse(wire); }) == ErrorKind::malformed);  // tag 17 is not a Sign1

    for (std::size_t i = 0; i < wire.size(); ++i) {
        Bytes bad = wire;
        bad[i] ^= 0x01;
        CAPTURE(i);
        std::optional<crypto::cose::Mac0> parsed;
        try {
            parsed = crypto::cose::Mac0::parse(bad);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
        }
        if (parsed) CHECK_FALSE(parsed->verify(key).ok);
    }

    options.detached = true;
    crypto::cose::Mac0 d = crypto::cose::Mac0::parse(crypto::cose::Mac0::create(key, payload, options).encode());
    CHECK(d.detached());
    CHECK(d.verify_detached(key, payload).ok);
    CHECK_FALSE(d.verify_detached(key, to_bytes("telemetrY")).ok);

    CHECK(kind_of([&] { crypto::cose::Mac0::create(Bytes(16, 1), payload); }) == ErrorKind::usage);
    // A Sign1 algorithm in a Mac0 is refused.
    crypto::cose::Mac0 wrong = crypto::cose::Mac0::parse(hex_decode("d18443a10126a0" "4170" "5820" + std::string(64, '0')));
    CHECK_FALSE(wrong.verify(key).ok);
}

TEST_CASE("MAC_structure is built as RFC 9052 section 6.3 says") {
    // MAC_structure ["MAC0", h'a10105', h'', h'7061796c6f6164'] built by hand.
    Bytes key(32, 0x42);
    crypto::cose::Mac0 m = crypto::cose::Mac0::create(key, to_bytes("payload"));
    CHECK(m.protected_bytes() == hex_decode("a10105"));
    CHECK(m.to_be_maced(to_bytes("payload")) == hex_decode("84644d41433043a1010540477061796c6f6164"));
}

TEST_CASE("new messages encode headers deterministically") {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::ed25519);
    crypto::cose::Options options;
    options.protected_header.set_kid(to_bytes("k"));
    options.protected_header.set_content_type(std::string("application/cbor"));
    options.unprotected_header.set(-1, cbor::Value::uint(1));
    options.unprotected_header.set(4 + 100, cbor::Value::uint(2));
    options.unprotected_header.set(5, cbor::Value::uint(3));
    crypto::cose::Sign1 s = crypto::cose::Sign1::sign(key, crypto::cose::Algorithm::ed25519, to_bytes("p"), options);
    // Protected: {1: -19, 3: "application/cbor", 4: h'6b'} in RFC 8949 core deterministic order.
    CHECK(s.protected_bytes() == hex_decode("a3013203706170706c69636174696f6e2f63626f7204416b"));
    // Unprotected: keys 5, 104, -1 (bytewise order of their encodings: 05, 18 68, 20).
    Bytes wire = s.encode(crypto::cose::Form::untagged);
    Bytes expected_unprotected = hex_decode("a30503186802" "2001");
    CHECK(std::search(wire.begin(), wire.end(), expected_unprotected.begin(), expected_unprotected.end()) != wire.end());
    // Ed25519 signatures are deterministic: signing again gives the same bytes.
    CHECK(crypto::cose::Sign1::sign(key, crypto::cose::Algorithm::ed25519, to_bytes("p"), options).encode() == s.encode());
}

TEST_CASE("cBRSKI RVR: unprotected x5bag read as certificates") {
    crypto::cose::Sign1 rvr = crypto::cose::Sign1::parse(hex_decode(read_vector_text("voucher/cose/rvr.hex")));
    CHECK_FALSE(rvr.protected_header().contains(crypto::cose::label::x5bag));
    auto bag = rvr.unprotected_header().x5bag();
    REQUIRE(bag);
    REQUIRE(bag->size() == 2);
    // The bag's first certificate is a registrar certificate for the same key as registrar.pem.
    auto registrar = crypto::Certificate::load_file(vector_path("voucher/cose/registrar.pem"));
    CHECK((*bag)[0].subject().find("Registrar") != std::string::npos);
    CHECK((*bag)[0].public_key() == registrar.public_key());
    CHECK(rvr.verify((*bag)[0]).ok);
    // The second is the self-signed CA that issued it.
    CHECK((*bag)[1].self_signed());
    CHECK((*bag)[0].issuer() == (*bag)[1].subject());
    CHECK_FALSE(rvr.verify((*bag)[1]).ok);
}
