#include "iotops/voucher/create.hpp"

#include "iotops/codec/yang_cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/voucher/verify.hpp"

namespace iotops::voucher {
namespace {

bool date_leaf(const std::string& leaf) {
    return leaf == "created-on" || leaf == "expires-on" || leaf == "last-renewal-date";
}

// True when a date that parses is already written as format_rfc3339 writes it (UTC "Z", whole
// seconds, not a leap second), so formatting it again would give the same text.
bool canonical_date(std::string_view s) {
    constexpr std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
    if (s.size() != shape.size() || s.substr(17, 2) == "60") return false;
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i]) return false;
    return true;
}

// Dates to UTC "Z" form, binaries to padded standard base64; values that do not parse are left
// for check_rules to name.
void normalise(Kind kind, nlohmann::json& leaves) {
    // The leaves' schema paths are built in one buffer: "/<top level>/" then the leaf name.
    std::string path = "/" + std::string(top_level_name(kind)) + "/";
    const std::size_t base = path.size();
    for (auto& [leaf, value] : leaves.items()) {
        if (!value.is_string()) continue;
        path.resize(base);
        path += leaf;
        try {
            if (date_leaf(leaf)) {
                const auto& text = value.get_ref<const std::string&>();
                Time t = parse_rfc3339(text);
                if (!canonical_date(text)) value = format_rfc3339(t);
            } else if (const auto* n = yang::Schema::voucher().node(path); n && n->kind == yang::NodeKind::leaf &&
                                                                         n->type.base == yang::BaseType::binary)
            {
                const auto& text = value.get_ref<const std::string&>();
                // Already padded standard base64 (the usual case in a production run): left as is.
                // (two finds, each one memchr over the text; find_first_of would call it per character)
                if (text.size() % 4 != 0 || text.find('-') != std::string::npos || text.find('_') != std::string::npos)
                    value = base64_encode(base64_decode(text));
            }
        } catch (const Error&) {
        }
    }
}

void require_rules(const Voucher& v, Time at) {
    RuleOptions o;
    o.at = at;
    for (const auto& c : check_rules(v, o))
        if (!c.ok) throw_malformed("create: " + c.name + ": " + c.message);
}

}  // namespace

Voucher create(Kind kind, nlohmann::json description, const CreateOptions& options) {
    if (!description.is_object()) throw_malformed("create: the description is not an object");
    // The leaves are taken out of the description, not copied: it may be the caller's to give away.
    nlohmann::json leaves;
    if (description.size() == 1 && (description.contains(top_level_name(Kind::voucher)) ||
                                    description.contains(top_level_name(Kind::voucher_request)))) {
        auto it = description.begin();
        kind = it.key() == top_level_name(Kind::voucher) ? Kind::voucher : Kind::voucher_request;
        leaves = std::move(it.value());
    } else {
        leaves = std::move(description);
    }
    if (!leaves.is_object()) throw_malformed("voucher: " + std::string(top_level_name(kind)) + " is not an object");
    // Whole seconds: 8366bis dates carry none, and a signed voucher is no more precise than that.
    Time at = std::chrono::floor<std::chrono::seconds>(options.now.value_or(now()));
    if (!leaves.contains("created-on")) leaves["created-on"] = format_rfc3339(at);
    normalise(kind, leaves);
    Voucher v = Voucher::from_leaves(kind, std::move(leaves));
    require_rules(v, at);
    return v;
}

crypto::Certificate pvr_signer(const Envelope& pvr, const std::optional<crypto::Certificate>& known) {
    if (pvr.format == Format::json || pvr.format == Format::cbor)
        throw_malformed("request: the PVR is not signed (bare " + std::string(format_name(pvr.format)) + ")");
    if (pvr.voucher.kind() != Kind::voucher_request)
        throw_malformed("request: the prior-signed artifact is a voucher, not a voucher-request");
    // No anchors: only the signature is checked here; the registrar's policy decides on trust.
    VerifyOptions vo;
    vo.signer = known;
    auto report = verify(pvr, vo);
    for (const auto& c : report.checks)
        if (c.name == "signature" && !c.ok)
            throw Error(ErrorKind::negative, "request: the PVR's signature does not verify: " + c.message);
    if (!report.signer) throw Error(ErrorKind::negative, "request: the PVR carries no certificate that verifies its signature");
    return *report.signer;
}

Voucher create_rvr(const Envelope& pvr, const nlohmann::json& leaves, const CreateOptions& options,
                   const std::optional<crypto::Certificate>& known_signer) {
    if (!leaves.is_object()) throw_malformed("request: the description is not an object");
    auto signer = pvr_signer(pvr, known_signer);
    if (pvr.voucher.leaves().contains("prior-signed-voucher-request"))
        throw_malformed("request: the artifact given as PVR is itself a registrar voucher-request");
    nlohmann::json out = nlohmann::json::object();
    for (const char* copied : {"nonce", "assertion"})
        if (auto it = pvr.voucher.leaves().find(copied); it != pvr.voucher.leaves().end()) out[copied] = *it;
    auto serial = signer.subject_attribute("serialNumber");
    if (!serial) throw_malformed("request: the PVR's signer certificate has no serialNumber in its subject");
    out["serial-number"] = *serial;
    auto aki = signer.authority_key_id_extension_value();
    if (!aki) throw_malformed("request: the PVR's signer certificate has no authority key identifier");
    out["idevid-issuer"] = base64_encode(*aki);
    out["prior-signed-voucher-request"] = base64_encode(pvr.raw);
    for (const auto& [k, v] : leaves.items()) out[k] = v;
    return create(Kind::voucher_request, std::move(out), options);
}

}  // namespace iotops::voucher
