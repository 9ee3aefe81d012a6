#include "suit_stream.hpp"

#include "common/progress.hpp"
#include "common/reader.hpp"
#include "iotops/core/encoding.hpp"

namespace iotops::suit_cli {

void add_suit_stream_options(CLI::App& verb, SuitStreamOptions& o) {
    verb.add_flag("--stream", o.enabled, "Read a stream of records (NDJSON, JSON array or CBOR sequence), one output each");
    verb.add_option("--out-format", o.out_format, "Stream output: cbor (a CBOR sequence of envelopes, default) or ndjson")
        ->check(CLI::IsMember({"cbor", "ndjson"}));
    cli::add_stream_options(verb, o.jobs);
}

int run_suit_stream(const cli::Context& ctx, const cli::InputOptions& in, const cli::OutputOptions& out,
                    const SuitStreamOptions& opts, const cli::RecordFn& fn) {
    cli::Reader reader = cli::Reader::open(in.path);
    cli::RecordReader records(reader, cli::detect_stream_kind(reader, in.format == "base64" ? "auto" : in.format));
    bool cbor_out = opts.out_format == "cbor";
    cli::OutputSink sink(out, cbor_out ? cli::Content::binary : cli::Content::text);
    cli::Progress progress(cli::progress_wanted(ctx.quiet), *ctx.err, reader.size());
    auto summary = cli::run_stream(
        records, fn,
        [&](const nlohmann::json& j) {
            const nlohmann::json* env = j.contains("envelope") ? &j["envelope"] : nullptr;
            if (cbor_out) {
                if (env && env->is_binary()) sink.write(ByteView(env->get_binary().data(), env->get_binary().size()));
                else sink.write(ByteView(nlohmann::json::to_cbor(j)));
                return;
            }
            nlohmann::json line = j;
            if (env && env->is_binary()) line["envelope"] = base64_encode(ByteView(env->get_binary().data(), env->get_binary().size()));
            sink.write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");  // one write per record
        },
        opts.jobs.jobs, &progress);
    sink.commit();
    return summary.exit_code();
}

Bytes record_envelope(const cli::Record& r, nlohmann::json& out) {
    if (r.cbor) return Bytes(r.bytes().begin(), r.bytes().end());
    nlohmann::json j = cli::record_json(r);
    if (!j.is_object() || !j.contains("envelope") || !j["envelope"].is_string())
        throw Error(ErrorKind::malformed, "expected {\"envelope\": base64}");
    if (j.contains("id")) out["id"] = j["id"];
    return base64_decode(j["envelope"].get<std::string>());
}

}  // namespace iotops::suit_cli
