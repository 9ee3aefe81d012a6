// Test driver for the COSE interop scripts: makes and checks COSE_Sign1 / COSE_Mac0 files with libiotops.
//   driver_cose sign --alg ES256|ESP256|ES384|EdDSA|Ed25519 --key KEY.pem [--detached] [--untagged] IN OUT
//   driver_cose verify --key PUB-or-CERT.pem [--payload FILE] IN      exit 0 valid, 1 invalid, 65 malformed
//   driver_cose mac --key-hex HEX [--untagged] IN OUT
//   driver_cose mac-verify --key-hex HEX IN                          exit 0 valid, 1 invalid, 65 malformed
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/file.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

using namespace iotops;

namespace {

void write_file(const std::string& path, const Bytes& data) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

crypto::PublicKey load_public(const std::string& path) {
    Bytes pem = read_file(path);
    if (to_string(pem).find("CERTIFICATE") != std::string::npos) return crypto::Certificate::load(pem).public_key();
    return crypto::PublicKey::load(pem);
}

struct Args {
    std::string verb;
    std::optional<std::string> alg, key, key_hex, payload;
    bool detached = false, untagged = false;
    std::vector<std::string> files;
};

Args parse_args(int argc, char** argv) {
    if (argc < 2) throw Error(ErrorKind::usage, "usage: driver_cose sign|verify|mac|mac-verify ...");
    Args a;
    a.verb = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw Error(ErrorKind::usage, arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--alg") a.alg = value();
        else if (arg == "--key") a.key = value();
        else if (arg == "--key-hex") a.key_hex = value();
        else if (arg == "--payload") a.payload = value();
        else if (arg == "--detached") a.detached = true;
        else if (arg == "--untagged") a.untagged = true;
        else a.files.push_back(arg);
    }
    return a;
}

int run(const Args& a) {
    crypto::cose::Form form = a.untagged ? crypto::cose::Form::untagged : crypto::cose::Form::tagged;
    if (a.verb == "sign" && a.key && a.files.size() == 2) {
        auto key = crypto::PrivateKey::load_file(*a.key);
        crypto::cose::Algorithm alg = a.alg ? crypto::cose::parse_algorithm(*a.alg) : crypto::cose::default_algorithm(key.type());
        crypto::cose::Options options;
        options.detached = a.detached;
        options.protected_header.set_kid(to_bytes("driver"));
        write_file(a.files[1], crypto::cose::Sign1::sign(key, alg, read_file(a.files[0]), options).encode(form));
        return 0;
    }
    if (a.verb == "verify" && a.key && a.files.size() == 1) {
        auto key = load_public(*a.key);
        crypto::cose::Sign1 s = crypto::cose::Sign1::parse(read_file(a.files[0]));
        crypto::cose::Verdict v = a.payload ? s.verify_detached(key, read_file(*a.payload)) : s.verify(key);
        std::cout << (v.ok ? "valid" : "invalid: " + v.reason) << "\n";
        return v.ok ? 0 : 1;
    }
    if (a.verb == "mac" && a.key_hex && a.files.size() == 2) {
        write_file(a.files[1], crypto::cose::Mac0::create(hex_decode(*a.key_hex), read_file(a.files[0])).encode(form));
        return 0;
    }
    if (a.verb == "mac-verify" && a.key_hex && a.files.size() == 1) {
        crypto::cose::Verdict v = crypto::cose::Mac0::parse(read_file(a.files[0])).verify(hex_decode(*a.key_hex));
        std::cout << (v.ok ? "valid" : "invalid: " + v.reason) << "\n";
        return v.ok ? 0 : 1;
    }
    throw Error(ErrorKind::usage, "driver_cose: bad arguments for '" + a.verb + "'");
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_args(argc, argv));
    } catch (const Error& e) {
        std::cerr << "driver_cose: error: " << e.what() << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "driver_cose: internal error: " << e.what() << "\n";
        return 70;
    }
}
