#include "stream_io.hpp"

#include <algorithm>

#include "common/progress.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"

namespace iotops::voucher_cli {
namespace {

// The same text as j.dump(-1, ' ', false, replace), faster for what records hold: long base64 strings
// go out as they are when no character needs escaping, rather than through the UTF-8 escaper.
void append_json(std::string& out, const nlohmann::json& j) {
    auto plain = [](const std::string& s) {
        return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
    };
    auto string = [&](const std::string& s) {
        if (!plain(s)) {
            out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            return;
        }
        out += '"';
        out += s;
        out += '"';
    };
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            out += '{';
            bool first = true;
            for (const auto& [key, value] : j.items()) {
                if (!first) out += ',';
                first = false;
                string(key);
                out += ':';
                append_json(out, value);
            }
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& value : j) {
                if (!first) out += ',';
                first = false;
                append_json(out, value);
            }
            out += ']';
            return;
        }
        case nlohmann::json::value_t::string: string(j.get_ref<const std::string&>()); return;
        case nlohmann::json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); return;
        case nlohmann::json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); return;
        default: out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); return;
    }
}

}  // namespace

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
            append_json(pending, j);
            put("\n");
        },
        jobs, &progress);
    sink.write(pending);
    sink.commit();
    return summary.failed > 0 || negative > 0 ? exit_code(ErrorKind::negative) : 0;
}

}  // namespace iotops::voucher_cli
