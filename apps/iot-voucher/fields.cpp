#include "fields.hpp"

#include "artifact.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"

namespace iotops::voucher_cli {

void add_leaf_flags(CLI::App& verb, LeafFlags& f, bool request) {
    verb.add_option("--created-on", f.created_on, "created-on (RFC 3339); default now");
    verb.add_option("--expires-on", f.expires_on, "expires-on (RFC 3339)");
    verb.add_option("--expires-in", f.expires_in, "expires-on as a duration from now (30m, 12h, 7d)");
    verb.add_option("--last-renewal-date", f.last_renewal_date, "last-renewal-date (RFC 3339)");
    verb.add_option("--assertion", f.assertion, "assertion: verified, logged, proximity or agent-proximity")
        ->check(CLI::IsMember({"verified", "logged", "proximity", "agent-proximity"}));
    verb.add_option("--serial-number", f.serial_number, "serial-number of the device");
    verb.add_option("--idevid-issuer", f.idevid_issuer, "idevid-issuer (base64 of the AKI extension value)");
    verb.add_option("--idevid", f.idevid, "IDevID certificate file: sets serial-number and idevid-issuer from it");
    verb.add_option("--pinned-domain-cert", f.pinned_domain_cert, "Certificate file to pin as pinned-domain-cert");
    verb.add_option("--pinned-domain-pubk", f.pinned_domain_pubk, "Public key or certificate file to pin as pinned-domain-pubk");
    verb.add_option("--pinned-domain-pubk-sha256", f.pinned_domain_pubk_sha256,
                    "Public key or certificate file whose SubjectPublicKeyInfo SHA-256 to pin");
    verb.add_option("--domain-cert-revocation-checks", f.revocation_checks, "domain-cert-revocation-checks: true or false")
        ->check(CLI::IsMember({"true", "false"}));
    verb.add_option("--nonce", f.nonce, "nonce (base64 or base64url, 8..32 bytes)");
    verb.add_option("--est-domain", f.est_domain, "est-domain (URI)");
    verb.add_option("--additional-configuration-url", f.additional_configuration_url, "additional-configuration-url (URI)");
    if (request)
        verb.add_option("--proximity-registrar-cert", f.proximity_registrar_cert,
                        "Registrar certificate file seen during the TLS handshake (PVR)");
}

void apply_leaf_flags(const LeafFlags& f, nlohmann::json& d) {
    // Leaves go inside the top-level member when the description is a full instance.
    nlohmann::json* leaves = &d;
    if (d.size() == 1 && d.begin()->is_object() &&
        (d.contains("ietf-voucher:voucher") || d.contains("ietf-voucher-request:voucher")))
        leaves = &d.begin().value();
    auto set = [&](const char* leaf, const std::string& value) {
        if (!value.empty()) (*leaves)[leaf] = value;
    };
    set("created-on", f.created_on);
    set("expires-on", f.expires_on);
    if (!f.expires_in.empty()) {
        std::chrono::seconds d_;
        try {
            d_ = parse_duration(f.expires_in);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string("--expires-in: ") + e.what());
        }
        (*leaves)["expires-on"] = format_rfc3339(std::chrono::floor<std::chrono::seconds>(now()) + d_);
    }
    set("last-renewal-date", f.last_renewal_date);
    set("assertion", f.assertion);
    if (!f.idevid.empty()) {
        auto cert = crypto::Certificate::load_file(f.idevid);
        auto sn = cert.subject_attribute("serialNumber");
        if (!sn) throw Error(ErrorKind::malformed, "--idevid: the certificate has no serialNumber in its subject");
        (*leaves)["serial-number"] = *sn;
        if (auto aki = cert.authority_key_id_extension_value()) (*leaves)["idevid-issuer"] = base64_encode(*aki);
    }
    set("serial-number", f.serial_number);
    set("idevid-issuer", f.idevid_issuer);
    if (!f.pinned_domain_cert.empty()) (*leaves)["pinned-domain-cert"] = certificate_leaf(f.pinned_domain_cert);
    if (!f.pinned_domain_pubk.empty()) (*leaves)["pinned-domain-pubk"] = public_key_leaf(f.pinned_domain_pubk, false);
    if (!f.pinned_domain_pubk_sha256.empty())
        (*leaves)["pinned-domain-pubk-sha256"] = public_key_leaf(f.pinned_domain_pubk_sha256, true);
    if (!f.revocation_checks.empty()) (*leaves)["domain-cert-revocation-checks"] = f.revocation_checks == "true";
    set("nonce", f.nonce);
    set("est-domain", f.est_domain);
    set("additional-configuration-url", f.additional_configuration_url);
    if (!f.proximity_registrar_cert.empty())
        (*leaves)["proximity-registrar-cert"] = certificate_leaf(f.proximity_registrar_cert);
}

}  // namespace iotops::voucher_cli
