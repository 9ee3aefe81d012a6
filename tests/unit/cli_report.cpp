// Reports: compact when piped, pretty and coloured on a terminal, text summary, colour rules.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <regex>

#include "common/progress.hpp"
#include "common/report.hpp"
#include "common/terminal.hpp"

using namespace iotops::cli;
using nlohmann::json;

namespace {

const json kReport = {{"verdict", "valid"}, {"count", 2}, {"ok", true}, {"none", nullptr},
                      {"signer", {{"subject", "CN=masa"}, {"alg", "ES256"}}}, {"list", {1, "two"}}};

std::string strip_ansi(const std::string& s) { return std::regex_replace(s, std::regex("\x1b\\[[0-9;]*m"), ""); }

struct Pty {
    int leader = -1;
    int follower = -1;
    Pty() {
        leader = ::posix_openpt(O_RDWR | O_NOCTTY);
        REQUIRE(leader >= 0);
        REQUIRE(::grantpt(leader) == 0);
        REQUIRE(::unlockpt(leader) == 0);
        follower = ::open(::ptsname(leader), O_RDWR | O_NOCTTY);
        REQUIRE(follower >= 0);
    }
    ~Pty() {
        ::close(follower);
        ::close(leader);
    }
};

// Sets or unsets an environment variable for one scope.
struct Env {
    std::string name;
    std::optional<std::string> old;
    Env(const char* n, const char* value) : name(n) {
        if (const char* o = std::getenv(n)) old = o;
        if (value) ::setenv(n, value, 1);
        else ::unsetenv(n);
    }
    ~Env() {
        if (old) ::setenv(name.c_str(), old->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("piped reports are one compact line") {
    auto s = render_json(kReport, Style{false, false});
    CHECK(s.find('\n') == s.size() - 1);
    CHECK(s.find('\x1b') == std::string::npos);
    CHECK(json::parse(s) == kReport);
}

TEST_CASE("terminal reports are indented, coloured only when asked, and still the same JSON") {
    auto plain = render_json(kReport, Style{true, false});
    CHECK(plain.find("\n  \"signer\": {\n    \"alg\": \"ES256\"") != std::string::npos);
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(json::parse(plain) == kReport);
    auto coloured = render_json(kReport, Style{true, true});
    CHECK(coloured.find("\x1b[34m\"verdict\"\x1b[0m") != std::string::npos);
    CHECK(coloured.find("\x1b[32m\"valid\"\x1b[0m") != std::string::npos);
    CHECK(strip_ansi(coloured) == plain);
    CHECK(render_json(json::object(), Style{true, false}) == "{}\n");
}

TEST_CASE("--format text renders key: value lines") {
    json r = {{"a", 1}, {"b", {{"c", "x"}}}, {"l", {1, "two", {{"k", false}}}}, {"e", json::array()}};
    CHECK(render_text(r, Style{}) ==
          "a: 1\n"
          "b:\n"
          "  c: x\n"
          "e: (none)\n"
          "l:\n"
          "  - 1\n"
          "  - two\n"
          "  -\n"
          "    k: false\n");
}

TEST_CASE("colour only on a terminal, and never with NO_COLOR, TERM=dumb or --no-color") {
    Pty pty;
    Env term("TERM", "xterm");
    {
        Env nc("NO_COLOR", nullptr);
        CHECK(color_enabled(pty.follower, false));
        CHECK_FALSE(color_enabled(pty.follower, true));
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        CHECK_FALSE(color_enabled(fds[1], false));
        ::close(fds[0]);
        ::close(fds[1]);
        CHECK(style_for(pty.follower, false).pretty);
        CHECK(style_for(pty.follower, true).pretty);
        CHECK_FALSE(style_for(pty.follower, true).color);
    }
    {
        Env nc("NO_COLOR", "1");
        CHECK_FALSE(color_enabled(pty.follower, false));
    }
    {
        Env nc("NO_COLOR", "");  // empty means not set (no-color.org)
        CHECK(color_enabled(pty.follower, false));
    }
    {
        Env nc("NO_COLOR", nullptr);
        Env dumb("TERM", "dumb");
        CHECK_FALSE(color_enabled(pty.follower, false));
    }
}

TEST_CASE("the progress line shows count, rate and, with a known size, share and ETA") {
    CHECK(format_progress(100, 2.0, 0.5) == "100 records  50/s  50%  ETA 0:02");
    CHECK(format_progress(100, 2.0, -1) == "100 records  50/s");
    CHECK(format_progress(9000, 60.0, 0.1) == "9000 records  150/s  10%  ETA 9:00");
    CHECK(format_progress(0, 0, -1) == "0 records");
}
