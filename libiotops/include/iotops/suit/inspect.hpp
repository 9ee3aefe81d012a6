// Showing a SUIT envelope to a person: JSON with the spec's names, and CBOR diagnostic notation
// annotated like the examples in draft-ietf-suit-manifest (`/ manifest-version / 1:1`, `<< >>`).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "iotops/codec/cbor.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

// {"tagged", "authentication-wrapper": {"digest", "authentication-blocks"}, "manifest": {...},
//  "severable-members", "integrated-payloads"}. Byte strings are hex; command sequences are
// arrays of {"command": name, "id": n, "argument": ...}; unknown keys appear as their number.
nlohmann::json to_json(const Envelope& envelope);
nlohmann::json to_json(const CommandSequence& sequence);

// Annotated diagnostic notation of the whole envelope, indented four spaces per level.
std::string annotated_diagnostic(const Envelope& envelope);

}  // namespace iotops::suit
