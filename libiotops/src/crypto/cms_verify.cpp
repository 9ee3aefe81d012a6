// CMS SignedData: verification in binary mode, reporting the signature and the chain separately.
#include "crypto/cms_common.hpp"
#include "iotops/crypto/cms.hpp"

namespace iotops::crypto::cms {
namespace {

using namespace cms_detail;

std::string signer_prefix(int index, int count) {
    return count > 1 ? "signer " + std::to_string(index) + ": " : std::string();
}

bool has_signed_attributes(CMS_SignerInfo* si) { return CMS_signed_get_attr_count(si) > 0; }

// RFC 5652 5.3 and 11: with signed attributes, contentType (equal to eContentType) and messageDigest
// must be there. OpenSSL checks the digest but not the content type, so check both here.
std::optional<std::string> attribute_problem(CMS_SignerInfo* si, const ASN1_OBJECT* econtent_type) {
    auto* ct = static_cast<ASN1_OBJECT*>(
        CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
    if (ct == nullptr) return "signed attributes lack a single contentType";
    if (OBJ_cmp(ct, econtent_type) != 0)
        return "signed contentType " + oid_text(ct) + " differs from eContentType " + oid_text(econtent_type);
    if (CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING) == nullptr)
        return "signed attributes lack a single messageDigest";
    return std::nullopt;
}

// OpenSSL 3.0's CMS_verify copies a memory BIO given as detached content into a new one that it leaks
// when the digest BIOs cannot be set up (e.g. an unknown digest algorithm); a null filter on top keeps
// it from taking that path.
BioPtr detached_content_bio(ByteView content) {
    BioPtr mem = memory_bio(content);
    BioPtr filter(BIO_new(BIO_f_null()));
    if (!filter) throw_openssl(ErrorKind::internal, "cms verify");
    BIO_push(filter.get(), mem.release());
    return filter;
}

bool any_eddsa_signer(STACK_OF(CMS_SignerInfo) * sis) {
    for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i) {
        EVP_PKEY* pkey = nullptr;
        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, i), &pkey, nullptr, nullptr, nullptr);
        if (is_eddsa(pkey)) return true;
    }
    return false;
}

// Fills signature_valid / signature_error. Signer certificates are already attached to the SignerInfos.
void check_signatures(CMS_ContentInfo* cms, STACK_OF(X509) * candidates, std::optional<ByteView> detached,
                      const VerifyOptions& options, VerifyResult& r) {
    STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
    int n = sk_CMS_SignerInfo_num(sis);
    auto fail = [&](int i, std::string why) { r.signature_error = signer_prefix(i, n) + why; };

    for (int i = 0; i < n; ++i) {
        CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, i);
        X509* signer = nullptr;
        CMS_SignerInfo_get0_algs(si, nullptr, &signer, nullptr, nullptr);
        if (signer == nullptr) return fail(i, "signer certificate not found");
        if (!has_signed_attributes(si)) {
            if (options.require_signed_attributes)
                return fail(i, "no signed attributes (required; relaxing this is an explicit option)");
        } else if (auto problem = attribute_problem(si, CMS_get0_eContentType(cms))) {
            return fail(i, *problem);
        }
    }

    if (any_eddsa_signer(sis)) {
        for (int i = 0; i < n; ++i)
            if (auto problem = verify_signer_by_hand(sk_CMS_SignerInfo_value(sis, i), r.content))
                return fail(i, *problem);
        r.signature_valid = true;
        return;
    }

    ERR_clear_error();
    BioPtr content = detached ? detached_content_bio(*detached) : BioPtr();
    if (CMS_verify(cms, candidates, nullptr, content.get(), nullptr, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1) {
        ERR_clear_error();
        r.signature_valid = true;
        return;
    }
    std::string openssl_reason = openssl_error("signature does not verify");

    // CMS_verify checks the signature over the signed attributes, then the content against messageDigest;
    // tell the two apart for the report.
    bool all_with_attributes = true;
    for (int i = 0; i < n; ++i) {
        CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, i);
        if (!has_signed_attributes(si)) {
            all_with_attributes = false;
            continue;
        }
        if (CMS_SignerInfo_verify(si) != 1) {
            ERR_clear_error();
            return fail(i, "signature over the signed attributes does not verify");
        }
    }
    r.signature_error = all_with_attributes ? "content does not match the signed message digest" : openssl_reason;
}

