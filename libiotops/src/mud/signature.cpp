// Signing and verifying MUD files over crypto::cms, with the MUD-specific rules on top.
#include "iotops/mud/signature.hpp"

#include "iotops/core/error.hpp"
#include "iotops/crypto/cms.hpp"

namespace iotops::mud {

Bytes sign(ByteView mud_bytes, const crypto::PrivateKey& key, const crypto::Certificate& cert,
           const SignOptions& options) {
    if (!(cert.public_key() == key.public_key()))
        throw Error(ErrorKind::usage, "sign: the certificate does not belong to the key");
    unsigned ku = cert.key_usage();
    if (ku != 0 && !(ku & crypto::ku_digital_signature))
        throw Error(ErrorKind::usage, "sign: the signer certificate's key usage lacks digitalSignature (RFC 8520 section 13.2)");
    crypto::cms::SignOptions so;
    so.detached = true;
    so.econtent_type = options.mud_content_type ? ct_mud : crypto::oid::id_data;
    so.extra_certificates = options.chain;
    so.signing_time = options.signing_time;
    return crypto::cms::sign(mud_bytes, key, cert, so);
}

SignatureReport verify_signature(ByteView signature, ByteView mud_bytes, const SignatureVerifyOptions& options) {
    SignatureReport r;
    crypto::cms::SignedData sd = crypto::cms::parse(signature);
    r.content_type = sd.econtent_type;
    bool type_ok = sd.econtent_type == crypto::oid::id_data || sd.econtent_type == ct_mud;
    r.checks.push_back({"content-type", type_ok,
                        type_ok ? (sd.econtent_type == ct_mud ? "id-ct-mudtype" : "id-data")
                                : "eContentType " + sd.econtent_type + " is neither id-data nor id-ct-mudtype"});
    if (!sd.detached)
        r.checks.push_back({"detached", false, "the signature carries its content; RFC 8520 signatures are detached"});
    crypto::cms::VerifyOptions vo;
    vo.trust_anchors = options.trust_anchors;
    vo.intermediates = options.intermediates;
    vo.at = options.at;
    vo.require_signed_attributes = false;  // signers using -noattr exist (NIST)
    crypto::cms::VerifyResult v = crypto::cms::verify(signature, vo, sd.detached ? std::optional<ByteView>(mud_bytes)
                                                                                   : std::nullopt);
    r.checks.push_back({"signature", v.signature_valid,
                        v.signature_valid ? "the signature covers the MUD file's exact bytes" : v.signature_error});
    if (!sd.detached && v.signature_valid && !(v.content == Bytes(mud_bytes.begin(), mud_bytes.end())))
        r.checks.push_back({"content", false, "the signed content differs from the MUD file"});
    r.checks.push_back({"chain", v.chain_valid,
                        v.chain_valid ? "the signer chains to a trust anchor" +
                                            (options.at ? " at " + format_rfc3339(*options.at) : std::string())
                                      : v.chain_error});
    if (v.signers.empty()) {
        r.checks.push_back({"signer", false, "no signer certificate found"});
        return r;
    }
    const crypto::Certificate& signer = v.signers.front();
    r.signer = signer.subject();
    unsigned ku = signer.key_usage();
    if (ku == 0)
        r.checks.push_back({"key-usage", true, "the signer certificate has no key usage extension", true});
    else
        r.checks.push_back({"key-usage", (ku & crypto::ku_digital_signature) != 0,
                            (ku & crypto::ku_digital_signature) ? "digitalSignature"
                                                               : "the signer's key usage lacks digitalSignature"});
    if (options.device_certificate) {
        auto want = options.device_certificate->mud_signer();
        if (!want)
            r.checks.push_back({"mud-signer", true, "the device certificate has no MUD signer extension", true});
        else
            r.checks.push_back({"mud-signer", *want == r.signer,
                                *want == r.signer ? "the signer is the device certificate's MUD signer " + *want
                                                  : "the signer " + r.signer + " is not the device certificate's MUD signer " + *want});
    }
    return r;
}

namespace {

// RFC 3986 section 5.2 for the forms a mud-signature takes: absolute, network-path, absolute-path, relative-path.
std::string resolve_reference(const std::string& base, const std::string& ref) {
    auto scheme_end = ref.find(':');
    auto first_special = ref.find_first_of("/?#");
    if (scheme_end != std::string::npos && (first_special == std::string::npos || scheme_end < first_special))
        return ref;
    auto bs = base.find("://");
    std::string scheme = base.substr(0, bs);
    auto path_start = base.find('/', bs + 3);
    std::string authority = base.substr(0, path_start == std::string::npos ? base.size() : path_start);
    if (ref.rfind("//", 0) == 0) return scheme + ":" + ref;
    if (!ref.empty() && ref[0] == '/') return authority + ref;
    std::string path = path_start == std::string::npos ? "/" : base.substr(path_start);
    if (auto q = path.find_first_of("?#"); q != std::string::npos) path = path.substr(0, q);
    path = path.substr(0, path.rfind('/') + 1) + ref;
    // remove dot segments
    std::vector<std::string> out;
    size_t i = 1;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        std::string seg = path.substr(i, j == std::string::npos ? std::string::npos : j - i);
        bool last = j == std::string::npos;
        if (seg == "..") {
            if (!out.empty()) out.pop_back();
            if (last) out.push_back("");
        } else if (seg == ".") {
            if (last) out.push_back("");
        } else {
            out.push_back(seg);
        }
        if (last) break;
        i = j + 1;
    }
    std::string p;
    for (const auto& s : out) p += "/" + s;
    return authority + (p.empty() ? "/" : p);
}

}  // namespace

std::string signature_url(const std::string& mud_url, const std::optional<std::string>& mud_signature) {
    if (mud_signature) return resolve_reference(mud_url, *mud_signature);
    std::string u = mud_url;
    if (auto q = u.find_first_of("?#"); q != std::string::npos) u = u.substr(0, q);
    if (u.size() > 5 && u.compare(u.size() - 5, 5, ".json") == 0) return u.substr(0, u.size() - 5) + ".p7s";
    return u + ".p7s";
}

}  // namespace iotops::mud
