#include <openssl/core_names.h>
#include <openssl/pem.h>


#include "crypto/digest.hpp"
#include "crypto/key_context_pool.hpp"
#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"
#include "iotops/core/file.hpp"
#include "crypto/pem_sniff.hpp"

namespace iotops::crypto {

namespace {

// ECDSA over a precomputed digest with a reused context: no per-call algorithm fetch.
bool ecdsa_verify_der(KeyContextPool* pool, EVP_PKEY* pkey, ByteView message, ByteView der, Hash hash) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(message.data(), message.size(), md, &md_len, evp_md(hash), nullptr) != 1)
        throw_openssl(ErrorKind::internal, "digest");
    auto ctx = lease_pkey_ctx(pool, pkey, KeyOp::verify);
    int rc = EVP_PKEY_verify(ctx.get(), der.data(), der.size(), md, md_len);
    if (rc >= 0) ctx.release();
    ERR_clear_error();
    return rc == 1;
}

// Pure Ed25519 with a reused digest-verify context.
bool eddsa_verify(KeyContextPool* pool, EVP_PKEY* pkey, ByteView message, ByteView signature) {
    auto ctx = lease_md_ctx(pool, pkey, KeyOp::verify);
    int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
    if (rc >= 0) ctx.release();
    ERR_clear_error();
    return rc == 1;
}

// Anything else (e.g. RSA PKCS#1 v1.5) through a fresh digest-verify context.
bool digest_verify(EVP_PKEY* pkey, const EVP_MD* md, ByteView message, ByteView signature) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey) != 1)
        throw_openssl(ErrorKind::internal, "verify init");
    int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
    ERR_clear_error();
    return rc == 1;
}

}  // namespace

PublicKey PublicKey::load(ByteView pem_or_der) {
    PkeyPtr pkey;
    if (looks_like_pem(pem_or_der)) {
        auto bio = memory_bio(pem_or_der);
        pkey.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_pem_passphrase, nullptr));
        if (!pkey) throw_openssl(ErrorKind::malformed, "public key: not a PEM SubjectPublicKeyInfo");
    } else {
        const unsigned char* p = pem_or_der.data();
        pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(pem_or_der.size())));
        if (!pkey) throw_openssl(ErrorKind::malformed, "public key: not a DER SubjectPublicKeyInfo");
        if (p != pem_or_der.data() + pem_or_der.size())
            throw Error(ErrorKind::malformed, "public key: trailing bytes after SubjectPublicKeyInfo at offset " +
                                                  std::to_string(p - pem_or_der.data()));
    }
    return wrap_public(std::move(pkey));
}

PublicKey PublicKey::load_file(const std::string& path) {
    Bytes data = read_file(path);
    try {
        return load(data);
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": " + e.what());
    }
}

PublicKey PublicKey::from_raw(KeyType type, ByteView raw) {
    PkeyPtr pkey;
    if (type == KeyType::ed25519) {
        if (raw.size() != 32) throw Error(ErrorKind::malformed, "ed25519 public key: need 32 bytes, got " +
                                                                   std::to_string(raw.size()));
        pkey.reset(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, raw.data(), raw.size()));
        if (!pkey) throw_openssl(ErrorKind::malformed, "ed25519 public key");
        return wrap_public(std::move(pkey));
    }
    const char* group = type == KeyType::p256 ? "P-256" : type == KeyType::p384 ? "P-384" : nullptr;
    if (group == nullptr) throw Error(ErrorKind::usage, "raw public keys exist only for P-256, P-384 and Ed25519");
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(raw.data()),
                                          raw.size()),
        OSSL_PARAM_construct_end()};
    EVP_PKEY* out = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) != 1 || out == nullptr)
        throw_openssl(ErrorKind::malformed, std::string(group) + " public key: not a point on the curve");
    return wrap_public(PkeyPtr(out));
}

KeyType PublicKey::type() const { return impl().pool ? impl().pool->type : key_type_of(native(*this)); }

Bytes PublicKey::spki_der() const { return der_of(native(*this), i2d_PUBKEY, "encode public key"); }

std::string PublicKey::spki_pem() const {
    return bio_text([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, native(*this)) == 1; }, "public key pem");
}

Bytes PublicKey::raw() const {
    EVP_PKEY* pkey = native(*this);
    switch (type()) {
        case KeyType::ed25519: {
            Bytes out(32);
            size_t len = out.size();
            if (EVP_PKEY_get_raw_public_key(pkey, out.data(), &len) != 1) throw_openssl(ErrorKind::internal, "raw key");
            out.resize(len);
            return out;
        }
        case KeyType::p256:
        case KeyType::p384: {
            // Always uncompressed, whatever form the key was loaded from.
            BIGNUM* x = nullptr;
            BIGNUM* y = nullptr;
            bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
                      EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
            BnPtr bx(x), by(y);
            if (!ok) throw_openssl(ErrorKind::internal, "ec public point");
            std::size_t w = ecdsa_width(pkey);
            Bytes out(1 + 2 * w);
            out[0] = 0x04;
            BN_bn2binpad(bx.get(), out.data() + 1, static_cast<int>(w));
            BN_bn2binpad(by.get(), out.data() + 1 + w, static_cast<int>(w));
            return out;
        }
        case KeyType::other: break;
    }
    throw Error(ErrorKind::usage, "raw public keys exist only for P-256, P-384 and Ed25519");
}

bool PublicKey::verify(ByteView message, ByteView signature, Hash hash) const {
    EVP_PKEY* pkey = native(*this);
    KeyContextPool* pool = impl().pool.get();
    switch (type()) {
        case KeyType::ed25519:
            if (signature.size() != 64) return false;
            return eddsa_verify(pool, pkey, message, signature);
        case KeyType::p256:
        case KeyType::p384: {
            auto der = ecdsa_raw_to_der(signature, pool ? pool->ecdsa_width : ecdsa_width(pkey));
            if (!der) return false;
            return ecdsa_verify_der(pool, pkey, message, *der, hash);
        }
        case KeyType::other: break;
    }
    throw Error(ErrorKind::usage, "raw signatures exist only for P-256, P-384 and Ed25519 keys");
}

bool PublicKey::verify_der(ByteView message, ByteView der_signature, Hash hash) const {
    EVP_PKEY* pkey = native(*this);
    KeyContextPool* pool = impl().pool.get();
    switch (EVP_PKEY_get_base_id(pkey)) {
        case EVP_PKEY_EC: return ecdsa_verify_der(pool, pkey, message, der_signature, hash);
        case EVP_PKEY_ED25519: return eddsa_verify(pool, pkey, message, der_signature);
        case EVP_PKEY_ED448: return digest_verify(pkey, nullptr, message, der_signature);
        default: return digest_verify(pkey, evp_md(hash), message, der_signature);  // e.g. RSA PKCS#1 v1.5
    }
}

bool PublicKey::operator==(const PublicKey& other) const {
    return EVP_PKEY_eq(native(*this), native(other)) == 1;
}

}  // namespace iotops::crypto
