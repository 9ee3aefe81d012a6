// Record streams: NDJSON lines, JSON array elements and CBOR sequence items cut out while reading.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/cbor_framer.hpp"
#include "common/json_framer.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"
#include "iotops/core/error.hpp"

using iotops::Error;
using iotops::ErrorKind;
using namespace iotops::cli;

namespace {

std::vector<std::string> all_records(const std::string& input, StreamKind kind) {
    Reader in = Reader::from_string(input);
    RecordReader rr(in, kind);
    std::vector<std::string> out;
    while (auto r = rr.next()) {
        CHECK(r->index == out.size());
        out.push_back(r->data);
    }
    return out;
}

ErrorKind kind_thrown(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::internal;  // nothing thrown: no test expects internal
}

std::string cbor_of(const nlohmann::json& j) {
    auto v = nlohmann::json::to_cbor(j);
    return std::string(v.begin(), v.end());
}

}  // namespace

TEST_CASE("opening inputs maps errno to the shared exit codes") {
    CHECK(kind_thrown([] { Reader::open("/nonexistent/iotops/input.json"); }) == ErrorKind::missing);
    CHECK(kind_thrown([] { Reader::open("/"); }) == ErrorKind::io);  // a directory
    CHECK(kind_for_errno(EACCES) == ErrorKind::permission);
    CHECK(kind_for_errno(EPERM) == ErrorKind::permission);
    CHECK(kind_for_errno(ENOENT) == ErrorKind::missing);
    CHECK(kind_for_errno(EIO) == ErrorKind::io);
    if (::geteuid() != 0) {  // root reads anything, so this case only shows for other users
        auto p = std::filesystem::temp_directory_path() / "iotops-cli-unreadable";
        { std::ofstream(p) << "{}"; }
        std::filesystem::permissions(p, std::filesystem::perms::none);
        CHECK(kind_thrown([&] { Reader::open(p.string()); }) == ErrorKind::permission);
        std::filesystem::remove(p);
    }
}

TEST_CASE("a reader over a pipe delivers everything written to it") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::string big(300000, 'x');
    std::thread writer([&] {
        std::size_t off = 0;
        while (off < big.size()) {
            ssize_t n = ::write(fds[1], big.data() + off, big.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
    });
    int in_fd = ::dup(fds[0]);
    ::close(fds[0]);
    // Reader::open("-") reads stdin; here the pipe stands in for it.
    int saved = ::dup(STDIN_FILENO);
    ::dup2(in_fd, STDIN_FILENO);
    ::close(in_fd);
    Reader r = Reader::open("-");
    auto all = r.read_all();
    writer.join();
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    CHECK(all.size() == big.size());
    CHECK(r.consumed() == big.size());
    CHECK_FALSE(r.size().has_value());
}

TEST_CASE("stream kinds are detected from the first bytes") {
    auto kind = [](std::string s, std::string f = "auto") {
        Reader in = Reader::from_string(std::move(s));
        return detect_stream_kind(in, f);
    };
    CHECK(kind("[{}]") == StreamKind::json_array);
    CHECK(kind("\n  [1]") == StreamKind::json_array);
    CHECK(kind("{\"a\":1}\n") == StreamKind::ndjson);
    CHECK(kind(" 1\n2\n") == StreamKind::ndjson);
    CHECK(kind("1\n2\n") == StreamKind::ndjson);
    CHECK(kind("\"a\"\n") == StreamKind::ndjson);
    CHECK(kind("true\n") == StreamKind::ndjson);
    CHECK(kind(std::string("\xd2\x84", 2)) == StreamKind::cbor_sequence);  // COSE_Sign1 tag
    CHECK(kind(std::string("\x83\x01", 2)) == StreamKind::cbor_sequence);
    CHECK(kind("1", "cbor") == StreamKind::cbor_sequence);
    CHECK(kind("") == StreamKind::ndjson);
    CHECK(kind(cbor_of({{"a", 1}})) == StreamKind::cbor_sequence);
    CHECK(kind("{}", "cbor") == StreamKind::cbor_sequence);
    CHECK(kind_thrown([&] { kind("{}", "pem"); }) == ErrorKind::usage);
    // detection does not consume: the whole first record is still there
    Reader in = Reader::from_string("  [7]");
    detect_stream_kind(in);
    CHECK(in.consumed() == 0);
}

TEST_CASE("NDJSON: one record per non-blank line, CRLF tolerated") {
    auto r = all_records("{\"a\":1}\n\n  \n{\"b\":2}\r\n[3]", StreamKind::ndjson);
    CHECK(r == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "[3]"});
}

TEST_CASE("NDJSON: an overlong line fails alone and reading goes on") {
    Reader in = Reader::from_string("{\"a\":\"0123456789\"}\n{}\n");
    std::string out;
    CHECK(kind_thrown([&] { frame_ndjson_line(in, out, 8); }) == ErrorKind::malformed);
    REQUIRE(frame_ndjson_line(in, out, 8));
    CHECK(out == "{}");
    CHECK_FALSE(frame_ndjson_line(in, out, 8));
}

