// Pledge status telemetry: voucher_status (RFC 8995 5.7) and enrollstatus (5.9.4), in JSON or,
// as cBRSKI pledges send it, CBOR.
#include "iotops/codec/cbor.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/registrar_voucher.hpp"

namespace iotops::est {
namespace {

// cBRSKI: the same structure as CBOR (content-format 60), a map with text keys. As JSON, so both
// encodings are checked and logged alike; byte strings (which JSON lacks) become base64.
nlohmann::json cbor_as_json(ByteView body) {
    cbor::Value v = cbor::decode(body);
    if (v.is_map())
        for (const auto& [k, _] : v.as_map())
            if (!k.is_text()) throw Error(ErrorKind::malformed, "a map key is " + cbor::diagnostic(k) + ", not text");
    codec::JsonOptions o;
    o.bytes = codec::BytesInJson::base64;
    return codec::cbor_to_json(v, o);
}

TelemetryResult telemetry(const char* operation, const BrskiRequest& r, std::optional<Time> at) {
    TelemetryResult out;
    auto& rec = out.record;
    rec = {{"date", format_rfc3339(std::chrono::floor<std::chrono::seconds>(at.value_or(now())))}, {"operation", operation}};
    // 5.9.4: the log says whether the message came over a session with a client certificate.
    if (r.peer_chain.empty()) rec["client-certificate"] = nullptr;
    else {
        const auto& c = r.peer_chain.front();
        rec["client-certificate"] = {{"subject", c.subject()}, {"sha256", hex_encode(c.fingerprint_sha256())}};
        if (auto sn = c.subject_attribute("serialNumber")) rec["serial-number"] = *sn;
    }
    auto fail = [&](int status, const std::string& why) {
        out.reply = BrskiReply::text(status, std::string(operation) + ": " + why);
        rec["accepted"] = false;
        rec["error"] = why;
        return out;
    };
    const std::string type = media_essence(r.content_type);
    if (type != "application/json" && type != "application/cbor")
        return fail(415, "unsupported Content-Type '" + r.content_type + "': send application/json or application/cbor");
    const bool cbor = type == "application/cbor";
    nlohmann::json j;
    try {
        j = cbor ? cbor_as_json(r.body) : codec::parse_json(r.body, operation);
    } catch (const Error& e) {
        return fail(400, cbor ? std::string("CBOR: ") + e.what() : std::string(e.what()));
    }
    if (!j.is_object()) return fail(400, cbor ? "a CBOR map is expected" : "a JSON object is expected");
    auto version = j.find("version");
    if (version == j.end() || !version->is_number_unsigned()) return fail(400, "version is missing or not an unsigned integer");
    auto status = j.find("status");
    if (status == j.end() || !status->is_boolean()) return fail(400, "status is missing or not a boolean");
    if (auto reason = j.find("reason"); reason != j.end() && !reason->is_string()) return fail(400, "reason is not text");
    rec["version"] = *version;
    rec["status"] = *status;
    if (j.contains("reason")) rec["reason"] = j["reason"];
    if (j.contains("reason-context")) rec["reason-context"] = j["reason-context"];
    nlohmann::json unknown = nlohmann::json::object();
    for (const auto& [k, v] : j.items())
        if (k != "version" && k != "status" && k != "reason" && k != "reason-context") unknown[k] = v;
    if (!unknown.empty()) rec["unknown-fields"] = unknown;
    // A newer version is logged as it is and flagged for a person to look at.
    if (version->get<std::uint64_t>() > 1) rec["newer-version"] = true;
    rec["accepted"] = true;
    out.reply.status = 200;
    return out;
}

}  // namespace

TelemetryResult voucher_status(const BrskiRequest& request, std::optional<Time> at) {
    return telemetry("voucher_status", request, at);
}

TelemetryResult enroll_status(const BrskiRequest& request, std::optional<Time> at) {
    return telemetry("enrollstatus", request, at);
}

}  // namespace iotops::est
