// Fuzz the pledge telemetry checks (voucher_status, enrollstatus) as the registrar gets them over
// HTTPS (JSON) and CoAPS (CBOR, content-format 60): the first byte picks the encoding, the rest is
// the body. Every input is an answer (200, 400 or 415) with a record, never an exception.
#include <cstddef>
#include <cstdint>

#include "iotops/est/registrar_voucher.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    est::BrskiRequest r;
    r.content_type = data[0] & 1 ? "application/cbor" : "application/json";
    r.body.assign(data + 1, data + size);
    auto t = (data[0] & 2 ? est::enroll_status : est::voucher_status)(r, std::nullopt);
    if (t.reply.status != 200 && t.reply.status != 400) __builtin_trap();
    if (t.record["accepted"] != (t.reply.status == 200)) __builtin_trap();
    (void)t.record.dump();
    return 0;
}
