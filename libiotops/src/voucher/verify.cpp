#include "iotops/voucher/verify.hpp"

#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::voucher {
namespace {

crypto::ChainOptions chain_options(const VerifyOptions& o, const std::vector<crypto::Certificate>& carried) {
    crypto::ChainOptions c;
    c.trust_anchors = o.anchors;
    c.intermediates = o.intermediates;
    c.intermediates.insert(c.intermediates.end(), carried.begin(), carried.end());
    c.at = o.at;
    return c;
}

// The chain check for a signer found by signature: anchors given -> verify_chain; none given and the
// signer came from --cert -> trusted as given; otherwise a failure (strict by default).
Check chain_check(const std::optional<crypto::Certificate>& signer, const VerifyOptions& o,
                  const std::vector<crypto::Certificate>& carried, Report& r) {
    if (!signer) return {"chain", false, "no signer certificate to chain (give it with --cert)"};
    if (o.anchors.empty()) {
        if (o.signer && *o.signer == *signer)
            return {"chain", true, "no trust anchor given: the signer certificate given with --cert is trusted as is", true};
        return {"chain", false, "no trust anchor given (--anchor)"};
    }
    auto res = crypto::verify_chain(*signer, chain_options(o, carried));
    (void)r;
    return {"chain", res.ok, res.ok ? std::string() : res.error};
}

void verify_cms(const Envelope& e, const VerifyOptions& o, Report& r) {
    crypto::cms::VerifyOptions v;
    v.trust_anchors = o.anchors;
    v.intermediates = o.intermediates;
    if (o.signer) v.intermediates.push_back(*o.signer);
    v.at = o.at;
    auto res = crypto::cms::verify(e.raw, v);
    if (!res.signers.empty()) r.signer = res.signers.front();
    r.checks.push_back({"signature", res.signature_valid, res.signature_error});
    if (o.anchors.empty()) r.checks.push_back({"chain", false, "no trust anchor given (--anchor)"});
    else r.checks.push_back({"chain", res.chain_valid, res.chain_error});
    // 8366bis wants id-ct-animaJSONVoucher; every published RFC 8995 artifact uses id-data.
    std::string ct = e.details.value("econtent-type", "");
    if (ct == crypto::oid::ct_anima_json_voucher) r.checks.push_back({"content-type", true, ""});
    else if (ct == crypto::oid::id_data)
        r.checks.push_back({"content-type", true, "eContentType is id-data (RFC 8995 style), not id-ct-animaJSONVoucher", true});
    else r.checks.push_back({"content-type", false, "eContentType " + ct + " is not a voucher type"});
    int version = e.details.value("signed-data-version", 0);
    r.checks.push_back({"signed-data-version", true,
                        version == 1 ? "SignedData version 1 (PKCS#7 style, deprecated by 8366bis)" : "", version == 1});
}

void verify_jws(const Envelope& e, const VerifyOptions& o, Report& r) {
    auto jws = crypto::Jws::parse(to_string(e.raw));
    crypto::JwsVerifyOptions v;
    if (o.signer) v.certificates.push_back(*o.signer);
    if (!o.anchors.empty()) v.chain = chain_options(o, {});
    auto results = crypto::verify_jws(jws, v);
    bool sig_ok = !results.empty();
    std::string why;
    for (const auto& res : results) {
        if (!res.signature_valid) {
            sig_ok = false;
            if (why.empty()) why = "signature " + std::to_string(res.index) + ": " + (res.reason.empty() ? "invalid" : res.reason);
        }
        if (!r.signer && res.signer_certificate) r.signer = res.signer_certificate;
    }
    r.checks.push_back({"signature", sig_ok, why});
    if (o.anchors.empty()) {
        r.checks.push_back(chain_check(r.signer, o, {}, r));
    } else {
        bool chain_ok = !results.empty();
        std::string cwhy;
        for (const auto& res : results)
            if (res.chain_valid != true) {
                chain_ok = false;
                if (cwhy.empty()) cwhy = res.reason.empty() ? "signer does not chain to a trust anchor" : res.reason;
            }
        r.checks.push_back({"chain", chain_ok, cwhy});
    }
    for (const auto& s : jws.signatures)
        if (auto typ = s.typ(); typ && *typ != crypto::jws_typ_voucher)
            r.checks.push_back({"typ", false, "typ is \"" + *typ + "\", want voucher-jws+json"});
}

void verify_cose(const Envelope& e, const VerifyOptions& o, Report& r) {
    auto msg = crypto::cose::Sign1::parse(e.raw);
    std::vector<crypto::Certificate> candidates;
    if (o.signer) candidates.push_back(*o.signer);
    candidates.insert(candidates.end(), e.certificates.begin(), e.certificates.end());
    std::string why = candidates.empty() ? "no signer certificate: the artifact carries none (give it with --cert)" : "";
    for (const auto& c : candidates) {
        auto verdict = msg.verify(c);
        if (verdict.ok) {
            r.signer = c;
            why.clear();
            break;
        }
        if (why.empty()) why = verdict.reason;
    }
    r.checks.push_back({"signature", r.signer.has_value(), r.signer ? std::string() : why});
    r.checks.push_back(chain_check(r.signer, o, e.certificates, r));
    // cBRSKI registers application/voucher+cose (CoAP 836); highway and reach sent the older name.
    if (auto ct = msg.protected_header().content_type()) {
        if (auto* s = std::get_if<std::string>(&*ct)) {
            if (*s == "application/voucher+cose") r.checks.push_back({"content-type", true, ""});
            else if (*s == "application/voucher-cose+cbor")
                r.checks.push_back({"content-type", true, "content type application/voucher-cose+cbor is the old name of application/voucher+cose", true});
            else r.checks.push_back({"content-type", false, "content type " + *s + " is not a voucher type"});
        } else {
            auto n = std::get<std::uint64_t>(*ct);
            r.checks.push_back({"content-type", n == 836, n == 836 ? std::string() : "content format " + std::to_string(n) + " is not 836 (voucher+cose)"});
        }
    }
}

std::string as_text(const Bytes& b) {
    bool printable = !b.empty();
    for (auto c : b) printable = printable && c >= 0x20 && c < 0x7f;
    return printable ? to_string(b) : hex_encode(b);
}

// "YYYY-MM-DDTHH:MM:SSZ": 8366bis dates; offsets and fractions are accepted as a legacy form.
bool canonical_date(const std::string& s) {
    return s.size() == 20 && s.back() == 'Z' && s.find('.') == std::string::npos;
}

// Padded standard base64 (RFC 4648 section 4), what RFC 7951 prescribes for YANG binary leaves.
bool canonical_base64(const std::string& s) {
    if (s.size() % 4 != 0) return false;
    return s.find_first_of("-_") == std::string::npos;
}

void check_legacy_leaves(const Voucher& v, Report& r) {
    std::string dates, binaries;
    for (const auto& [leaf, value] : v.leaves().items()) {
        if (!value.is_string()) continue;
        const auto& s = value.get_ref<const std::string&>();
        if (leaf == "created-on" || leaf == "expires-on" || leaf == "last-renewal-date") {
            if (canonical_date(s)) continue;
            try {
                parse_rfc3339(s);
            } catch (const Error&) {
                continue;  // leaf-types names it
            }
            dates += (dates.empty() ? "" : ", ") + leaf + " " + s;
        } else if (const auto* n = yang::Schema::voucher().node("/" + std::string(top_level_name(v.kind())) + "/" + leaf);
                   n && n->kind == yang::NodeKind::leaf && n->type.base == yang::BaseType::binary && !canonical_base64(s)) {
            binaries += (binaries.empty() ? "" : ", ") + leaf;
        }
    }
    r.checks.push_back({"date-format", true,
                        dates.empty() ? std::string() : "dates with a UTC offset or fractional seconds (legacy): " + dates,
                        !dates.empty()});
    r.checks.push_back({"binary-encoding", true,
                        binaries.empty() ? std::string() : "base64url or unpadded base64 (legacy, RFC 8995 style): " + binaries,
                        !binaries.empty()});
}

bool is_rvr(const Voucher& v) {
    return v.kind() == Kind::voucher_request && v.leaves().contains("prior-signed-voucher-request");
}

std::string describe_kind(const Voucher& v) {
    if (v.kind() == Kind::voucher) return "a voucher";
    return is_rvr(v) ? "a registrar voucher-request (RVR)" : "a pledge voucher-request (PVR)";
}

void check_kind(const Voucher& v, Expect want, Report& r) {
    if (want == Expect::any) return;
    bool ok = want == Expect::voucher ? v.kind() == Kind::voucher
              : want == Expect::pvr   ? v.kind() == Kind::voucher_request && !is_rvr(v)
                                      : is_rvr(v);
    static const char* names[] = {"", "a voucher", "a pledge voucher-request (PVR)", "a registrar voucher-request (RVR)"};
    r.checks.push_back({"kind", ok, ok ? std::string() : describe_kind(v) + " where " + names[static_cast<int>(want)] + " is expected"});
}

// An RVR: the PVR inside must open, be a PVR, carry a valid signature, and its signer must be the
// device the RVR names.
void check_rvr(const Voucher& v, const VerifyOptions& o, Report& r) {
    if (!is_rvr(v)) return;
    std::optional<Envelope> pvr;
    std::string why;
    try {
        pvr = open(*v.binary("prior-signed-voucher-request"));
        if (pvr->format == Format::json || pvr->format == Format::cbor) why = "it is not signed";
        else if (pvr->voucher.kind() != Kind::voucher_request) why = "it is a voucher, not a voucher-request";
        else if (is_rvr(pvr->voucher)) why = "it is itself a registrar voucher-request";
    } catch (const Error& e) {
        why = e.what();
    }
    std::optional<crypto::Certificate> signer;
    // A cBRSKI PVR carries no certificate (the registrar saw it in DTLS); the IDevID given by the
    // caller (a MASA knows its devices) verifies it then.
    if (why.empty() && pvr->certificates.empty() && !o.idevid) {
        r.checks.push_back({"prior-signed-voucher-request", true,
                            "the PVR inside carries no certificate: its signature is not checked (give the IDevID with --idevid)", true});
        return;
    }
    if (why.empty()) {
        VerifyOptions po;
        po.anchors = o.pvr_anchors;
        po.at = o.at;
        if (pvr->certificates.empty()) po.signer = o.idevid;
        auto pr = verify(*pvr, po);
        for (const auto& c : pr.checks)
            if ((c.name == "signature" || (c.name == "chain" && !o.pvr_anchors.empty())) && !c.ok && why.empty())
                why = "its " + c.name + " check fails: " + c.message;
        signer = pr.signer;
        if (why.empty() && !signer) why = "no certificate verifies its signature";
    }
    r.checks.push_back({"prior-signed-voucher-request", why.empty(), why.empty() ? std::string() : "the PVR inside: " + why});
    if (!why.empty()) return;

    auto want_serial = signer->subject_attribute("serialNumber");
    auto serial = v.text("serial-number");
    if (!want_serial) r.checks.push_back({"rvr-serial-number", false, "the PVR's signer certificate has no serialNumber"});
    else {
        bool ok = serial && *serial == *want_serial;
        r.checks.push_back({"rvr-serial-number", ok, ok ? std::string() : "serial-number is " + serial.value_or("absent") +
                                                                     ", the PVR's signer certificate says " + *want_serial});
    }
    std::optional<Bytes> issuer;
    try {
        issuer = v.binary("idevid-issuer");
    } catch (const Error&) {
    }
    auto aki = signer->authority_key_id_extension_value();
    if (!issuer) r.checks.push_back({"rvr-idevid-issuer", true, "the RVR has no idevid-issuer (8366bis requires it)", true});
    else if (!aki) r.checks.push_back({"rvr-idevid-issuer", false, "the PVR's signer certificate has no authority key identifier"});
    else {
        bool ok = *issuer == *aki;
        r.checks.push_back({"rvr-idevid-issuer", ok, ok ? std::string() : "idevid-issuer " + hex_encode(*issuer) +
                                                                     " is not the PVR signer's AKI extension " + hex_encode(*aki)});
    }
    std::optional<Bytes> pvr_nonce, rvr_nonce;
    try {
        pvr_nonce = pvr->voucher.binary("nonce");
        rvr_nonce = v.binary("nonce");
    } catch (const Error&) {
    }
    if (pvr_nonce) {
        bool ok = rvr_nonce && *rvr_nonce == *pvr_nonce;
        r.checks.push_back({"rvr-nonce", ok, ok ? std::string() : "the RVR's nonce is not the PVR's"});
    }
}

void verify_requests(const Envelope& e, const VerifyOptions& o, Report& r) {
    const Voucher& v = e.voucher;
    if (o.nonce) {
        std::optional<Bytes> have;
        try {
            have = v.binary("nonce");
        } catch (const Error&) {
        }
        bool ok = have && *have == *o.nonce;
        r.checks.push_back({"nonce", ok, ok ? std::string() : have ? "nonce is " + as_text(*have) + ", want " + as_text(*o.nonce)
                                                                   : "the voucher has no nonce"});
    }
    std::optional<std::string> want_serial = o.serial;
    if (!want_serial && o.idevid) want_serial = o.idevid->subject_attribute("serialNumber");
    if (o.idevid && !o.idevid->subject_attribute("serialNumber"))
        r.checks.push_back({"serial-number", false, "the idevid certificate has no serialNumber in its subject"});
    else if (want_serial) {
        auto have = v.text("serial-number");
        bool ok = have && *have == *want_serial;
        r.checks.push_back({"serial-number", ok, ok ? std::string() : "serial-number is " + have.value_or("absent") + ", want " + *want_serial});
    }
    if (o.idevid) {
        auto aki = o.idevid->authority_key_id_extension_value();
        std::optional<Bytes> have;
        try {
            have = v.binary("idevid-issuer");
        } catch (const Error&) {
        }
        if (!have) r.checks.push_back({"idevid-issuer", true, "the voucher has no idevid-issuer", true});
        else if (!aki) r.checks.push_back({"idevid-issuer", false, "the idevid certificate has no authority key identifier"});
        else {
            bool ok = *have == *aki;
            r.checks.push_back({"idevid-issuer", ok, ok ? std::string() : "idevid-issuer " + hex_encode(*have) +
                                                                     " is not the idevid's AKI extension " + hex_encode(*aki)});
        }
    }
    if (o.pinned) {
        std::optional<Bytes> have;
        try {
            have = v.binary("pinned-domain-cert");
        } catch (const Error&) {
        }
        bool ok = have && *have == o.pinned->der();
        r.checks.push_back({"pinned-domain-cert", ok, ok ? std::string() : have ? "pinned-domain-cert is another certificate"
                                                                                : "the voucher has no pinned-domain-cert"});
    }
}

}  // namespace

