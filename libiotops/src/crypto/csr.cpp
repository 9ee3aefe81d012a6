// PKCS#10 certificate signing requests.
#include <openssl/pem.h>

#include "crypto/digest.hpp"
#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"
#include "crypto/pem_sniff.hpp"
#include "crypto/x509_name.hpp"

namespace iotops::crypto {

namespace {
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), Deleter<+[](STACK_OF(X509_EXTENSION) * s) {
                                        sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
                                    }>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

Csr wrap(X509ReqPtr req) {
    auto impl = std::make_shared<Csr::Impl>();
    impl->req = std::move(req);
    return Csr(std::move(impl));
}
}  // namespace

Csr Csr::create(const Name& subject, const PrivateKey& key, const std::vector<std::string>& dns_names) {
    X509ReqPtr req(X509_REQ_new());
    if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1) throw_openssl(ErrorKind::internal, "csr");
    X509NamePtr name = to_x509_name(subject);
    if (X509_REQ_set_subject_name(req.get(), name.get()) != 1 || X509_REQ_set_pubkey(req.get(), native(key)) != 1)
        throw_openssl(ErrorKind::internal, "csr");
    if (!dns_names.empty()) {
        GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
        for (const auto& d : dns_names) {
            ASN1_IA5STRING* s = ASN1_IA5STRING_new();
            ASN1_STRING_set(s, d.data(), static_cast<int>(d.size()));
            GENERAL_NAME* gen = GENERAL_NAME_new();
            GENERAL_NAME_set0_value(gen, GEN_DNS, s);
            sk_GENERAL_NAME_push(names.get(), gen);
        }
        ExtStackPtr exts(sk_X509_EXTENSION_new_null());
        X509_EXTENSION* san = X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get());
        if (san == nullptr) throw_openssl(ErrorKind::internal, "csr subjectAltName");
        sk_X509_EXTENSION_push(exts.get(), san);
        if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) throw_openssl(ErrorKind::internal, "csr extensions");
    }
    // SHA-256 (SHA-384 for P-384 keys, matching the curve strength); Ed25519 signs without a digest.
    const EVP_MD* md = nullptr;
    switch (key.type()) {
        case KeyType::ed25519: break;
        case KeyType::p384: md = evp_md(Hash::sha384); break;
        default: md = evp_md(Hash::sha256); break;
    }
    if (X509_REQ_sign(req.get(), native(key), md) <= 0) throw_openssl(ErrorKind::internal, "csr sign");
    return wrap(std::move(req));
}

Csr Csr::load(ByteView pem_or_der) {
    X509ReqPtr req;
    if (looks_like_pem(pem_or_der)) {
        auto bio = memory_bio(pem_or_der);
        req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, no_pem_passphrase, nullptr));
        if (!req) throw_openssl(ErrorKind::malformed, "csr: no PEM CERTIFICATE REQUEST block");
    } else {
        const unsigned char* p = pem_or_der.data();
        req.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(pem_or_der.size())));
        if (!req) throw_openssl(ErrorKind::malformed, "csr: not a DER PKCS#10 request");
        if (p != pem_or_der.data() + pem_or_der.size())
            throw Error(ErrorKind::malformed,
                        "csr: trailing bytes after the request at offset " + std::to_string(p - pem_or_der.data()));
    }
    if (X509_REQ_get0_pubkey(req.get()) == nullptr) throw_openssl(ErrorKind::malformed, "csr: unsupported public key");
    return wrap(std::move(req));
}

Bytes Csr::der() const { return der_of(native(*this), i2d_X509_REQ, "encode csr"); }

std::string Csr::pem() const {
    return bio_text([&](BIO* bio) { return PEM_write_bio_X509_REQ(bio, native(*this)) == 1; }, "csr pem");
}

std::string Csr::subject() const { return rfc2253(X509_REQ_get_subject_name(native(*this))); }
Name Csr::subject_name() const { return from_x509_name(X509_REQ_get_subject_name(native(*this))); }

PublicKey Csr::public_key() const {
    EVP_PKEY* pkey = X509_REQ_get0_pubkey(native(*this));
    if (pkey == nullptr) throw_openssl(ErrorKind::malformed, "csr: unsupported public key");
    EVP_PKEY_up_ref(pkey);
    return wrap_public(PkeyPtr(pkey));
}

bool Csr::verify_signature() const {
    EVP_PKEY* pkey = X509_REQ_get0_pubkey(native(*this));
    int rc = pkey ? X509_REQ_verify(native(*this), pkey) : 0;
    ERR_clear_error();
    return rc == 1;
}

}  // namespace iotops::crypto
