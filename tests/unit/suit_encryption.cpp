// SUIT payload encryption: the draft's published examples decrypt, and what we encrypt decrypts.
#include <doctest/doctest.h>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cipher.hpp"
#include "iotops/suit/encryption.hpp"
#include "support/vectors.hpp"

using namespace iotops;

namespace {
Bytes hex_vector(const std::string& name) {
    std::string t = test::read_vector_text("suit/firmware-encryption/" + name);
    std::string clean;
    for (char c : t)
        if (!isspace(static_cast<unsigned char>(c))) clean += c;
    return hex_decode(clean);
}
const std::string plaintext = "This is a real firmware image.";
suit::DecryptionKeys draft_keys() {
    suit::DecryptionKeys k;
    k.keks.push_back(test::read_vector("suit/firmware-encryption/kek-kid-1.bin"));
    k.private_keys.push_back(crypto::PrivateKey::load(test::read_vector("suit/firmware-encryption/receiver-kid-2.pem")));
    return k;
}
}  // namespace

TEST_CASE("draft example A128KW + A128CTR decrypts") {
    Bytes out = suit::decrypt_payload(hex_vector("suit-encryption-info-aes-kw-aes-ctr.hex"),
                                      hex_vector("encrypted-payload-aes-kw-aes-ctr.hex"), draft_keys());
    CHECK(to_string(out) == plaintext);
}

TEST_CASE("draft example ECDH-ES+A128KW + A128GCM decrypts") {
    Bytes out = suit::decrypt_payload(hex_vector("suit-encryption-info-es-ecdh-aes-gcm.hex"),
                                      hex_vector("encrypted-payload-es-ecdh-aes-gcm.hex"), draft_keys());
    CHECK(to_string(out) == plaintext);
}

TEST_CASE("draft example A128KW + A128GCM: the wrapped CEK is the draft's") {
    auto info = suit::EncryptionInfo::parse(hex_vector("suit-encryption-info-aes-kw-aes-gcm.hex"));
    REQUIRE(info.recipients.size() == 1);
    CHECK(info.content_alg == suit::alg_a128gcm);
    CHECK(to_string(info.recipients[0].kid) == "kid-1");
    Bytes cek = crypto::aes_key_unwrap(test::read_vector("suit/firmware-encryption/kek-kid-1.bin"),
                                       info.recipients[0].encrypted_cek);
    CHECK(hex_encode(cek, true) == "15F785B5C931414411B4B71373A9C0F7");
}

TEST_CASE("round trip: every key distribution with every content cipher") {
    auto device = crypto::PrivateKey::generate(crypto::KeyType::p256);
    Bytes kek = crypto::random_bytes(16);
    Bytes data = crypto::random_bytes(1000);
    suit::DecryptionKeys keys;
    keys.keks.push_back(kek);
    keys.private_keys.push_back(device);
    for (auto alg : {suit::alg_a128ctr, suit::alg_a128gcm}) {
        auto kw = suit::encrypt_payload(data, alg, {{kek, std::nullopt, to_bytes("k1")}});
        CHECK(suit::decrypt_payload(kw.encryption_info, kw.ciphertext, keys) == data);
        auto es = suit::encrypt_payload(data, alg, {{std::nullopt, device.public_key(), {}}});
        CHECK(suit::decrypt_payload(es.encryption_info, es.ciphertext, keys) == data);
        CHECK(es.ciphertext.size() == data.size() + (alg == suit::alg_a128gcm ? 16 : 0));
    }
}

TEST_CASE("wrong keys and damage are refused") {
    Bytes kek = crypto::random_bytes(16);
    auto enc = suit::encrypt_payload(to_bytes("firmware"), suit::alg_a128gcm, {{kek, std::nullopt, {}}});
    suit::DecryptionKeys wrong;
    wrong.keks.push_back(crypto::random_bytes(16));
    CHECK_THROWS_WITH_AS(suit::decrypt_payload(enc.encryption_info, enc.ciphertext, wrong),
                         doctest::Contains("no decryption key opens"), Error);
    suit::DecryptionKeys right;
    right.keks.push_back(kek);
    Bytes bad = enc.ciphertext;
    bad[0] ^= 1;
    CHECK_THROWS_WITH_AS(suit::decrypt_payload(enc.encryption_info, bad, right), doctest::Contains("tag does not verify"), Error);
    CHECK_THROWS_WITH_AS(suit::EncryptionInfo::parse(to_bytes("\x80")), doctest::Contains("COSE_Encrypt (tag 96)"), Error);
}

TEST_CASE("AES key wrap matches RFC 3394 section 4.1") {
    Bytes kek = hex_decode("000102030405060708090A0B0C0D0E0F");
    Bytes key = hex_decode("00112233445566778899AABBCCDDEEFF");
    CHECK(hex_encode(crypto::aes_key_wrap(kek, key), true) == "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
}
