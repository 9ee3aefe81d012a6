// Test driver: makes and checks JWS with libiotops for the interop scripts.
//   driver_jws sign [--alg A] --key K [--cert C]... [--typ T] [--kid ID] [--compact] IN OUT
//   driver_jws countersign [--alg A] --key K [--cert C]... [--typ T] [--kid ID] IN_JWS OUT
//   driver_jws verify [--cert C]... [--pub P]... [--anchor CA]... [--at TIME] [--count N] IN_JWS
//   driver_jws payload IN_JWS OUT
// verify prints one JSON line per signature plus a summary line {"form":..,"trusted":..}; it exits 0 when
// every signature is trusted (and --count matches), 1 when not, 65 for malformed input, 64 for usage.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "iotops/core/file.hpp"
#include "iotops/core.hpp"
#include "iotops/crypto/jws.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

struct Args {
    std::string verb;
    std::string alg, key, typ, kid, at;
    std::vector<std::string> certs, pubs, anchors, files;
    bool compact = false;
    long count = -1;
};

[[noreturn]] void usage(const std::string& why) { throw Error(ErrorKind::usage, "driver_jws: " + why); }

Args parse_args(int argc, char** argv) {
    Args a;
    if (argc < 2) usage("missing verb (sign, countersign, verify, payload)");
    a.verb = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--alg") a.alg = value();
        else if (arg == "--key") a.key = value();
        else if (arg == "--cert") a.certs.push_back(value());
        else if (arg == "--pub") a.pubs.push_back(value());
        else if (arg == "--anchor") a.anchors.push_back(value());
        else if (arg == "--typ") a.typ = value();
        else if (arg == "--kid") a.kid = value();
        else if (arg == "--at") a.at = value();
        else if (arg == "--count") a.count = std::stol(value());
        else if (arg == "--compact") a.compact = true;
        else if (arg.rfind("--", 0) == 0) usage("unknown option " + arg);
        else a.files.push_back(arg);
    }
    return a;
}

void write_file(const std::string& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

JwsSignOptions sign_options(const Args& a, const PrivateKey& key) {
    if (!a.alg.empty() && a.alg != jws_alg_name(jws_alg_for_key(key.type())))
        usage("--alg " + a.alg + " does not fit a " + std::string(key_type_name(key.type())) + " key");
    JwsSignOptions o;
    if (!a.typ.empty()) o.typ = a.typ;
    if (!a.kid.empty()) o.kid = a.kid;
    for (const auto& c : a.certs) o.x5c.push_back(Certificate::load_file(c));
    return o;
}

int run(const Args& a) {
    if (a.verb == "sign" || a.verb == "countersign") {
        if (a.key.empty() || a.files.size() != 2) usage(a.verb + " needs --key and IN OUT");
        PrivateKey key = PrivateKey::load_file(a.key);
        JwsSignOptions o = sign_options(a, key);
        Bytes in = read_file(a.files[0]);
        Jws jws;
        if (a.verb == "sign") {
            jws = Jws::sign(in, key, o);
        } else {
            jws = Jws::parse(in);
            jws.add_signature(key, o);
        }
        write_file(a.files[1], a.compact ? jws.serialize_compact() : jws.serialize(true) + "\n");
        return 0;
    }
    if (a.verb == "payload") {
        if (a.files.size() != 2) usage("payload needs IN OUT");
        Jws jws = Jws::parse(read_file(a.files[0]));
        write_file(a.files[1], to_string(jws.payload));
        return 0;
    }
    if (a.verb == "verify") {
        if (a.files.size() != 1) usage("verify needs one IN");
        Jws jws = Jws::parse(read_file(a.files[0]));
        JwsVerifyOptions o;
        for (const auto& c : a.certs) o.certificates.push_back(Certificate::load_file(c));
        for (const auto& p : a.pubs) o.keys.push_back(PublicKey::load_file(p));
        if (!a.anchors.empty()) {
            o.chain = ChainOptions{};
            for (const auto& c : a.anchors) o.chain->trust_anchors.push_back(Certificate::load_file(c));
            if (!a.at.empty()) o.chain->at = parse_rfc3339(a.at);
        }
        auto results = verify_jws(jws, o);
        for (const auto& r : results) std::cout << r.to_json().dump() << "\n";
        bool ok = all_trusted(results) && (a.count < 0 || static_cast<long>(results.size()) == a.count);
        nlohmann::json summary = {{"form", std::string(jws_form_name(jws.form))},
                                  {"signatures", results.size()},
                                  {"trusted", ok}};
        std::cout << summary.dump() << "\n";
        return ok ? 0 : 1;
    }
    usage("unknown verb " + a.verb);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse_args(argc, argv));
    } catch (const Error& e) {
        std::cerr << "driver_jws: error: " << e.what() << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "driver_jws: error: " << e.what() << "\n";
        return 70;
    }
}
