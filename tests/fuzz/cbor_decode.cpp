// Fuzz the CBOR decoder: anything it accepts must encode, print, convert, and re-decode to the
// same value, and every child's span must hold exactly that child.
#include <cstdint>
#include <cstdlib>

#include "iotops/codec/cbor.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

namespace {
void check(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ByteView in(data, size);
    cbor::Value v;
    try {
        v = cbor::decode(in);
    } catch (const Error&) {
        return 0;
    }
    check(v.span() && v.span()->offset == 0 && v.span()->length == size);

    Bytes enc = cbor::encode(v);
    cbor::Value again = cbor::decode(enc);
    check(again == v);
    check(cbor::encode(again) == enc);  // deterministic encoding is a fixed point
    check(cbor::decode(cbor::encode_preserving_order(v)) == v);
    cbor::DiagnosticOptions opt;
    opt.pretty = true;
    opt.embedded_cbor = true;
    check(!cbor::diagnostic(v).empty() && !cbor::diagnostic(v, opt).empty());

    // Spans of the direct children re-decode to the same children.
    auto same_at_span = [&](const cbor::Value& child) {
        check(child.span().has_value());
        check(cbor::decode(child.original_bytes(in)) == child);
    };
    if (v.is_array())
        for (const auto& item : v.as_array()) same_at_span(item);
    if (v.is_map())
        for (const auto& [k, val] : v.as_map()) {
            same_at_span(k);
            same_at_span(val);
        }
    if (v.is_tag()) same_at_span(v.tag_content());

    try {
        codec::cbor_to_json(v);
    } catch (const Error&) {
        // integers below -2^63 have no JSON form
    }
    return 0;
}
