// Running sign and verify over a record stream: NDJSON out, or a CBOR sequence of the artifacts.
#pragma once
#include <functional>

#include <nlohmann/json.hpp>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/stream.hpp"

namespace iotops::voucher_cli {

// The field a record function sets to hand back raw CBOR (a COSE_Sign1) for a CBOR-sequence output.
inline constexpr const char* raw_cbor_field = "cbor-item";

// Reads records from in (auto|json|cbor), runs fn on `jobs` threads, writes one output record per
// input record in order: NDJSON, or with cbor_out each raw_cbor_field item as is (error records as
// CBOR maps). Returns 0, or 1 when a record failed or is_negative says a result is a negative verdict.
int run_records(const cli::Context& ctx, const cli::InputOptions& in, const cli::OutputOptions& out, unsigned jobs,
                bool cbor_out, const cli::RecordFn& fn,
                const std::function<bool(const nlohmann::json&)>& is_negative = {});

}  // namespace iotops::voucher_cli