// Fills chain_valid / chain_error / chain for every signer certificate found.
void check_chains(const std::vector<Certificate>& embedded, const VerifyOptions& options, int signer_count,
                  VerifyResult& r) {
    if (r.signers.size() != static_cast<std::size_t>(signer_count)) {
        r.chain_error = "signer certificate not found";
        return;
    }
    if (options.trust_anchors.empty()) {
        r.chain_error = "no trust anchors given";
        return;
    }
    ChainOptions chain_options;
    chain_options.trust_anchors = options.trust_anchors;
    chain_options.intermediates = options.intermediates;
    chain_options.intermediates.insert(chain_options.intermediates.end(), embedded.begin(), embedded.end());
    chain_options.at = options.at;
    chain_options.any_purpose = !options.required_eku.has_value();
    chain_options.required_eku = options.required_eku;
    for (int i = 0; i < signer_count; ++i) {
        ChainResult chain = verify_chain(r.signers[static_cast<std::size_t>(i)], chain_options);
        if (!chain.ok) {
            r.chain_error = signer_prefix(i, signer_count) + chain.error;
            r.chain.clear();
            return;
        }
        if (i == 0) r.chain = std::move(chain.chain);
    }
    r.chain_valid = true;
}

}  // namespace

VerifyResult verify(ByteView input, const VerifyOptions& options, std::optional<ByteView> detached_content) {
    Bytes der;
    CmsPtr cms = load(input, der);
    VerifyResult r;
    r.econtent_type = oid_text(CMS_get0_eContentType(cms.get()));

    std::optional<Bytes> attached = econtent(cms.get());
    if (!attached && !detached_content)
        throw Error(ErrorKind::usage, "cms verify: the signature is detached: the signed content is needed");
    if (attached && detached_content)
        throw Error(ErrorKind::usage, "cms verify: the content is attached: no separate content is expected");
    r.content = attached ? std::move(*attached) : Bytes(detached_content->begin(), detached_content->end());

    std::vector<Certificate> embedded;
    X509StackPtr embedded_stack(CMS_get1_certs(cms.get()));
    for (int i = 0; embedded_stack && i < sk_X509_num(embedded_stack.get()); ++i)
        embedded.push_back(copy_certificate(sk_X509_value(embedded_stack.get(), i)));

    // Where signer certificates may come from besides the CMS itself: the caller's certificates.
    X509StackPtr candidates(sk_X509_new_null());
    if (!candidates) throw_openssl(ErrorKind::internal, "cms verify");
    for (const auto* list : {&options.intermediates, &options.trust_anchors})
        for (const Certificate& c : *list)
            if (X509_add_cert(candidates.get(), native(c), X509_ADD_FLAG_UP_REF) != 1)
                throw_openssl(ErrorKind::internal, "cms verify");

    STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms.get());
    int n = sis ? sk_CMS_SignerInfo_num(sis) : 0;
    if (n <= 0) {
        r.signature_error = "no signers";
        r.chain_error = "no signers";
        return r;
    }
    ERR_clear_error();
    CMS_set1_signers_certs(cms.get(), candidates.get(), 0);  // a missing one is reported per signer below
    ERR_clear_error();
    for (int i = 0; i < n; ++i) {
        X509* signer = nullptr;
        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, i), nullptr, &signer, nullptr, nullptr);
        if (signer != nullptr) r.signers.push_back(copy_certificate(signer));
    }

    check_signatures(cms.get(), candidates.get(), detached_content, options, r);
    check_chains(embedded, options, n, r);
    return r;
}

}  // namespace iotops::crypto::cms
