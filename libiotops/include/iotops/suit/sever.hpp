// Severing (draft-ietf-suit-manifest, "Severable Elements"): a member such as text or install
// leaves the manifest, which keeps only its SUIT_Digest; the member travels in the envelope, or
// not at all. The manifest changes, so its digest does too: sever first, then sign.
#pragma once
#include <cstdint>
#include <set>

#include "iotops/core/bytes.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

struct SeverOptions {
    std::set<std::int64_t> members;  // manifest keys to sever; empty: every severable member present
    bool drop = false;               // leave severed members out of the envelope (new and old ones)
};

struct Severed {
    Bytes envelope;  // unsigned: the authentication wrapper holds the new digest only
    std::set<std::int64_t> severed;  // the members severed by this call
    bool removed_signatures = false;  // the input had authentication blocks (now invalid)
};

// Error(usage) when a named member is not in the manifest or already severed, or there is nothing
// to sever; Error(malformed) when the manifest bytes cannot be read.
Severed sever(const Envelope& envelope, ByteView source, const SeverOptions& options);

}  // namespace iotops::suit
