// Reading one SUIT envelope from a file or stdin: CBOR, or base64 of it.
#pragma once
#include "common/input.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit_cli {

struct LoadedEnvelope {
    std::string name;  // the path, or "<stdin>"
    Bytes bytes;       // the envelope's CBOR (spans in `envelope` point into these)
    suit::Envelope envelope;
};

// Adds FILE and --in-format (auto, cbor, base64) to a verb.
void add_envelope_input(CLI::App& verb, cli::InputOptions& in);
// Error(missing) for a missing file, Error(malformed) for anything that is not an envelope.
LoadedEnvelope load_envelope(const cli::InputOptions& in);

}  // namespace iotops::suit_cli
