#include "common/stream.hpp"

#include <deque>
#include <future>
#include <memory>

#include "common/thread_pool.hpp"
#include "iotops/codec/json.hpp"

namespace iotops::cli {
namespace {

struct Outcome {
    nlohmann::json record;
    bool failed = false;
};

// ("id" or "serial-number", its value) when j is an object that has one.
std::optional<std::pair<std::string, nlohmann::json>> identity_of(const nlohmann::json& j) {
    if (!j.is_object()) return std::nullopt;
    for (const char* key : {"id", "serial-number"}) {
        auto it = j.find(key);
        if (it != j.end() && (it->is_string() || it->is_number())) return std::make_pair(std::string(key), *it);
    }
    return std::nullopt;
}

Outcome guarded(const RecordFn& fn, const Record& r) {
    if (!r.framing_error.empty()) return {error_record(r, kind_name(ErrorKind::malformed), r.framing_error), true};
    try {
        return {fn(r), false};
    } catch (const Error& e) {
        return {error_record(r, kind_name(e.kind()), e.what()), true};
    } catch (const std::exception& e) {
        return {error_record(r, kind_name(ErrorKind::internal), e.what()), true};
    } catch (...) {
        return {error_record(r, kind_name(ErrorKind::internal), "unknown exception"), true};
    }
}

}  // namespace

CLI::Option* add_stream_options(CLI::App& verb, StreamOptions& opts) {
    return verb.add_option("-j,--jobs", opts.jobs, "Worker threads for the records (output keeps input order)")
        ->check(CLI::Range(1u, 1024u));
}

nlohmann::json error_record(const Record& r, std::string_view code, const std::string& message) {
    nlohmann::json out = {{"error", {{"code", code}, {"message", message}}}, {"index", r.index}};
    if (!r.framing_error.empty() || r.data.empty()) return out;
    try {
        nlohmann::json j = record_json(r);
        auto id = identity_of(j);
        if (!id && j.is_object()) {
            for (const auto& [key, value] : j.items()) {
                if ((id = identity_of(value))) break;
            }
        }
        if (id) out[id->first] = id->second;
    } catch (...) {
        // a record that does not parse has no id to report
    }
    return out;
}

StreamSummary run_stream(RecordReader& records, const RecordFn& fn, const RecordSink& sink, unsigned jobs,
                         Progress* progress) {
    StreamSummary summary;
    auto deliver = [&](const Outcome& o) {
        sink(o.record);
        ++summary.records;
        if (o.failed) ++summary.failed;
        if (progress) progress->update(summary.records, records.reader().consumed());
    };
    // Broken framing ends the stream with one error record at the place it broke.
    auto next = [&](std::optional<Outcome>& broken) -> std::optional<Record> {
        try {
            return records.next();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::malformed) throw;
            Record r;
            r.index = records.next_index();
            broken = Outcome{error_record(r, kind_name(e.kind()), e.what()), true};
            return std::nullopt;
        }
    };
    std::optional<Outcome> broken;

    if (jobs <= 1) {
        while (auto r = next(broken)) deliver(guarded(fn, *r));
    } else {
        const std::size_t window = std::size_t{jobs} * 4;
        std::deque<std::future<Outcome>> in_flight;
        ThreadPool pool(jobs);
        while (auto r = next(broken)) {
            auto task = std::make_shared<std::packaged_task<Outcome()>>(
                [&fn, rec = std::move(*r)] { return guarded(fn, rec); });
            in_flight.push_back(task->get_future());
            pool.submit([task] { (*task)(); });
            while (in_flight.size() >= window) {
                deliver(in_flight.front().get());
                in_flight.pop_front();
            }
        }
        while (!in_flight.empty()) {
            deliver(in_flight.front().get());
            in_flight.pop_front();
        }
    }
    if (broken) deliver(*broken);
    if (progress) progress->finish();
    return summary;
}

int run_record_verb(const Context& ctx, const InputOptions& in, const OutputOptions& out, const StreamOptions& opts,
                    const RecordFn& fn) {
    Reader reader = Reader::open(in.path);
    RecordReader records(reader, detect_stream_kind(reader, in.format));
    OutputSink sink(out, Content::text);
    Progress progress(progress_wanted(ctx.quiet), *ctx.err, reader.size());
    auto summary = run_stream(
        records, fn,
        [&](const nlohmann::json& j) {
            std::string line = codec::dump_json(j, true);
            line += '\n';
            sink.write(line);
        },
        opts.jobs, &progress);
    sink.commit();
    return summary.exit_code();
}

}  // namespace iotops::cli
