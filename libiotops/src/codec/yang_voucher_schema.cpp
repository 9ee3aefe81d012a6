// Built-in schema data for the voucher modules of RFC 8366bis. The SID tables are copied
// unchanged from the draft's ietf-voucher-sid.txt and ietf-voucher-request-sid.txt; the type
// tables are transcribed from ietf-voucher.yang and ietf-voucher-request.yang (grouping
// voucher-artifact; the request module refines it and adds the proximity and agent leaves).
#include "iotops/codec/yang_cbor.hpp"

namespace iotops::yang {
namespace {

constexpr const char* kVoucherSids = R"(
SID  Assigned to
---- --------------------------------------------------
2450 module ietf-voucher
2451 data   /ietf-voucher:voucher
2452 data   /ietf-voucher:voucher/assertion
2453 data   /ietf-voucher:voucher/created-on
2454 data   /ietf-voucher:voucher/domain-cert-revocation-checks
2455 data   /ietf-voucher:voucher/expires-on
2456 data   /ietf-voucher:voucher/idevid-issuer
2457 data   /ietf-voucher:voucher/last-renewal-date
2458 data   /ietf-voucher:voucher/nonce
2459 data   /ietf-voucher:voucher/pinned-domain-cert
2460 data   /ietf-voucher:voucher/pinned-domain-pubk
2461 data   /ietf-voucher:voucher/pinned-domain-pubk-sha256
2462 data   /ietf-voucher:voucher/serial-number
2463 data   /ietf-voucher:voucher/additional-configuration-url
2464 data   /ietf-voucher:voucher/est-domain
2465 data   /ietf-voucher:voucher/manufacturer-proprietary
2466 data   /ietf-voucher:voucher/extensions
)";

constexpr const char* kVoucherRequestSids = R"(
SID  Assigned to
---- --------------------------------------------------
2500 module ietf-voucher-request
2501 data   /ietf-voucher-request:voucher
2502 data   /ietf-voucher-request:voucher/assertion
2503 data   /ietf-voucher-request:voucher/created-on
2504 data   /ietf-voucher-request:voucher/domain-cert-revocation-checks
2505 data   /ietf-voucher-request:voucher/expires-on
2506 data   /ietf-voucher-request:voucher/idevid-issuer
2507 data   /ietf-voucher-request:voucher/last-renewal-date
2508 data   /ietf-voucher-request:voucher/nonce
2509 data   /ietf-voucher-request:voucher/pinned-domain-cert
2510 data   /ietf-voucher-request:voucher/prior-signed-voucher-request
2511 data   /ietf-voucher-request:voucher/proximity-registrar-cert
2512 data   /ietf-voucher-request:voucher/proximity-registrar-pubk-sha256
2513 data   /ietf-voucher-request:voucher/proximity-registrar-pubk
2514 data   /ietf-voucher-request:voucher/serial-number
2515 data   /ietf-voucher-request:voucher/agent-provided-proximity-registrar-cert
2516 data   /ietf-voucher-request:voucher/agent-sign-cert
2517 data   /ietf-voucher-request:voucher/agent-signed-data
2518 data   /ietf-voucher-request:voucher/pinned-domain-pubk
2519 data   /ietf-voucher-request:voucher/pinned-domain-pubk-sha256
2520 data   /ietf-voucher-request:voucher/additional-configuration-url
2521 data   /ietf-voucher-request:voucher/est-domain
2522 data   /ietf-voucher-request:voucher/extensions
2523 data   /ietf-voucher-request:voucher/manufacturer-proprietary
)";

// Leaves shared by both modules (grouping voucher-artifact), written for the prefix @.
constexpr const char* kArtifactTypes = R"(
@                                         container
@/created-on                              leaf       string   # yang:date-and-time
@/expires-on                              leaf       string   # yang:date-and-time
@/last-renewal-date                       leaf       string   # yang:date-and-time
@/assertion                               leaf       enumeration verified=0 logged=1 proximity=2 agent-proximity=3
@/serial-number                           leaf       string
@/idevid-issuer                           leaf       binary
@/pinned-domain-cert                      leaf       binary
@/pinned-domain-pubk                      leaf       binary
@/pinned-domain-pubk-sha256               leaf       binary
@/domain-cert-revocation-checks           leaf       boolean
@/nonce                                   leaf       binary   # length 8..32
@/est-domain                              leaf       string   # inet:uri
@/additional-configuration-url            leaf       string   # inet:uri
@/manufacturer-proprietary                leaf       binary
@/extensions                              leaf-list  union uint64 string
)";

constexpr const char* kVoucherRequestTypes = R"(
/ietf-voucher-request:voucher/prior-signed-voucher-request             leaf binary
/ietf-voucher-request:voucher/proximity-registrar-cert                 leaf binary
/ietf-voucher-request:voucher/proximity-registrar-pubk                 leaf binary
/ietf-voucher-request:voucher/proximity-registrar-pubk-sha256          leaf binary
/ietf-voucher-request:voucher/agent-provided-proximity-registrar-cert  leaf binary
/ietf-voucher-request:voucher/agent-sign-cert                          leaf binary
/ietf-voucher-request:voucher/agent-signed-data                        leaf binary
)";

std::string with_prefix(std::string_view table, std::string_view prefix) {
    std::string out;
    for (char c : table) {
        if (c == '@') out += prefix;
        else out += c;
    }
    return out;
}

}  // namespace

const Schema& Schema::voucher() {
    static const Schema schema = [] {
        Schema s;
        s.add_sids(SidTable::parse_text(kVoucherSids));
        s.add_sids(SidTable::parse_text(kVoucherRequestSids));
        s.add_types(with_prefix(kArtifactTypes, "/ietf-voucher:voucher"));
        s.add_types(with_prefix(kArtifactTypes, "/ietf-voucher-request:voucher"));
        s.add_types(kVoucherRequestTypes);
        return s;
    }();
    return schema;
}

}  // namespace iotops::yang
