#include "est/masa_request.hpp"

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/voucher/verify.hpp"

namespace iotops::est::detail {
namespace {

std::optional<Check> find_check(const voucher::Report& r, const std::string& name) {
    for (const auto& c : r.checks)
        if (c.name == name) return c;
    return std::nullopt;
}

// The registrar's chain as its CMS / x5c / x5bag carries it: from the signer, each next certificate
// the one whose key signed the previous (by signature, never by name), until a self-signed one or
// none fits. The last is the farthest certificate the registrar chose to send (RFC 8995 5.5.2).
std::vector<crypto::Certificate> registrar_chain(const crypto::Certificate& signer,
                                                 const std::vector<crypto::Certificate>& carried, Time at) {
    std::vector<crypto::Certificate> chain{signer};
    while (chain.size() <= carried.size()) {
        bool found = false;
        for (const auto& c : carried) {
            // Names only preselect (cheap); the signature decides.
            if (c.subject() != chain.back().issuer()) continue;
            bool used = false;
            for (const auto& in : chain) used = used || in == c;
            if (used) continue;
            crypto::ChainOptions o;
            o.trust_anchors = {c};
            o.at = at;
            if (crypto::verify_chain(chain.back(), o).ok) {
                chain.push_back(c);
                found = true;
                break;
            }
        }
        if (!found) break;
    }
    // The farthest certificate is the temporary trust anchor of the whole chain (5.5.2, 5.5.3).
    crypto::ChainOptions o;
    o.trust_anchors = {chain.back()};
    o.intermediates.assign(chain.begin() + 1, chain.end());
    o.at = at;
    auto res = crypto::verify_chain(signer, o);
    if (!res.ok) refuse(403, "the registrar's certificate chain does not verify: " + res.error);
    return chain;
}

std::optional<Bytes> binary_leaf(const voucher::Voucher& v, const char* leaf, const char* who) {
    try {
        return v.binary(leaf);
    } catch (const Error& e) {
        refuse(400, std::string(who) + " " + leaf + " is not base64");
    }
}

bool has_spki(const std::vector<crypto::Certificate>& chain, const Bytes& spki) {
    for (const auto& c : chain)
        if (c.public_key().spki_der() == spki) return true;
    return false;
}

bool has_cert(const std::vector<crypto::Certificate>& chain, const crypto::Certificate& cert) {
    for (const auto& c : chain)
        if (c == cert) return true;
    return false;
}

// cBRSKI: a registrar whose DTLS certificate is not its RVR signer puts it in the RVR's x5bag.
// The registrar chain, then each other carried certificate the chain's farthest one issued
// (directly or through the chain): the keys a proximity-registrar-pubk may name.
std::vector<crypto::Certificate> domain_certificates(const std::vector<crypto::Certificate>& chain,
                                                     const std::vector<crypto::Certificate>& carried, Time at) {
    std::vector<crypto::Certificate> out = chain;
    for (const auto& c : carried) {
        if (has_cert(out, c)) continue;
        crypto::ChainOptions o;
        o.trust_anchors = {chain.back()};
        o.intermediates.assign(chain.begin() + 1, chain.end());
        o.at = at;
        if (crypto::verify_chain(c, o).ok) out.push_back(c);
    }
    return out;
}

// 5.5.5: the registrar the pledge saw (proximity-registrar-cert, or the cBRSKI public key forms)
// must be in the chain that signed the RVR (for the key forms: or among the domain's certificates
// the RVR carries). False when the PVR names no registrar.
bool check_proximity(const voucher::Voucher& pvr, const std::vector<crypto::Certificate>& chain,
                     const std::vector<crypto::Certificate>& domain) {
    const char* who = "the pledge voucher-request's";
    if (auto der = binary_leaf(pvr, "proximity-registrar-cert", who)) {
        crypto::Certificate pinned = [&] {
            try {
                return crypto::Certificate::load(*der);
            } catch (const Error&) {
                refuse(400, "the pledge voucher-request's proximity-registrar-cert is not a certificate");
            }
        }();
        // The usual case, the very certificate, is settled without encoding keys.
        if (!has_cert(chain, pinned) && !has_spki(chain, pinned.public_key().spki_der()))
            refuse(403, "the pledge voucher-request's proximity-registrar-cert (" + pinned.subject() +
                            ") is not in the chain that signed the registrar voucher-request");
        return true;
    }
    if (auto spki = binary_leaf(pvr, "proximity-registrar-pubk", who)) {
        if (!has_spki(domain, *spki))
            refuse(403, "the pledge voucher-request's proximity-registrar-pubk is not a key of the registrar's chain");
        return true;
    }
    if (auto hash = binary_leaf(pvr, "proximity-registrar-pubk-sha256", who)) {
        for (const auto& c : domain)
            if (crypto::digest(crypto::Hash::sha256, c.public_key().spki_der()) == *hash) return true;
        refuse(403, "the pledge voucher-request's proximity-registrar-pubk-sha256 is not a key of the registrar's chain");
    }
    return false;
}

// An IDevID without an AKI (RFC 8995 Appendix C's): the AKI extension value it would carry, from
// its issuer's subjectKeyIdentifier, 04 L 30 L' 80 n <keyid> (8366bis idevid-issuer format).
std::optional<Bytes> derived_issuer_id(const crypto::Certificate& idevid, const RvrRules& rules) {
    crypto::ChainOptions o;
    o.trust_anchors = rules.idevid_anchors;
    o.at = rules.at;
    auto res = crypto::verify_chain(idevid, o);
    if (!res.ok || res.chain.size() < 2) return std::nullopt;
    auto ski = res.chain[1].subject_key_id();
    if (!ski || ski->size() > 100) return std::nullopt;
    auto n = static_cast<std::uint8_t>(ski->size());
    Bytes out{0x04, static_cast<std::uint8_t>(n + 4), 0x30, static_cast<std::uint8_t>(n + 2), 0x80, n};
    out.insert(out.end(), ski->begin(), ski->end());
    return out;
}

}  // namespace

voucher::Format request_format(const BrskiRequest& r) {
    auto f = voucher_format_of(r.content_type);
    if (!f)
        refuse(415, "unsupported Content-Type '" + r.content_type + "': send " + media_voucher_cms + ", " +
                        media_voucher_jws + " or " + media_voucher_cose);
    return *f;
}

CheckedRvr check_rvr(const BrskiRequest& r, const RvrRules& rules) {
    auto format = request_format(r);
    if (r.body.empty()) refuse(400, "empty body: a signed registrar voucher-request is expected");
    CheckedRvr out;
    try {
        out.rvr = voucher::open(r.body);
    } catch (const Error& e) {
        refuse(400, std::string("malformed voucher-request: ") + e.what());
    }
    if (out.rvr.format != format)
        refuse(400, "the body is a " + std::string(voucher::format_name(out.rvr.format)) + " artifact, not what Content-Type " +
                        r.content_type + " says");
    const auto& v = out.rvr.voucher;
    if (v.kind() != voucher::Kind::voucher_request) refuse(400, "the body is a voucher, not a voucher-request");

    // The registrar's signature, with the certificates it sent (5.5.2, 5.5.3). The PVR inside is
    // checked below against the manufacturer's anchors, so the signature check leaves it out.
    voucher::VerifyOptions vo;
    vo.at = rules.at;
    voucher::Envelope signature_only = out.rvr;
    if (v.leaves().contains("prior-signed-voucher-request")) {
        auto leaves = v.leaves();
        leaves.erase("prior-signed-voucher-request");
        signature_only.voucher = voucher::Voucher::from_json({{std::string(voucher::top_level_name(v.kind())), leaves}});
    }
    auto report = voucher::verify(signature_only, vo);
    if (auto sig = find_check(report, "signature"); !sig || !sig->ok)
        refuse(403, "the registrar voucher-request's signature does not verify: " + (sig ? sig->message : std::string("no signature")));
    if (!report.signer) refuse(403, "the registrar voucher-request carries no certificate that verifies its signature");
    out.registrar_chain = registrar_chain(*report.signer, out.rvr.certificates, rules.at);
    // 5.5.4: only a registration authority of the domain may ask.
    auto eku = report.signer->ext_key_usage();
    if (std::find(eku.begin(), eku.end(), crypto::oid::kp_cmc_ra) == eku.end())
        refuse(403, "the voucher-request signer " + report.signer->subject() +
                        " is not a registrar (no id-kp-cmcRA extended key usage)");

    voucher::RuleOptions ro;
    ro.at = rules.at;
    for (const auto& c : voucher::check_rules(v, ro))
        if (!c.ok) refuse(400, "voucher-request " + c.name + ": " + c.message);
    if (v.leaves().contains("proximity-registrar-cert"))
        refuse(400, "a registrar voucher-request must not carry proximity-registrar-cert (RFC 8995 5.5)");
    auto serial = v.text("serial-number");
    if (!serial) refuse(400, "the registrar voucher-request has no serial-number");
    out.serial_number = *serial;
    // RFC 8995 registrars (its Appendix C among them) leave idevid-issuer out; 8366bis requires it.
    // Without it the PVR's signer tells which issuer the serial-number belongs to.
    auto issuer = binary_leaf(v, "idevid-issuer", "the registrar voucher-request's");
    if (auto it = v.leaves().find("nonce"); it != v.leaves().end() && it->is_string()) out.nonce = it->get<std::string>();

    auto prior = binary_leaf(v, "prior-signed-voucher-request", "the registrar voucher-request's");
    if (!prior) {
        if (rules.require_pvr)
            refuse(403, "no prior-signed-voucher-request: nonceless vouchers for registrars the MASA cannot authenticate are not issued");
        if (!issuer) refuse(400, "the registrar voucher-request has neither idevid-issuer nor prior-signed-voucher-request");
        out.idevid_issuer = *issuer;
        return out;
    }

    // The pledge's request (5.5.5): signed by an IDevID of this manufacturer.
    try {
        out.pvr = voucher::open(*prior);
    } catch (const Error& e) {
        refuse(400, std::string("prior-signed-voucher-request: ") + e.what());
    }
    const auto& p = out.pvr->voucher;
    if (out.pvr->format == voucher::Format::json || out.pvr->format == voucher::Format::cbor)
        refuse(400, "prior-signed-voucher-request: it is not signed");
    if (p.kind() != voucher::Kind::voucher_request || p.leaves().contains("prior-signed-voucher-request"))
        refuse(400, "prior-signed-voucher-request: it is not a pledge voucher-request");
    voucher::VerifyOptions po;
    po.at = rules.at;
    po.anchors = rules.idevid_anchors;
    voucher::Report pr;
    if (!out.pvr->certificates.empty()) {
        pr = voucher::verify(*out.pvr, po);
    } else {
        // A constrained pledge's COSE PVR may carry no certificate; its registrar then puts the
        // pledge's chain from the DTLS handshake into the RVR's x5bag (cBRSKI). The signer is the
        // one whose key verifies, and it must still chain to the manufacturer.
        if (out.rvr.certificates.empty())
            refuse(400, "prior-signed-voucher-request: neither it nor the registrar voucher-request carries a certificate to "
                        "check the pledge's signature with");
        po.intermediates = out.rvr.certificates;
        for (const auto& candidate : out.rvr.certificates) {
            if (!candidate.subject_attribute("serialNumber")) continue;
            po.signer = candidate;
            pr = voucher::verify(*out.pvr, po);
            if (auto sig = find_check(pr, "signature"); sig && sig->ok) break;
        }
    }
    if (auto sig = find_check(pr, "signature"); !sig || !sig->ok || !pr.signer)
        refuse(403, "the pledge voucher-request's signature does not verify" + (sig && !sig->message.empty() ? ": " + sig->message : std::string()));
    out.idevid = *pr.signer;
    if (auto chain = find_check(pr, "chain"); !chain || !chain->ok)
        refuse(404, "unknown device: the pledge's IDevID (" + pr.signer->subject() +
                        ") does not chain to a manufacturer trust anchor of this MASA" +
                        (chain && !chain->message.empty() ? ": " + chain->message : std::string()));

    auto cert_serial = out.idevid->subject_attribute("serialNumber");
    if (!cert_serial) refuse(400, "the pledge's IDevID has no serialNumber in its subject");
    if (*cert_serial != out.serial_number)
        refuse(400, "serial-number " + out.serial_number + " is not the serialNumber " + *cert_serial + " of the pledge's IDevID");
    if (auto ps = p.text("serial-number"); ps && *ps != *cert_serial)
        refuse(400, "the pledge voucher-request's serial-number " + *ps + " is not its IDevID's serialNumber " + *cert_serial);
    auto aki = out.idevid->authority_key_id_extension_value();
    if (!aki) aki = derived_issuer_id(*out.idevid, rules);
    if (!aki) refuse(400, "the pledge's IDevID has no authority key identifier, nor its issuer a subject key identifier");
    if (issuer && *aki != *issuer)
        refuse(400, "idevid-issuer " + hex_encode(*issuer) + " is not the authority key identifier " + hex_encode(*aki) +
                        " of the pledge's IDevID");
    out.idevid_issuer = *aki;

    // 5.5.6: the nonce must be the pledge's.
    auto pvr_nonce = binary_leaf(p, "nonce", "the pledge voucher-request's");
    auto rvr_nonce = binary_leaf(v, "nonce", "the registrar voucher-request's");
    if (rvr_nonce && (!pvr_nonce || *pvr_nonce != *rvr_nonce))
        refuse(400, "the registrar voucher-request's nonce is not the one in the pledge voucher-request");
    if (rules.require_pvr && !rvr_nonce)
        refuse(403, "no nonce: nonceless vouchers for registrars the MASA cannot authenticate are not issued");

    bool pinned = check_proximity(p, out.registrar_chain, domain_certificates(out.registrar_chain, out.rvr.certificates, rules.at));
    out.proximity = pinned && rvr_nonce && p.text("assertion") == std::optional<std::string>("proximity");
    return out;
}

}  // namespace iotops::est::detail
