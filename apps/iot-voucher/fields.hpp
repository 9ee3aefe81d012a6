// The leaf flags of create and request (--serial-number, --pinned-domain-cert FILE, ...), applied
// over a description so that a flag overrides the same leaf from a file.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include <nlohmann/json.hpp>

namespace iotops::voucher_cli {

struct LeafFlags {
    std::string created_on, expires_on, last_renewal_date, assertion, serial_number, idevid_issuer, idevid,
        pinned_domain_cert, pinned_domain_pubk, pinned_domain_pubk_sha256, revocation_checks, nonce, est_domain,
        additional_configuration_url, proximity_registrar_cert, expires_in;
};

// request=true adds --proximity-registrar-cert (a voucher-request leaf).
void add_leaf_flags(CLI::App& verb, LeafFlags& f, bool request);
// Sets the leaves the flags give in d (a flat description, or {"ietf-voucher...:voucher":{...}}).
void apply_leaf_flags(const LeafFlags& f, nlohmann::json& d);

}  // namespace iotops::voucher_cli
