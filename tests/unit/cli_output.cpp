// Output: atomic files, modes, no partial files, and binary refused on a terminal.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/output.hpp"
#include "iotops/core/error.hpp"

namespace fs = std::filesystem;
using iotops::Error;
using iotops::ErrorKind;
using namespace iotops::cli;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "iotops-cli-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~TempDir() { fs::remove_all(path); }
    std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator()));
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A pseudo-terminal's follower side: isatty() is true for it.
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

}  // namespace

TEST_CASE("-o writes the file with the umask-derived mode, and private keys with 0600") {
    TempDir dir;
    mode_t old = ::umask(022);
    OutputOptions o{(dir.path / "out.json").string(), false};
    write_output(o, iotops::as_bytes("{\"a\":1}\n"), Content::text);
    CHECK(slurp(dir.path / "out.json") == "{\"a\":1}\n");
    CHECK(mode_of(dir.path / "out.json") == 0644);

    OutputOptions k{(dir.path / "key.pem").string(), false};
    write_output(k, iotops::as_bytes("-----BEGIN PRIVATE KEY-----\n"), Content::text, Access::private_key);
    CHECK(mode_of(dir.path / "key.pem") == 0600);
    ::umask(old);
    CHECK(dir.entries() == 2);  // no temporary files left behind
}

TEST_CASE("an uncommitted output leaves the old file untouched and no temporary file") {
    TempDir dir;
    auto target = dir.path / "voucher.cbor";
    { std::ofstream(target) << "old"; }
    {
        OutputSink sink(OutputOptions{target.string(), false}, Content::binary);
        sink.write(iotops::as_bytes("new but incomplete"));
        CHECK(dir.entries() == 2);  // the temporary file exists while writing...
        CHECK(slurp(target) == "old");
    }  // ...and goes away when the sink is dropped without commit (an error path)
    CHECK(slurp(target) == "old");
    CHECK(dir.entries() == 1);

    {
        OutputSink sink(OutputOptions{target.string(), false}, Content::binary);
        sink.write(iotops::as_bytes("new"));
        sink.commit();
    }
    CHECK(slurp(target) == "new");
    CHECK(dir.entries() == 1);
}

TEST_CASE("an output in a missing directory is an I/O error") {
    TempDir dir;
    OutputOptions o{(dir.path / "nope" / "out.json").string(), false};
    try {
        write_output(o, iotops::as_bytes("x"), Content::text);
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        CHECK(std::string(e.what()).find("nope/out.json") != std::string::npos);
    }
    CHECK(dir.entries() == 0);
}

TEST_CASE("binary output to a terminal is refused unless --force; text is fine") {
    Pty pty;
    OutputOptions to_stdout;  // "-"
    try {
        OutputSink sink(to_stdout, Content::binary, Access::normal, pty.follower);
        FAIL("expected a usage error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(e.hint().find("-o FILE") != std::string::npos);
        CHECK(e.hint().find("--force") != std::string::npos);
    }
    OutputSink text(to_stdout, Content::text, Access::normal, pty.follower);
    text.write(std::string_view("ok\n"));
    text.commit();
    OutputOptions forced{"-", true};
    OutputSink bin(forced, Content::binary, Access::normal, pty.follower);
    bin.write(iotops::as_bytes("\x01\x02"));
    bin.commit();
}

TEST_CASE("binary output to a pipe is written as is") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        OutputSink sink(OutputOptions{}, Content::binary, Access::normal, fds[1]);
        sink.write(iotops::as_bytes(std::string_view("\xa1\x01\x02", 3)));
        sink.commit();
    }
    char buf[8];
    CHECK(::read(fds[0], buf, sizeof buf) == 3);
    CHECK(std::string(buf, 3) == std::string("\xa1\x01\x02", 3));
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("-o on a device writes in place and leaves the device a device") {
    OutputOptions o;
    o.path = "/dev/null";
    write_output(o, iotops::as_bytes(std::string_view("discarded\n")), Content::text);
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}
