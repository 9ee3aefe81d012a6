#include "stream_io.hpp"

#include "common/progress.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"
#include "iotops/codec/json.hpp"

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
    // Records are small: gather them and write in 64 KiB pieces rather than two syscalls a record.
    std::string pending;
    auto put = [&](std::string_view bytes) {
        pending.append(bytes);
        if (pending.size() >= 65536) {
            sink.write(pending);
            pending.clear();
        }
    };
    auto summary = cli::run_stream(
        records, fn,
        [&](const nlohmann::json& j) {
            if (is_negative && !j.contains("error") && is_negative(j)) ++negative;
            if (cbor_out) {
                auto it = j.find(raw_cbor_field);
                const std::vector<std::uint8_t>& bytes =
                    it != j.end() && it->is_binary() ? static_cast<const std::vector<std::uint8_t>&>(it->get_binary())
                                                     : nlohmann::json::to_cbor(j);
                put(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
                return;
            }
            codec::append_json(pending, j, true);
            put("\n");
        },
        jobs, &progress);
    sink.write(pending);
    sink.commit();
    return summary.failed > 0 || negative > 0 ? exit_code(ErrorKind::negative) : 0;
}

}  // namespace iotops::voucher_cli