TEST_CASE("JSON array: elements are cut at top-level commas, strings and nesting respected") {
    std::string input = " [ {\"a\":\"x,]}\\\"y\"} , [1,[2,{}]],3,\n\"s]\" ,null ]\n";
    auto r = all_records(input, StreamKind::json_array);
    CHECK(r == std::vector<std::string>{"{\"a\":\"x,]}\\\"y\"}", "[1,[2,{}]]", "3", "\"s]\"", "null"});
    for (const auto& e : r) CHECK(nlohmann::json::accept(e));
    CHECK(all_records("[]", StreamKind::json_array).empty());
    CHECK(all_records(" [ ] ", StreamKind::json_array).empty());
}

TEST_CASE("JSON array: broken framing stops with a malformed error after the good elements") {
    for (std::string bad : {"[{\"a\":1},{\"b\"", "[1] x", "{\"a\":1}", "[1,,2]", "[1}"}) {
        CAPTURE(bad);
        Reader in = Reader::from_string(bad);
        RecordReader rr(in, StreamKind::json_array);
        ErrorKind k = kind_thrown([&] {
            while (rr.next()) {
            }
        });
        CHECK(k == ErrorKind::malformed);
    }
    Reader in = Reader::from_string("[{\"a\":1},{\"b\"");
    RecordReader rr(in, StreamKind::json_array);
    auto first = rr.next();
    REQUIRE(first);
    CHECK(first->data == "{\"a\":1}");
    CHECK_THROWS_AS(rr.next(), Error);
}

TEST_CASE("CBOR sequence: items of every major type are framed byte for byte") {
    std::vector<std::string> items = {
        cbor_of({{"id", "dev-1"}, {"n", -500}, {"list", {1, 2.5, true, nullptr}}}),
        cbor_of(nlohmann::json::binary({1, 2, 3})),
        cbor_of("text"),
        std::string("\x9f\x01\x82\x02\x03\xff", 6),                 // indefinite array
        std::string("\x5f\x42\x01\x02\x41\x03\xff", 7),             // indefinite byte string
        std::string("\xbf\x61\x61\x01\xff", 5),                     // indefinite map
        std::string("\xc1\x1a\x51\x4b\x67\xb0", 6),                 // tag 1, epoch time
        std::string("\xf9\x3c\x00", 3),                             // half float
        std::string("\x1b\x00\x00\x00\x01\x00\x00\x00\x00", 9),     // 64-bit integer
        std::string("\x80", 1),                                     // empty array
        std::string("\xa0", 1),                                     // empty map
    };
    std::string seq;
    for (const auto& i : items) seq += i;
    CHECK(all_records(seq, StreamKind::cbor_sequence) == items);
    CHECK(all_records("", StreamKind::cbor_sequence).empty());
}

TEST_CASE("CBOR sequence: ill-formed heads, truncation and excess depth are malformed") {
    auto frame_all = [](std::string s, FrameLimits limits = {}) {
        Reader in = Reader::from_string(std::move(s));
        std::string out;
        while (frame_cbor_item(in, out, limits)) out.clear();
    };
    CHECK(kind_thrown([&] { frame_all(std::string("\x01\x82\x01", 3)); }) == ErrorKind::malformed);  // truncated array
    CHECK(kind_thrown([&] { frame_all(std::string("\x63\x61\x62", 3)); }) == ErrorKind::malformed);  // short string
    CHECK(kind_thrown([&] { frame_all(std::string("\x19\x01", 2)); }) == ErrorKind::malformed);      // short head
    CHECK(kind_thrown([&] { frame_all(std::string("\x1c", 1)); }) == ErrorKind::malformed);          // reserved ai 28
    CHECK(kind_thrown([&] { frame_all(std::string("\xff", 1)); }) == ErrorKind::malformed);          // lone break
    CHECK(kind_thrown([&] { frame_all(std::string("\x1f", 1)); }) == ErrorKind::malformed);          // indefinite uint
    CHECK(kind_thrown([&] { frame_all(std::string(100, '\x81') + "\x01"); }) == ErrorKind::malformed);
    CHECK_NOTHROW(frame_all(std::string(60, '\x81') + "\x01"));
    FrameLimits small;
    small.max_item = 16;
    CHECK(kind_thrown([&] { frame_all(std::string("\x58\x20", 2) + std::string(32, 'x'), small); }) ==
          ErrorKind::malformed);
    Reader in = Reader::from_string(std::string("\x82\x01", 2));
    std::string out;
    try {
        frame_cbor_item(in, out);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("at byte 2") != std::string::npos);
    }
}

TEST_CASE("record_json parses JSON text and converts CBOR items") {
    Record j{0, false, "{\"a\":[1,2]}", {}};
    CHECK(record_json(j) == nlohmann::json{{"a", {1, 2}}});
    Record c{1, true, cbor_of({{"id", "x"}}), {}};
    CHECK(record_json(c) == nlohmann::json{{"id", "x"}});
    Record bad{7, false, "{\"a\":", {}};
    try {
        record_json(bad);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        CHECK(std::string(e.what()).rfind("record 7: ", 0) == 0);
    }
}
