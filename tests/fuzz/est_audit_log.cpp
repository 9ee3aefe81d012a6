// Fuzz target: an audit log line (NDJSON the MASA reads back) and pledge telemetry JSON must be
// accepted or refused with iotops::Error / a 4xx answer, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/masa_audit.hpp"
#include "iotops/est/registrar_voucher.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto e = est::AuditEvent::from_json(codec::parse_json(text, "audit log"));
        (void)est::audit_log_response({e, e, e}, 1).dump();
    } catch (const Error&) {
    }
    est::BrskiRequest r;
    r.content_type = "application/json";
    r.body.assign(data, data + size);
    auto t = est::enroll_status(r);
    if (t.reply.status != 200 && t.reply.status != 400) __builtin_trap();
    (void)t.record.dump();
    return 0;
}
