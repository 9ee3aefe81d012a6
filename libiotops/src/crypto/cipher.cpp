// AES key wrap, AES-CTR, AES-GCM, ECDH and HKDF over OpenSSL EVP.
#include "iotops/crypto/cipher.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "native.hpp"

namespace iotops::crypto {
namespace {

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;

const EVP_CIPHER* aes(const char* mode, std::size_t key_len) {
    if (key_len != 16 && key_len != 24 && key_len != 32)
        throw Error(ErrorKind::malformed, "AES key of " + std::to_string(key_len) + " bytes (expected 16, 24 or 32)");
    std::string name = std::string(mode) == "wrap" ? "id-aes" + std::to_string(key_len * 8) + "-wrap"
                                                   : "aes-" + std::to_string(key_len * 8) + "-" + mode;
    const EVP_CIPHER* c = EVP_get_cipherbyname(name.c_str());
    if (!c) throw_openssl(ErrorKind::internal, "cipher " + name);
    return c;
}

// One-shot EVP cipher run; returns false when the final step fails (bad tag, failed unwrap).
bool run(const EVP_CIPHER* cipher, bool encrypt, ByteView key, ByteView iv, ByteView aad, ByteView in,
         Bytes& out, const std::uint8_t* tag_in = nullptr, std::uint8_t* tag_out = nullptr) {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw_openssl(ErrorKind::internal, "EVP_CIPHER_CTX_new");
    bool gcm = EVP_CIPHER_get_mode(cipher) == EVP_CIPH_GCM_MODE;
    if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1)
        throw_openssl(ErrorKind::internal, "cipher init");
    if (gcm && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1)
        throw_openssl(ErrorKind::malformed, "GCM IV length");
    if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.empty() ? nullptr : iv.data(), -1) != 1)
        throw_openssl(ErrorKind::internal, "cipher key");
    int len = 0;
    if (!aad.empty() && EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
        throw_openssl(ErrorKind::internal, "cipher aad");
    out.assign(in.size() + 16, 0);
    int n = 0;
    if (!in.empty() && EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1) {
        ERR_clear_error();
        return false;
    }
    if (tag_in && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag_in)) != 1)
        throw_openssl(ErrorKind::internal, "GCM tag");
    int f = 0;
    if (EVP_CipherFinal_ex(ctx.get(), out.data() + n, &f) != 1) {
        ERR_clear_error();
        return false;
    }
    out.resize(static_cast<std::size_t>(n + f));
    if (tag_out && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag_out) != 1)
        throw_openssl(ErrorKind::internal, "GCM tag");
    return true;
}

}  // namespace

Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    if (n && RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw_openssl(ErrorKind::internal, "RAND_bytes");
    return out;
}

Bytes aes_key_wrap(ByteView kek, ByteView key) {
    if (key.size() < 16 || key.size() % 8)
        throw Error(ErrorKind::malformed, "AES key wrap: the key must be a multiple of 8 bytes, at least 16");
    Bytes out;
    if (!run(aes("wrap", kek.size()), true, kek, {}, {}, key, out)) throw_openssl(ErrorKind::internal, "AES key wrap");
    return out;
}

Bytes aes_key_unwrap(ByteView kek, ByteView wrapped) {
    if (wrapped.size() < 24 || wrapped.size() % 8)
        throw Error(ErrorKind::malformed, "AES key unwrap: wrapped key of " + std::to_string(wrapped.size()) +
                                              " bytes (a multiple of 8, at least 24)");
    Bytes out;
    if (!run(aes("wrap", kek.size()), false, kek, {}, {}, wrapped, out))
        throw Error(ErrorKind::negative, "AES key unwrap: integrity check failed (wrong key-encryption key?)");
    return out;
}

Bytes aes_ctr(ByteView key, ByteView iv, ByteView data) {
    if (iv.size() != 16) throw Error(ErrorKind::malformed, "AES-CTR: IV of " + std::to_string(iv.size()) + " bytes (expected 16)");
    Bytes out;
    if (!run(aes("ctr", key.size()), true, key, iv, {}, data, out)) throw_openssl(ErrorKind::internal, "AES-CTR");
    return out;
}

Bytes aes_gcm_encrypt(ByteView key, ByteView iv, ByteView aad, ByteView plaintext) {
    if (iv.empty()) throw Error(ErrorKind::malformed, "AES-GCM: empty IV");
    Bytes out;
    std::uint8_t tag[16];
    if (!run(aes("gcm", key.size()), true, key, iv, aad, plaintext, out, nullptr, tag))
        throw_openssl(ErrorKind::internal, "AES-GCM");
    out.insert(out.end(), tag, tag + 16);
    return out;
}

Bytes aes_gcm_decrypt(ByteView key, ByteView iv, ByteView aad, ByteView ct) {
    if (iv.empty()) throw Error(ErrorKind::malformed, "AES-GCM: empty IV");
    if (ct.size() < 16) throw Error(ErrorKind::malformed, "AES-GCM: ciphertext shorter than its 16-byte tag");
    Bytes out;
    if (!run(aes("gcm", key.size()), false, key, iv, aad, ct.first(ct.size() - 16), out, ct.data() + ct.size() - 16))
        throw Error(ErrorKind::negative, "AES-GCM: authentication tag does not verify");
    return out;
}

Bytes ecdh(const PrivateKey& own, const PublicKey& peer) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, native(own), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) throw_openssl(ErrorKind::internal, "ECDH init");
    if (EVP_PKEY_derive_set_peer(ctx.get(), native(peer)) != 1)
        throw_openssl(ErrorKind::malformed, "ECDH: peer key does not match the curve");
    std::size_t len = 0;
    if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) throw_openssl(ErrorKind::internal, "ECDH");
    Bytes out(len);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) throw_openssl(ErrorKind::internal, "ECDH");
    out.resize(len);
    return out;
}

Bytes hkdf_sha256(ByteView secret, ByteView salt, ByteView info, std::size_t length) {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
        EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), secret.data(), static_cast<int>(secret.size())) != 1 ||
        (!salt.empty() && EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), salt.data(), static_cast<int>(salt.size())) != 1) ||
        EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), info.data(), static_cast<int>(info.size())) != 1)
        throw_openssl(ErrorKind::internal, "HKDF");
    Bytes out(length);
    if (EVP_PKEY_derive(ctx.get(), out.data(), &length) != 1) throw_openssl(ErrorKind::internal, "HKDF");
    return out;
}

}  // namespace iotops::crypto
