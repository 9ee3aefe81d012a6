// The tool runner: version, help, verbs, global options, and how errors become exit codes.
#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

#include "common/report.hpp"
#include "common/tool.hpp"
#include "iotops/core/error.hpp"

using iotops::Error;
using iotops::ErrorKind;
using iotops::cli::Context;
using iotops::cli::Tool;

namespace {

struct Result {
    int code;
    std::string out;
    std::string err;
};

Result run(Tool& tool, std::vector<std::string> args) {
    std::ostringstream out, err;
    int code = tool.run(args, out, err);
    return {code, out.str(), err.str()};
}

struct Seen {
    std::string name;
    std::string file = "-";
    bool no_color = false;
    bool quiet = false;
    iotops::cli::ReportOptions report;
};

void add_test_verbs(Tool& tool, Seen& seen) {
    auto& ok = tool.add_verb("ok", "Succeed and greet", [&seen](Context& ctx) {
        seen.no_color = ctx.no_color;
        seen.quiet = ctx.quiet;
        *ctx.out << "hello " << seen.name << "\n";
        return 0;
    });
    ok.add_option("--name", seen.name, "Who to greet");
    ok.add_option("FILE", seen.file, "Input file");
    iotops::cli::add_report_options(ok, seen.report);
    tool.add_verb("fail", "Throw a malformed error",
                  [](Context&) -> int { throw Error(ErrorKind::malformed, "bad input: at byte 3", "check the file"); });
    tool.add_verb("crash", "Throw a std::exception", [](Context&) -> int { throw std::runtime_error("boom"); });
    tool.add_verb("deny", "Give a negative verdict", [](Context&) { return 1; });
}

int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace

TEST_CASE("--version prints the tool name and the project version") {
    Tool tool("iot-test", "A test tool");
    auto r = run(tool, {"--version"});
    CHECK(r.code == 0);
    CHECK(r.out == std::string("iot-test ") + IOTOPS_VERSION + "\n");
    CHECK(r.err.empty());
}

TEST_CASE("--help works on the tool and on every verb") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"--help"});
    CHECK(r.code == 0);
    CHECK(r.out.find("--no-color") != std::string::npos);
    CHECK(r.out.find("deny") != std::string::npos);
    auto v = run(tool, {"ok", "--help"});
    CHECK(v.code == 0);
    CHECK(v.out.find("--name") != std::string::npos);
    CHECK(v.out.find("Who to greet") != std::string::npos);
}

TEST_CASE("a tool without verbs says so in --help and refuses to run bare") {
    Tool tool("iot-empty", "Nothing yet");
    auto h = run(tool, {"--help"});
    CHECK(h.code == 0);
    CHECK(h.out.find("no verbs yet") != std::string::npos);
    auto r = run(tool, {});
    CHECK(r.code == 64);
    CHECK(r.out.empty());
    CHECK(r.err == "iot-empty: error: no verb given (try 'iot-empty --help')\n");
}

TEST_CASE("usage errors are exit 64 with one line naming the verb to ask for help") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"--bogus"});
    CHECK(r.code == 64);
    CHECK(r.out.empty());
    CHECK(count_lines(r.err) == 1);
    CHECK(r.err.rfind("iot-test: error: ", 0) == 0);
    CHECK(r.err.find("--bogus") != std::string::npos);
    CHECK(r.err.find("(try 'iot-test --help')") != std::string::npos);

    auto v = run(tool, {"ok", "--bogus"});
    CHECK(v.code == 64);
    CHECK(count_lines(v.err) == 1);
    CHECK(v.err.find("(try 'iot-test ok --help')") != std::string::npos);

    auto bad_choice = run(tool, {"ok", "--format", "xml"});
    CHECK(bad_choice.code == 64);
    CHECK(count_lines(bad_choice.err) == 1);

    auto bare = run(tool, {});
    CHECK(bare.code == 64);
    CHECK(bare.err.find("no verb given") != std::string::npos);
}

TEST_CASE("a verb runs with its options and the global options, before or after it") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"ok", "--name", "world", "--no-color", "-q", "x.json"});
    CHECK(r.code == 0);
    CHECK(r.out == "hello world\n");
    CHECK(seen.no_color);
    CHECK(seen.quiet);
    CHECK(seen.file == "x.json");

    Seen seen2;
    Tool tool2("iot-test", "A test tool");
    add_test_verbs(tool2, seen2);
    auto r2 = run(tool2, {"--quiet", "ok"});
    CHECK(r2.code == 0);
    CHECK(seen2.quiet);
    CHECK_FALSE(seen2.no_color);
}

TEST_CASE("iotops::Error becomes its exit code, the message and the hint") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"fail"});
    CHECK(r.code == 65);
    CHECK(r.out.empty());
    CHECK(r.err == "iot-test: error: bad input: at byte 3\niot-test: hint: check the file\n");
}

TEST_CASE("other exceptions are internal errors, exit 70; a verb's own code passes through") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"crash"});
    CHECK(r.code == 70);
    CHECK(r.err == "iot-test: error: internal error: boom\n");
    CHECK(run(tool, {"deny"}).code == 1);
}

TEST_CASE("--iotops-dump-cli describes verbs, options and positionals from the CLI11 tree") {
    Seen seen;
    Tool tool("iot-test", "A test tool");
    add_test_verbs(tool, seen);
    auto r = run(tool, {"--iotops-dump-cli"});
    REQUIRE(r.code == 0);
    auto d = nlohmann::json::parse(r.out);
    CHECK(d["name"] == "iot-test");
    CHECK(d["version"] == IOTOPS_VERSION);
    std::vector<std::string> top;
    for (const auto& o : d["options"]) top.push_back(o["names"][0]);
    CHECK(top == std::vector<std::string>{"--help", "--version", "--no-color", "--quiet"});
    CHECK(r.out.find("iotops-dump-cli") == std::string::npos);  // hidden from itself and from --help
    CHECK(run(tool, {"--help"}).out.find("iotops-dump-cli") == std::string::npos);

    REQUIRE(d["verbs"].size() == 4);
    const auto& ok = d["verbs"][0];
    CHECK(ok["name"] == "ok");
    CHECK(ok["description"] == "Succeed and greet");
    bool saw_name = false, saw_format = false, saw_help = false;
    for (const auto& o : ok["options"]) {
        if (o["names"][0] == "--name") {
            saw_name = true;
            CHECK(o["takes_value"] == true);
            CHECK(o["description"] == "Who to greet");
        }
        if (o["names"][0] == "--format") {
            saw_format = true;
            CHECK(o["choices"] == nlohmann::json::array({"json", "text"}));
        }
        if (o["names"][0] == "--help") {
            saw_help = true;
            CHECK(o["takes_value"] == false);
        }
    }
    CHECK(saw_name);
    CHECK(saw_format);
    CHECK(saw_help);
    REQUIRE(ok["positionals"].size() == 1);
    CHECK(ok["positionals"][0]["name"] == "FILE");
}
