#include "iotops/est/masa.hpp"

#include "est/masa_request.hpp"
#include "iotops/ca/deny_list.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/masa_audit.hpp"
#include "iotops/voucher/create.hpp"

namespace iotops::est {
namespace {

using detail::answer;
using detail::refuse;

const std::vector<voucher::Format> offered = {voucher::Format::cms, voucher::Format::jws, voucher::Format::cose};

// 5.5.2: the MASA pins the farthest certificate the registrar sent (its domain CA when it sent
// the chain), or the registrar's own certificate, as the domain's policy or the default says.
const crypto::Certificate& pinned_cert(const std::vector<crypto::Certificate>& chain, const OwnershipDomain* domain,
                                       PinChoice fallback) {
    auto choice = domain && domain->pin ? *domain->pin : fallback;
    return choice == PinChoice::end_entity ? chain.front() : chain.back();
}

// The MASA's own files (deny list, audit log) that do not parse are its fault, not the request's.
template <typename F>
auto server_side(F&& f) {
    try {
        return f();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed) throw;
        refuse(500, std::string("server error: ") + e.what());
    }
}

}  // namespace

Masa::Masa(MasaConfig config) : config_(std::move(config)) {
    if (!(config_.cert.public_key() == config_.key.public_key()))
        throw Error(ErrorKind::usage, "masa: the signing certificate does not belong to the key");
    if (config_.idevid_anchors.empty()) throw Error(ErrorKind::usage, "masa: no IDevID trust anchor (manufacturer CA) given");
}

BrskiReply Masa::request_voucher(const BrskiRequest& request) const {
    return answer([&] {
        auto in_format = detail::request_format(request);
        auto preferred = in_format == voucher::Format::cose ? voucher::Format::cose : config_.format;
        auto out_format = negotiate_voucher_format(request.accept, preferred, offered);
        if (!out_format)
            refuse(406, "Accept '" + request.accept + "' names no voucher type this MASA issues (" + media_voucher_cms + ", " +
                            media_voucher_jws + ", " + media_voucher_cose + ")");
        Time at = config_.at.value_or(now());
        detail::RvrRules rules;
        rules.idevid_anchors = config_.idevid_anchors;
        rules.at = at;
        auto checked = detail::check_rvr(request, rules);

        if (!config_.deny_list.empty() && server_side([&] { return ca::DenyList(config_.deny_list).contains(checked.serial_number); }))
            refuse(403, "device " + checked.serial_number + " is on the deny list (decommissioned): no voucher is issued");
        const OwnershipDomain* domain = nullptr;
        if (config_.policy) {
            auto d = config_.policy->decide(checked.registrar_chain, checked.serial_number);
            if (!d.allowed) refuse(403, d.reason);
            domain = d.domain;
        }
        const auto& pinned = pinned_cert(checked.registrar_chain, domain, config_.pin);

        nlohmann::json leaves = {{"assertion", checked.proximity ? "proximity" : "logged"},
                                 {"serial-number", checked.serial_number},
                                 {"idevid-issuer", base64_encode(checked.idevid_issuer)},
                                 {"pinned-domain-cert", base64_encode(pinned.der())}};
        if (checked.nonce) leaves["nonce"] = *checked.nonce;
        Time created = std::chrono::floor<std::chrono::seconds>(at);
        if (config_.validity) leaves["expires-on"] = format_rfc3339(created + *config_.validity);
        voucher::CreateOptions co;
        co.now = created;
        auto v = voucher::create(voucher::Kind::voucher, leaves, co);
        voucher::SignOptions so;
        so.format = *out_format;
        so.chain = config_.chain;
        Bytes artifact = voucher::sign(v, config_.key, config_.cert, so);

        // 5.6: the log is updated whenever a voucher is issued; no log line, no voucher.
        if (!config_.audit_log.empty()) {
            AuditEvent e;
            e.date = *v.text("created-on");
            e.serial_number = checked.serial_number;
            e.idevid_issuer = base64_encode(checked.idevid_issuer);
            e.domain_id = domain_id(pinned);
            e.nonce = checked.nonce;
            e.assertion = *v.text("assertion");
            e.registrar = checked.registrar_chain.front().subject();
            MasaAuditLog(config_.audit_log).append(e);
        }
        BrskiReply r;
        r.content_type = std::string(voucher_media_type(*out_format));
        r.body = std::move(artifact);
        return r;
    });
}

BrskiReply Masa::request_audit_log(const BrskiRequest& request) const {
    return answer([&] {
        detail::RvrRules rules;
        rules.idevid_anchors = config_.idevid_anchors;
        rules.at = config_.at.value_or(now());
        rules.require_pvr = false;
        auto checked = detail::check_rvr(request, rules);
        if (config_.audit_log.empty()) refuse(404, "this MASA keeps no audit log");
        auto events = server_side([&] { return MasaAuditLog(config_.audit_log).events(checked.serial_number, base64_encode(checked.idevid_issuer)); });
        // 5.8: a registrar of a domain that was never an owner learns nothing.
        std::vector<std::string> ids;
        for (const auto& c : checked.registrar_chain) ids.push_back(domain_id(c));
        bool owner = false;
        for (const auto& e : events)
            for (const auto& id : ids) owner = owner || e.domain_id == id;
        if (!owner) refuse(404, "no voucher for device " + checked.serial_number + " was issued to this registrar's domain");
        auto body = audit_log_response(events, config_.audit_max_events).dump();
        BrskiReply r;
        r.content_type = "application/json";
        r.body.assign(body.begin(), body.end());
        return r;
    });
}

}  // namespace iotops::est