Expect parse_expect(std::string_view name) {
    for (Expect e : {Expect::any, Expect::voucher, Expect::pvr, Expect::rvr})
        if (expect_name(e) == name) return e;
    throw Error(ErrorKind::usage, "kind: \"" + std::string(name) + "\" is not one of voucher, pvr, rvr");
}

std::string_view expect_name(Expect e) {
    switch (e) {
    case Expect::voucher: return "voucher";
    case Expect::pvr: return "pvr";
    case Expect::rvr: return "rvr";
    default: return "any";
    }
}

nlohmann::json Report::to_json() const {
    nlohmann::json j = {{"result", ok() ? "valid" : "invalid"},
                        {"format", std::string(format_name(format))},
                        {"kind", std::string(kind_name(kind))}};
    if (signer) j["signer"] = certificate_summary(*signer);
    j["checks"] = checks_to_json(checks);
    j["payload"] = payload;
    return j;
}

Report verify(const Envelope& e, const VerifyOptions& options) {
    Report r;
    r.format = e.format;
    r.kind = e.voucher.kind();
    r.payload = e.voucher.to_json();
    switch (e.format) {
    case Format::cms: verify_cms(e, options, r); break;
    case Format::jws: verify_jws(e, options, r); break;
    case Format::cose: verify_cose(e, options, r); break;
    default: r.checks.push_back({"signature", false, "the voucher is not signed (bare " + std::string(format_name(e.format)) + ")"});
    }
    RuleOptions rules;
    rules.at = options.at;
    for (auto& c : check_rules(e.voucher, rules)) r.checks.push_back(std::move(c));
    check_legacy_leaves(e.voucher, r);
    check_kind(e.voucher, options.kind, r);
    check_rvr(e.voucher, options, r);
    verify_requests(e, options, r);
    if (options.strict)
        for (auto& c : r.checks)
            if (c.warning) {
                c.ok = false;
                c.warning = false;
                c.message += " (--strict)";
            }
    return r;
}

Report verify(ByteView artifact, const VerifyOptions& options) { return verify(open(artifact), options); }

}  // namespace iotops::voucher
