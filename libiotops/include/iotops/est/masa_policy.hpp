// The MASA's ownership policy: which registrar domains may claim which devices (RFC 8995 5.5.4).
//
// A YAML or JSON file:
//   domains:
//     - name: acme                          # used in answers and logs
//       domain-ca-sha256: [ "9F:86:...", ...]  # SHA-256 of a certificate in the registrar's chain
//       registrar-issuer: [ "CN=Acme Domain CA,O=Acme" ]  # RFC 2253 issuer of the registrar cert
//       serials: [ "SN-1*", "JADA*" ]       # fnmatch(3) globs of serial-numbers it may claim
//       pin: domain-ca                      # or end-entity: what pinned-domain-cert holds
// A domain is recognised by any of its fingerprints or issuers (each a string or a list); at least
// one is required. A device may be claimed when some domain that recognises the registrar lists
// a glob matching its serial-number.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"

namespace iotops::est {

enum class PinChoice { domain_ca, end_entity };

struct OwnershipDomain {
    std::string name;
    std::vector<Bytes> ca_sha256;
    std::vector<std::string> registrar_issuers;
    std::vector<std::string> serials;
    std::optional<PinChoice> pin;  // none: the MASA's default

    // Whether this domain recognises a registrar: its certificate, then the rest of its chain.
    bool recognises(const std::vector<crypto::Certificate>& registrar_chain) const;
    bool may_claim(std::string_view serial_number) const;
};

struct OwnershipDecision {
    bool allowed = false;
    const OwnershipDomain* domain = nullptr;  // the domain that allows it, or the first that recognised the registrar
    std::string reason;                       // why not, when not allowed
};

class OwnershipPolicy {
public:
    // Throws Error(malformed) "<what>: ..." naming the field that is wrong.
    static OwnershipPolicy parse(std::string_view text, std::string_view what = "policy");
    static OwnershipPolicy load_file(const std::string& path);

    const std::vector<OwnershipDomain>& domains() const { return domains_; }
    OwnershipDecision decide(const std::vector<crypto::Certificate>& registrar_chain, std::string_view serial_number) const;

private:
    std::vector<OwnershipDomain> domains_;
};

}  // namespace iotops::est
