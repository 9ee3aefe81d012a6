// Single-artifact input: reading a path or stdin, error kinds, --in-format and sniffing.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/input.hpp"
#include "iotops/core/error.hpp"

namespace fs = std::filesystem;
using iotops::Error;
using iotops::ErrorKind;
using iotops::codec::Format;
using namespace iotops::cli;

TEST_CASE("read_input reads the whole file and sniffs its format") {
    std::string t = (fs::temp_directory_path() / "iotops-input-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    fs::path dir = t;
    { std::ofstream(dir / "v.json") << "  {\"ietf-voucher:voucher\":{}}\n"; }
    { std::ofstream(dir / "c.pem") << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"; }
    auto j = read_input(InputOptions{(dir / "v.json").string(), "auto"});
    CHECK(j.format == Format::json);
    CHECK(j.name == (dir / "v.json").string());
    CHECK(j.data.size() == 30);
    CHECK(read_input(InputOptions{(dir / "c.pem").string(), "auto"}).format == Format::pem);
    // --in-format wins over sniffing
    CHECK(read_input(InputOptions{(dir / "v.json").string(), "base64"}).format == Format::base64);
    fs::remove_all(dir);
}

TEST_CASE("resolve_format: forced formats, sniffing, and unknown names") {
    const iotops::Bytes cbor_map = {0xa1, 0x01, 0x02};
    CHECK(resolve_format("auto", cbor_map) == Format::cbor);
    CHECK(resolve_format("json", cbor_map) == Format::json);
    CHECK(resolve_format("der", cbor_map) == Format::der);
    CHECK(resolve_format("auto", iotops::as_bytes("[1,2]")) == Format::json);
    try {
        resolve_format("xml", cbor_map);
        FAIL("expected a usage error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
}

TEST_CASE("a missing input is exit 66, a directory is an I/O error") {
    try {
        read_input(InputOptions{"/nonexistent/iotops.json", "auto"});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::missing);
        CHECK(iotops::exit_code(e.kind()) == 66);
        CHECK(std::string(e.what()) == "/nonexistent/iotops.json: cannot open: No such file or directory");
    }
    try {
        read_input(InputOptions{"/tmp", "auto"});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
    }
}
