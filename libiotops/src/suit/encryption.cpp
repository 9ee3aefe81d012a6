// SUIT_Encryption_Info: building, reading and opening COSE_Encrypt with detached content.
#include "iotops/suit/encryption.hpp"

#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cipher.hpp"

namespace iotops::suit {
namespace {

using cbor::Value;

constexpr const char* kdf_other = "SUIT Payload Encryption";

// COSE_KDF_Context (RFC 9053 section 5.2) as the draft fixes it: no party identities, A128KW, 128 bits.
Bytes kdf_context(ByteView recipient_protected) {
    Value nil3 = Value::array({Value::null(), Value::null(), Value::null()});
    Value supp = Value::array({Value::uint(128), Value::bytes(Bytes(recipient_protected.begin(), recipient_protected.end())),
                               Value::bytes(to_bytes(kdf_other))});
    return cbor::encode(Value::array({Value::integer(alg_a128kw), nil3, nil3, supp}));
}

Bytes derive_kek(const crypto::PrivateKey& own, const crypto::PublicKey& peer, ByteView recipient_protected) {
    Bytes z = crypto::ecdh(own, peer);
    return crypto::hkdf_sha256(z, {}, kdf_context(recipient_protected), 16);
}

Bytes enc_structure(ByteView protected_bstr) {
    return cbor::encode(Value::array({Value::text("Encrypt"), Value::bytes(Bytes(protected_bstr.begin(), protected_bstr.end())),
                                      Value::bytes({})}));
}

Value cose_key(const crypto::PublicKey& k) {
    Bytes raw = k.raw();  // 04 || x || y
    return Value::map({{Value::uint(1), Value::uint(2)},
                       {Value::integer(-1), Value::uint(1)},
                       {Value::integer(-2), Value::bytes(Bytes(raw.begin() + 1, raw.begin() + 33))},
                       {Value::integer(-3), Value::bytes(Bytes(raw.begin() + 33, raw.end()))}});
}

crypto::PublicKey from_cose_key(const Value& v) {
    const Value* kty = v.find(1);
    const Value* crv = v.find(-1);
    const Value* x = v.find(-2);
    const Value* y = v.find(-3);
    if (!v.is_map() || !kty || !kty->is_int() || kty->as_int() != 2 || !crv || !crv->is_int() || crv->as_int() != 1 ||
        !x || !x->is_bytes() || x->as_bytes().size() != 32 || !y || !y->is_bytes() || y->as_bytes().size() != 32)
        throw_malformed("SUIT_Encryption_Info: the ephemeral key (header -1) is not an EC2 P-256 COSE_Key");
    Bytes raw{0x04};
    raw.insert(raw.end(), x->as_bytes().begin(), x->as_bytes().end());
    raw.insert(raw.end(), y->as_bytes().begin(), y->as_bytes().end());
    try {
        return crypto::PublicKey::from_raw(crypto::KeyType::p256, raw);
    } catch (const Error&) {
        throw_malformed("SUIT_Encryption_Info: the ephemeral key is not a point on P-256");
    }
}

// A header map given as a bstr (protected): empty bstr means an empty map.
Value header_map(const Value& bstr, const char* what) {
    if (!bstr.is_bytes()) throw_malformed(std::string("SUIT_Encryption_Info: ") + what + " header is not a bstr");
    if (bstr.as_bytes().empty()) return Value::map();
    Value m;
    try {
        m = cbor::decode(bstr.as_bytes());
    } catch (const Error& e) {
        throw_malformed(std::string("SUIT_Encryption_Info: ") + what + " header: " + e.what());
    }
    if (!m.is_map()) throw_malformed(std::string("SUIT_Encryption_Info: ") + what + " header is not a map");
    return m;
}

// A header from protected or unprotected, protected first.
const Value* header(const Value& prot, const Value& unprot, std::int64_t label) {
    if (const Value* v = prot.find(label)) return v;
    return unprot.find(label);
}

}  // namespace

std::string algorithm_name(std::int64_t alg) {
    switch (alg) {
        case alg_a128kw: return "A128KW";
        case alg_ecdh_es_a128kw: return "ECDH-ES+A128KW";
        case alg_a128ctr: return "A128CTR";
        case alg_a128gcm: return "A128GCM";
        default: return std::to_string(alg);
    }
}

EncryptedPayload encrypt_payload(ByteView plaintext, std::int64_t content_alg, const std::vector<EncryptRecipient>& to) {
    if (content_alg != alg_a128ctr && content_alg != alg_a128gcm)
        throw Error(ErrorKind::usage, "content encryption " + algorithm_name(content_alg) + " is not supported",
                    "use A128CTR or A128GCM");
    if (to.empty()) throw Error(ErrorKind::usage, "encrypt: no recipient key");
    Bytes cek = crypto::random_bytes(16);
    EncryptedPayload out;
    Value protected_bstr, unprotected;
    Bytes iv;
    if (content_alg == alg_a128gcm) {
        iv = crypto::random_bytes(12);
        protected_bstr = Value::bytes(cbor::encode(Value::map({{Value::uint(1), Value::integer(alg_a128gcm)}})));
        unprotected = Value::map({{Value::uint(5), Value::bytes(iv)}});
        out.ciphertext = crypto::aes_gcm_encrypt(cek, iv, enc_structure(protected_bstr.as_bytes()), plaintext);
    } else {
        // A non-AEAD cipher has nothing to bind a protected header to: it stays empty (draft section 6).
        iv = crypto::random_bytes(16);
        protected_bstr = Value::bytes({});
        unprotected = Value::map({{Value::uint(1), Value::integer(alg_a128ctr)}, {Value::uint(5), Value::bytes(iv)}});
        out.ciphertext = crypto::aes_ctr(cek, iv, plaintext);
    }
    Value recipients = Value::array();
    for (const auto& r : to) {
        Value rp, ru = Value::map();
        Bytes wrapped;
        if (r.kek) {
            if (r.kek->size() != 16)
                throw Error(ErrorKind::usage, "A128KW needs a 16-byte key-encryption key, got " + std::to_string(r.kek->size()));
            rp = Value::bytes({});
            ru.set(Value::uint(1), Value::integer(alg_a128kw));
            wrapped = crypto::aes_key_wrap(*r.kek, cek);
        } else if (r.public_key) {
            if (r.public_key->type() != crypto::KeyType::p256)
                throw Error(ErrorKind::usage, "ECDH-ES+A128KW needs a P-256 recipient key");
            rp = Value::bytes(cbor::encode(Value::map({{Value::uint(1), Value::integer(alg_ecdh_es_a128kw)}})));
            crypto::PrivateKey eph = crypto::PrivateKey::generate(crypto::KeyType::p256);
            ru.set(Value::integer(-1), cose_key(eph.public_key()));
            wrapped = crypto::aes_key_wrap(derive_kek(eph, *r.public_key, rp.as_bytes()), cek);
        } else {
            throw Error(ErrorKind::usage, "encrypt: a recipient without a key");
        }
        if (!r.kid.empty()) ru.set(Value::uint(4), Value::bytes(r.kid));
        recipients.as_array().push_back(Value::array({rp, ru, Value::bytes(wrapped)}));
    }
    out.encryption_info = cbor::encode(
        Value::tag(tag_cose_encrypt, Value::array({protected_bstr, unprotected, Value::null(), recipients})));
    return out;
}

EncryptionInfo EncryptionInfo::parse(ByteView encoded) {
    Value root;
    try {
        root = cbor::decode(encoded);
    } catch (const Error& e) {
        throw_malformed(std::string("SUIT_Encryption_Info: ") + e.what());
    }
    if (!root.is_tag() || root.tag_number() != tag_cose_encrypt)
        throw_malformed("SUIT_Encryption_Info: expected a COSE_Encrypt (tag 96)");
    const Value& a = root.tag_content();
    if (!a.is_array() || a.as_array().size() != 4)
        throw_malformed("SUIT_Encryption_Info: COSE_Encrypt must be [protected, unprotected, ciphertext, recipients]");
    const auto& e = a.as_array();
    EncryptionInfo info;
    Value prot = header_map(e[0], "protected");
    info.protected_bstr = e[0].as_bytes();
    if (!e[1].is_map()) throw_malformed("SUIT_Encryption_Info: unprotected header is not a map");
    if (!e[2].is_null()) throw_malformed("SUIT_Encryption_Info: the ciphertext must be detached (null)");
    const Value* alg = header(prot, e[1], 1);
    if (!alg || !alg->is_int()) throw_malformed("SUIT_Encryption_Info: no content encryption algorithm (header 1)");
    info.content_alg = alg->as_int();
    const Value* iv = header(prot, e[1], 5);
    if (!iv || !iv->is_bytes()) throw_malformed("SUIT_Encryption_Info: no IV (header 5)");
    info.iv = iv->as_bytes();
    if (!e[3].is_array() || e[3].as_array().empty()) throw_malformed("SUIT_Encryption_Info: no recipients");
    for (const auto& r : e[3].as_array()) {
        if (!r.is_array() || r.as_array().size() != 3)
            throw_malformed("SUIT_Encryption_Info: a recipient must be [protected, unprotected, ciphertext]");
        const auto& ra = r.as_array();
        EncryptionRecipientInfo ri;
        Value rprot = header_map(ra[0], "recipient protected");
        ri.protected_bstr = ra[0].as_bytes();
        if (!ra[1].is_map()) throw_malformed("SUIT_Encryption_Info: recipient unprotected header is not a map");
        const Value* ralg = header(rprot, ra[1], 1);
        if (!ralg || !ralg->is_int()) throw_malformed("SUIT_Encryption_Info: recipient without an algorithm");
        ri.alg = ralg->as_int();
        if (const Value* kid = header(rprot, ra[1], 4); kid && kid->is_bytes()) ri.kid = kid->as_bytes();
        if (ri.alg == alg_ecdh_es_a128kw) {
            const Value* epk = header(rprot, ra[1], -1);
            if (!epk) throw_malformed("SUIT_Encryption_Info: ECDH-ES recipient without an ephemeral key (header -1)");
            ri.ephemeral = from_cose_key(*epk);
        }
        if (!ra[2].is_bytes()) throw_malformed("SUIT_Encryption_Info: recipient ciphertext is not a bstr");
        ri.encrypted_cek = ra[2].as_bytes();
        info.recipients.push_back(std::move(ri));
    }
    return info;
}

Bytes decrypt_payload(ByteView encoded, ByteView ciphertext, const DecryptionKeys& keys) {
    EncryptionInfo info = EncryptionInfo::parse(encoded);
    if (info.content_alg != alg_a128ctr && info.content_alg != alg_a128gcm)
        throw Error(ErrorKind::malformed, "SUIT_Encryption_Info: content encryption " + algorithm_name(info.content_alg) +
                                              " is not supported");
    std::optional<Bytes> cek;
    bool known_alg = false;
    for (const auto& r : info.recipients) {
        if (r.alg == alg_a128kw) {
            known_alg = true;
            for (const auto& kek : keys.keks) {
                try {
                    cek = crypto::aes_key_unwrap(kek, r.encrypted_cek);
                    break;
                } catch (const Error&) {
                }
            }
        } else if (r.alg == alg_ecdh_es_a128kw) {
            known_alg = true;
            // Older examples carry the algorithm unprotected; the KDF context still binds {1: -29}.
            Bytes prot = r.protected_bstr.empty()
                             ? cbor::encode(Value::map({{Value::uint(1), Value::integer(alg_ecdh_es_a128kw)}}))
                             : r.protected_bstr;
            for (const auto& key : keys.private_keys) {
                if (key.type() != crypto::KeyType::p256) continue;
                try {
                    cek = crypto::aes_key_unwrap(derive_kek(key, *r.ephemeral, prot), r.encrypted_cek);
                    break;
                } catch (const Error&) {
                }
            }
        }
        if (cek) break;
    }
    if (!known_alg) throw Error(ErrorKind::malformed, "SUIT_Encryption_Info: no recipient uses A128KW or ECDH-ES+A128KW");
    if (!cek) throw Error(ErrorKind::negative, "no decryption key opens the content key (wrong key-encryption key?)");
    if (cek->size() != 16) throw Error(ErrorKind::malformed, "SUIT_Encryption_Info: the content key is not 16 bytes");
    if (info.content_alg == alg_a128gcm) return crypto::aes_gcm_decrypt(*cek, info.iv, enc_structure(info.protected_bstr), ciphertext);
    if (info.iv.size() != 16) throw Error(ErrorKind::malformed, "SUIT_Encryption_Info: the A128CTR IV must be 16 bytes");
    return crypto::aes_ctr(*cek, info.iv, ciphertext);
}

}  // namespace iotops::suit
