// Test driver over iotops::crypto::cms for tests/interop/cms_openssl.sh.
//   driver_cms sign --key K --cert C [--extra CERT]... [--detached] [--econtent-type OID] [--pem] IN OUT
//   driver_cms verify --anchor A [--intermediate I]... [--at RFC3339] [--relaxed] [--content F] IN
//       writes the verified content to stdout and "signature: ..., chain: ..." to stderr;
//       exit 0 when both are valid, 1 when not, 65 for malformed input.
//   driver_cms parse IN    prints "econtent-type OID", "version N", "detached yes|no", "signers N"
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "iotops/core/file.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/crypto/key.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

void write_file(const std::string& path, ByteView data) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

int usage() {
    std::cerr << "usage: driver_cms sign|verify|parse ... (see the source)\n";
    return 64;
}

int run(std::vector<std::string> args) {
    if (args.empty()) return usage();
    std::string verb = args[0];
    std::vector<std::string> positional;
    std::string key, cert, content, at, econtent_type;
    std::vector<std::string> extras, anchors, intermediates;
    bool detached = false, relaxed = false, pem = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw Error(ErrorKind::usage, a + " needs a value");
            return args[++i];
        };
        if (a == "--key") key = value();
        else if (a == "--cert") cert = value();
        else if (a == "--extra") extras.push_back(value());
        else if (a == "--anchor") anchors.push_back(value());
        else if (a == "--intermediate") intermediates.push_back(value());
        else if (a == "--content") content = value();
        else if (a == "--at") at = value();
        else if (a == "--econtent-type") econtent_type = value();
        else if (a == "--detached") detached = true;
        else if (a == "--relaxed") relaxed = true;
        else if (a == "--pem") pem = true;
        else if (a.rfind("--", 0) == 0) return usage();
        else positional.push_back(a);
    }

    if (verb == "sign" && positional.size() == 2) {
        cms::SignOptions o;
        o.detached = detached;
        if (!econtent_type.empty()) o.econtent_type = econtent_type;
        for (const auto& e : extras) o.extra_certificates.push_back(Certificate::load_file(e));
        Bytes der = cms::sign(read_file(positional[0]), PrivateKey::load_file(key), Certificate::load_file(cert), o);
        if (pem) write_file(positional[1], as_bytes(cms::to_pem(der)));
        else write_file(positional[1], der);
        return 0;
    }
    if (verb == "verify" && positional.size() == 1) {
        cms::VerifyOptions o;
        for (const auto& a : anchors) o.trust_anchors.push_back(Certificate::load_file(a));
        for (const auto& a : intermediates) o.intermediates.push_back(Certificate::load_file(a));
        if (!at.empty()) o.at = parse_rfc3339(at);
        o.require_signed_attributes = !relaxed;
        Bytes detached_bytes;
        std::optional<ByteView> dcont;
        if (!content.empty()) {
            detached_bytes = read_file(content);
            dcont = ByteView(detached_bytes);
        }
        cms::VerifyResult r = cms::verify(read_file(positional[0]), o, dcont);
        std::cerr << "signature: " << (r.signature_valid ? "valid" : "invalid (" + r.signature_error + ")")
                  << ", chain: " << (r.chain_valid ? "valid" : "invalid (" + r.chain_error + ")")
                  << ", econtent-type: " << r.econtent_type << "\n";
        if (!r.ok()) return 1;
        std::cout.write(reinterpret_cast<const char*>(r.content.data()), static_cast<std::streamsize>(r.content.size()));
        return 0;
    }
    if (verb == "parse" && positional.size() == 1) {
        cms::SignedData sd = cms::parse(read_file(positional[0]));
        std::cout << "econtent-type " << sd.econtent_type << "\nversion " << sd.version << "\ndetached "
                  << (sd.detached ? "yes" : "no") << "\nsigners " << sd.signers.size() << "\n";
        return 0;
    }
    return usage();
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const Error& e) {
        std::cerr << "driver_cms: error: " << e.what() << "\n";
        return exit_code(e.kind());
    }
}
