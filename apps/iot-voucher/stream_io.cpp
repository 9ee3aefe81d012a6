#include "stream_io.hpp"

#include "common/progress.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"

namespace iotops::voucher_cli {

int run_records(const cli::Context& ctx, const cli::InputOptions& in, const cli::OutputOptions& out, unsigned jobs,
                bool cbor_out, const cli::RecordFn& fn, const std::function<bool(const nlohmann::json&)>& is_negative) {
    if (in.format != "auto" && in.format != "json" && in.format != "cbor")
        throw Error(ErrorKind::usage, "--stream: --in-format must be auto, json or cbor");
    cli::Reader reader = cli::Reader::open(in.path);
    cli::RecordReader records(reader, cli::detect_stream_kind(reader, in.format));
    cli::OutputSink sink(out, cbor_out ? cli::Content::binary : cli::Content::text);
    cli::Progress progress(cli::progress_wanted(ctx.quiet), *ctx.err, reader.size());
    std::uint64_t negative = 0;
    auto summary = cli::run_stream(
        records, fn,
        [&](const nlohmann::json& j) {
            if (is_negative && !j.contains("error") && is_negative(j)) ++negative;
            if (cbor_out) {
                auto it = j.find(raw_cbor_field);
                if (it != j.end() && it->is_binary()) sink.write(ByteView(it->get_binary().data(), it->get_binary().size()));
                else {
                    auto bytes = nlohmann::json::to_cbor(j);
                    sink.write(ByteView(bytes.data(), bytes.size()));
                }
                return;
            }
            sink.write(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            sink.write(std::string_view("\n"));
        },
        jobs, &progress);
    sink.commit();
    return summary.failed > 0 || negative > 0 ? exit_code(ErrorKind::negative) : 0;
}

}  // namespace iotops::voucher_cli
