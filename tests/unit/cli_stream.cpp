// The bulk runner: error records, order and bounded memory with --jobs, whole verb wiring.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/stream.hpp"

namespace fs = std::filesystem;
using iotops::Error;
using iotops::ErrorKind;
using namespace iotops::cli;
using nlohmann::json;

namespace {

struct Run {
    std::vector<json> out;
    StreamSummary summary;
};

Run run(const std::string& input, const RecordFn& fn, unsigned jobs = 1) {
    Reader in = Reader::from_string(input);
    RecordReader rr(in, detect_stream_kind(in));
    Run r;
    r.summary = run_stream(rr, fn, [&](const json& j) { r.out.push_back(j); }, jobs);
    return r;
}

// Echoes the record; {"fail":..} records are denied.
json echo(const Record& r) {
    json j = record_json(r);
    if (j.is_object() && j.contains("fail")) throw Error(ErrorKind::negative, "denied: " + j["fail"].get<std::string>());
    return {{"index", r.index}, {"record", j}};
}

}  // namespace

TEST_CASE("each record yields one output; failures become error records and the run goes on") {
    std::string input =
        "{\"id\":\"a\"}\n"
        "{\"id\":\"b\",\"oops\n"
        "{\"serial-number\":\"SN-3\",\"fail\":\"revoked\"}\n"
        "{\"ietf-voucher:voucher\":{\"serial-number\":\"SN-4\"},\"fail\":\"expired\"}\n"
        "{\"id\":5}\n";
    auto r = run(input, echo);
    REQUIRE(r.out.size() == 5);
    CHECK(r.summary.records == 5);
    CHECK(r.summary.failed == 3);
    CHECK(r.summary.exit_code() == 1);
    CHECK(r.out[0] == json{{"index", 0}, {"record", {{"id", "a"}}}});
    CHECK(r.out[1]["error"]["code"] == "malformed");
    CHECK(r.out[1]["index"] == 1);
    CHECK_FALSE(r.out[1].contains("id"));  // it did not parse, so it has no id
    CHECK(r.out[2] == json{{"error", {{"code", "negative"}, {"message", "denied: revoked"}}},
                           {"index", 2},
                           {"serial-number", "SN-3"}});
    CHECK(r.out[3]["serial-number"] == "SN-4");
    CHECK(r.out[3]["error"]["message"] == "denied: expired");
    CHECK(r.out[4]["record"]["id"] == 5);
}

TEST_CASE("a clean run exits 0") {
    auto r = run("[{\"id\":1},{\"id\":2}]", echo);
    CHECK(r.out.size() == 2);
    CHECK(r.summary.failed == 0);
    CHECK(r.summary.exit_code() == 0);
}

TEST_CASE("exceptions other than iotops::Error become internal error records") {
    auto r = run("1\n2\n", [](const Record& rec) -> json {
        if (rec.index == 1) throw std::runtime_error("boom");
        return 1;
    });
    REQUIRE(r.out.size() == 2);
    CHECK(r.out[1]["error"]["code"] == "internal");
    CHECK(r.out[1]["error"]["message"] == "boom");
}

TEST_CASE("broken framing ends the run with one error record where it broke") {
    auto r = run("[{\"id\":1}, {\"id\":2}, {\"id\":", echo, 3);
    REQUIRE(r.out.size() == 3);
    CHECK(r.out[0]["record"]["id"] == 1);
    CHECK(r.out[1]["record"]["id"] == 2);
    CHECK(r.out[2]["error"]["code"] == "malformed");
    CHECK(r.out[2]["index"] == 2);
    CHECK(r.summary.failed == 1);
}

TEST_CASE("CBOR sequences are streamed record by record") {
    std::string seq;
    for (int i = 0; i < 3; ++i) {
        auto b = json::to_cbor(json{{"id", i}});
        seq.append(b.begin(), b.end());
    }
    seq += "\xa1\x62id";  // truncated last item
    auto r = run(seq, echo);
    REQUIRE(r.out.size() == 4);
    for (int i = 0; i < 3; ++i) CHECK(r.out[static_cast<std::size_t>(i)]["record"]["id"] == i);
    CHECK(r.out[3]["error"]["code"] == "malformed");
    CHECK(r.out[3]["index"] == 3);
}

TEST_CASE("--jobs keeps input order and a bounded number of records in flight") {
    const unsigned jobs = 4;
    const std::size_t window = jobs * 4;
    std::string input;
    const int n = 400;
    for (int i = 0; i < n; ++i) input += "{\"id\":" + std::to_string(i) + "}\n";
    std::atomic<std::size_t> written{0};
    std::atomic<std::size_t> max_gap{0};
    std::atomic<int> concurrent{0};
    std::atomic<int> max_concurrent{0};
    auto fn = [&](const Record& r) -> json {
        int now = ++concurrent;
        int seen = max_concurrent.load();
        while (now > seen && !max_concurrent.compare_exchange_weak(seen, now)) {
        }
        std::size_t gap = r.index - written.load();
        std::size_t g = max_gap.load();
        while (gap > g && !max_gap.compare_exchange_weak(g, gap)) {
        }
        // Uneven work so records finish out of order.
        std::this_thread::sleep_for(std::chrono::microseconds((r.index * 7919) % 13 * 150));
        --concurrent;
        if (r.index % 50 == 7) throw Error(ErrorKind::malformed, "bad record");
        return {{"id", record_json(r)["id"]}};
    };
    Reader in = Reader::from_string(input);
    RecordReader rr(in, StreamKind::ndjson);
    std::vector<json> out;
    auto summary = run_stream(rr, fn,
                              [&](const json& j) {
                                  out.push_back(j);
                                  ++written;
                              },
                              jobs);
    REQUIRE(out.size() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const json& o = out[static_cast<std::size_t>(i)];
        if (i % 50 == 7) {
            CHECK(o["index"] == i);
            CHECK(o["id"] == i);
        } else {
            CHECK(o["id"] == i);
        }
    }
    CHECK(summary.failed == static_cast<std::uint64_t>(n / 50));
    CHECK(max_gap.load() < window);                                 // memory stays flat
    CHECK(max_concurrent.load() <= static_cast<int>(jobs));
}

TEST_CASE("run_record_verb reads a file and writes NDJSON atomically to -o") {
    std::string t = (fs::temp_directory_path() / "iotops-stream-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    fs::path dir = t;
    { std::ofstream(dir / "in.json") << "[{\"id\":\"x\"},{\"fail\":\"no\",\"id\":\"y\"}]"; }
    InputOptions in{(dir / "in.json").string(), "auto"};
    OutputOptions out{(dir / "out.ndjson").string(), false};
    StreamOptions opts{2};
    std::ostringstream o, e;
    Context ctx{"iot-test", true, true, &o, &e};
    int code = run_record_verb(ctx, in, out, opts, echo);
    CHECK(code == 1);
    std::ifstream result(dir / "out.ndjson");
    std::string l1, l2, l3;
    std::getline(result, l1);
    std::getline(result, l2);
    CHECK_FALSE(std::getline(result, l3));
    CHECK(json::parse(l1) == json{{"index", 0}, {"record", {{"id", "x"}}}});
    CHECK(json::parse(l2)["id"] == "y");
    CHECK(json::parse(l2)["error"]["code"] == "negative");
    CHECK(e.str().empty());  // no progress line: stderr is not a terminal here
    fs::remove_all(dir);
}
