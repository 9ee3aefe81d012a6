#include <openssl/decoder.h>
#include <openssl/pem.h>

#include <cstring>

#include "crypto/digest.hpp"
#include "crypto/key_context_pool.hpp"
#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"
#include "iotops/core/file.hpp"

namespace iotops::crypto {

namespace {

using DecoderCtxPtr = std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX_free>>;

struct PassphraseRequest {
    const std::optional<std::string>* passphrase;
    bool asked = false;
};

// OpenSSL asks only when the key is encrypted; remembering that it asked tells a wrong or
// missing passphrase apart from a malformed key.
int passphrase_callback(char* pass, size_t pass_size, size_t* pass_len, const OSSL_PARAM[], void* arg) {
    auto* req = static_cast<PassphraseRequest*>(arg);
    req->asked = true;
    if (!req->passphrase->has_value()) return 0;
    const std::string& p = **req->passphrase;
    if (p.size() > pass_size) return 0;
    std::memcpy(pass, p.data(), p.size());
    *pass_len = p.size();
    return 1;
}

bool has_private_part(EVP_PKEY* pkey) {
    // A decoder may hand back a public-only key for SubjectPublicKeyInfo input.
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    bool ok = ctx && EVP_PKEY_private_check(ctx.get()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace

PrivateKey PrivateKey::generate(KeyType type) {
    EVP_PKEY* pkey = nullptr;
    switch (type) {
        case KeyType::p256: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
        case KeyType::p384: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
        case KeyType::ed25519: pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
        case KeyType::other: throw Error(ErrorKind::usage, "generate: choose P-256, P-384 or Ed25519");
    }
    if (pkey == nullptr) throw_openssl(ErrorKind::internal, "key generation");
    return wrap_private(PkeyPtr(pkey));
}

PrivateKey PrivateKey::load(ByteView pem_or_der, std::optional<std::string> passphrase) {
    EVP_PKEY* out = nullptr;
    // Any input type (PEM or DER) and structure (PKCS#8, encrypted PKCS#8, SEC1, ...).
    DecoderCtxPtr ctx(OSSL_DECODER_CTX_new_for_pkey(&out, nullptr, nullptr, nullptr, EVP_PKEY_KEYPAIR,
                                                    nullptr, nullptr));
    if (!ctx) throw_openssl(ErrorKind::internal, "private key decoder");
    PassphraseRequest req{&passphrase};
    OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), passphrase_callback, &req);
    const unsigned char* data = pem_or_der.data();
    size_t len = pem_or_der.size();
    int rc = OSSL_DECODER_from_data(ctx.get(), &data, &len);
    PkeyPtr pkey(out);
    if (rc != 1 || !pkey) {
        if (req.asked) {
            ERR_clear_error();
            throw Error(ErrorKind::permission,
                        passphrase ? "private key: wrong passphrase for the encrypted key"
                                   : "private key: the key is encrypted and no passphrase was given",
                        "give one with --pass pass:|env:|file:|fd:");
        }
        throw_openssl(ErrorKind::malformed, "private key: not a PEM or DER private key (PKCS#8 or SEC1)");
    }
    ERR_clear_error();
    if (!has_private_part(pkey.get())) throw Error(ErrorKind::malformed, "private key: input holds only a public key");
    return wrap_private(std::move(pkey));
}

PrivateKey PrivateKey::load_file(const std::string& path, std::optional<std::string> passphrase) {
    Bytes data = read_file(path);
    try {
        return load(data, std::move(passphrase));
    } catch (const Error& e) {
        throw Error(e.kind(), path + ": " + e.what(), e.hint());
    }
}

KeyType PrivateKey::type() const { return impl().pool ? impl().pool->type : key_type_of(native(*this)); }

PublicKey PrivateKey::public_key() const {
    // A public-only copy, so the private scalar never leaves this object. Exporting the public
    // parameters costs a tenth of a round trip through SubjectPublicKeyInfo, whose OpenSSL 3.0
    // encoder and decoder lookups take about half a millisecond; that round trip stays for keys
    // whose provider cannot export.
    OSSL_PARAM* params = nullptr;
    if (EVP_PKEY_todata(native(*this), EVP_PKEY_PUBLIC_KEY, &params) == 1) {
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, native(*this), nullptr));
        EVP_PKEY* out = nullptr;
        bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &out, EVP_PKEY_PUBLIC_KEY, params) == 1 && out != nullptr;
        OSSL_PARAM_free(params);
        if (ok) return wrap_public(PkeyPtr(out));
        EVP_PKEY_free(out);
    }
    ERR_clear_error();
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(native(*this), &der);
    if (len <= 0) throw_openssl(ErrorKind::internal, "public key of private key");
    const unsigned char* p = der;
    PkeyPtr pub(d2i_PUBKEY(nullptr, &p, len));
    OPENSSL_free(der);
    if (!pub) throw_openssl(ErrorKind::internal, "public key of private key");
    return wrap_public(std::move(pub));
}

Bytes PrivateKey::pkcs8_der() const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), native(*this), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw_openssl(ErrorKind::internal, "encode private key");
    return bio_contents(bio.get());
}

std::string PrivateKey::pkcs8_pem(std::optional<std::string> passphrase) const {
    BioPtr bio(BIO_new(BIO_s_mem()));
    int rc = 0;
    if (bio) {
        if (passphrase) {
            // PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC (OpenSSL 3 defaults for this cipher).
            rc = PEM_write_bio_PKCS8PrivateKey(bio.get(), native(*this), EVP_aes_256_cbc(), passphrase->data(),
                                               static_cast<int>(passphrase->size()), nullptr, nullptr);
        } else {
            rc = PEM_write_bio_PKCS8PrivateKey(bio.get(), native(*this), nullptr, nullptr, 0, nullptr, nullptr);
        }
    }
    if (rc != 1) throw_openssl(ErrorKind::internal, "encode private key");
    return to_string(bio_contents(bio.get()));
}

Bytes ecdsa_sign_der(const PrivateKey& key, ByteView message, Hash hash) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(message.data(), message.size(), md, &md_len, evp_md(hash), nullptr) != 1)
        throw_openssl(ErrorKind::internal, "digest");
    auto ctx = lease_pkey_ctx(key.impl().pool.get(), native(key), KeyOp::sign);
    unsigned char der[160];
    size_t der_len = sizeof der;
    if (EVP_PKEY_sign(ctx.get(), der, &der_len, md, md_len) != 1) throw_openssl(ErrorKind::internal, "ecdsa sign");
    ctx.release();
    return Bytes(der, der + der_len);
}

Bytes PrivateKey::sign(ByteView message, Hash hash) const {
    EVP_PKEY* pkey = native(*this);
    KeyContextPool* pool = impl().pool.get();
    switch (type()) {
        case KeyType::ed25519: {
            auto ctx = lease_md_ctx(pool, pkey, KeyOp::sign);
            Bytes sig(64);
            size_t len = sig.size();
            if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1)
                throw_openssl(ErrorKind::internal, "ed25519 sign");
            ctx.release();
            sig.resize(len);
            return sig;
        }
        case KeyType::p256:
        case KeyType::p384: {
            // Hash once with the cached EVP_MD, then sign the digest with a reused context:
            // the same work as `openssl speed ecdsa` plus the hash.
            return ecdsa_der_to_raw(ecdsa_sign_der(*this, message, hash), pool ? pool->ecdsa_width : ecdsa_width(pkey));
        }
        case KeyType::other: break;
    }
    throw Error(ErrorKind::usage, "raw signatures need a P-256, P-384 or Ed25519 key");
}

}  // namespace iotops::crypto
