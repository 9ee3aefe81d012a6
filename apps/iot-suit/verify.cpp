// iot-suit verify: manifest digest, authentication blocks and severed members; a report of every check.
#include <fstream>
#include <memory>

#include "common/reader.hpp"
#include "common/report.hpp"
#include "envelope_input.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/verify.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    std::vector<std::string> keys;
    std::vector<std::string> certs;
    std::vector<std::string> mac_keys;
};

suit::TrustAnchors load_anchors(const Opts& o) {
    suit::TrustAnchors a;
    for (const auto& path : o.keys) a.keys.push_back(crypto::PublicKey::load_file(path));
    for (const auto& path : o.certs)
        for (auto& cert : crypto::Certificate::load_all_file(path)) a.certificates.push_back(std::move(cert));
    for (const auto& path : o.mac_keys) {
        cli::Reader r = cli::Reader::open(path);
        Bytes secret = r.read_all();
        if (secret.size() < 32)
            throw Error(ErrorKind::usage, "--mac-key " + path + ": the secret has " + std::to_string(secret.size()) +
                                              " bytes, HMAC 256/256 needs at least 32");
        a.mac_keys.push_back(std::move(secret));
    }
    if (a.empty())
        throw Error(ErrorKind::usage, "verify: no trust anchor given",
                    "give --key PUBLIC.pem, --cert CERT.pem or --mac-key SECRET (each may be repeated)");
    return a;
}

}  // namespace

void add_verify(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "verify", "Check a SUIT envelope's digest, authentication blocks and severed members", [o](cli::Context& ctx) {
            suit::TrustAnchors anchors = load_anchors(*o);
            LoadedEnvelope e = load_envelope(o->in);
            suit::VerifyReport r = suit::verify(e.envelope, anchors);
            nlohmann::json report = r.to_json();
            report["input"] = e.name;
            report["manifest-sequence-number"] = e.envelope.manifest.sequence_number;
            cli::emit_report(report, o->report, ctx);
            return r.ok() ? 0 : 1;
        });
    add_envelope_input(verb, o->in);
    verb.add_option("--key", o->keys, "Public key (PEM or DER SubjectPublicKeyInfo) for COSE_Sign1; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--cert", o->certs, "Certificate whose public key verifies COSE_Sign1; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--mac-key", o->mac_keys, "File holding a shared secret (raw bytes) for COSE_Mac0; repeatable")
        ->allow_extra_args(false);
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::suit_cli
