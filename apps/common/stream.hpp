// The bulk runner: one output record per input record, in input order, errors as records.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/progress.hpp"
#include "common/records.hpp"
#include "common/tool.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cli {

struct StreamOptions {
    unsigned jobs = 1;  // worker threads for the per-record work
};

// `-j,--jobs N`.
CLI::Option* add_stream_options(CLI::App& verb, StreamOptions& opts);

struct StreamSummary {
    std::uint64_t records = 0;  // output records written (errors included)
    std::uint64_t failed = 0;   // error records among them
    int exit_code() const { return failed > 0 ? iotops::exit_code(ErrorKind::negative) : 0; }
};

// The per-record work; it may run on several threads at once. Throwing iotops::Error (or any
// exception) turns the record into an error record.
using RecordFn = std::function<nlohmann::json(const Record&)>;
// Receives output records in input order, on the calling thread.
using RecordSink = std::function<void(const nlohmann::json&)>;

// {"error":{"code":code,"message":message},"index":N} plus the record's "id" or "serial-number"
// (top level, or one level down as in {"ietf-voucher:voucher":{"serial-number":..}}).
nlohmann::json error_record(const Record& r, std::string_view code, const std::string& message);

// Reads every record, runs fn on it (on `jobs` threads with at most 4*jobs records in flight,
// so memory stays flat) and hands the results to sink in input order. A record whose fn throws
// becomes an error record and the run goes on. Broken framing becomes one last error record and
// ends the run. Read and sink errors (I/O) propagate.
StreamSummary run_stream(RecordReader& records, const RecordFn& fn, const RecordSink& sink, unsigned jobs,
                         Progress* progress = nullptr);

// All of it for a verb: opens the input, detects its kind (--in-format json|cbor|auto), writes
// NDJSON to stdout or -o FILE atomically, shows progress, and returns 0, or 1 when a record failed.
int run_record_verb(const Context& ctx, const InputOptions& in, const OutputOptions& out, const StreamOptions& opts,
                    const RecordFn& fn);

}  // namespace iotops::cli
