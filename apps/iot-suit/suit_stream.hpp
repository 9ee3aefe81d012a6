// Bulk mode of create and sign: one output record per input record, in order, on --jobs threads.
// Output is a CBOR sequence of envelopes (error records as CBOR maps) or NDJSON records
// {"index", "envelope": base64, "digest": hex} (plus the input's "id").
#pragma once
#include <string>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/stream.hpp"
#include "iotops/core/bytes.hpp"

namespace iotops::suit_cli {

struct SuitStreamOptions {
    bool enabled = false;            // --stream
    std::string out_format = "cbor";  // cbor | ndjson
    cli::StreamOptions jobs;
};

void add_suit_stream_options(CLI::App& verb, SuitStreamOptions& o);

// fn returns {"envelope": binary, "digest": hex} (other members are copied to NDJSON output).
int run_suit_stream(const cli::Context& ctx, const cli::InputOptions& in, const cli::OutputOptions& out,
                    const SuitStreamOptions& opts, const cli::RecordFn& fn);

// The envelope a stream record carries: a CBOR item as it is, or {"envelope": base64} in JSON (its
// "id", if any, is copied into `out`). Error(malformed) for any other record.
Bytes record_envelope(const cli::Record& r, nlohmann::json& out);

}  // namespace iotops::suit_cli
