// iot-mud verify: a MUD file's detached CMS signature; failure is exit 1, never a warning.
#include <memory>

#include "common/input.hpp"
#include "common/report.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/mud/signature.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    std::string signature, device_cert, at;
    std::vector<std::string> cas, chain;
};

std::string default_signature_path(const std::string& mud_path) {
    if (mud_path.size() > 5 && mud_path.compare(mud_path.size() - 5, 5, ".json") == 0)
        return mud_path.substr(0, mud_path.size() - 5) + ".p7s";
    return mud_path + ".p7s";
}

}  // namespace

void add_verify(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "verify", "Verify a MUD file's detached CMS signature against trust anchors", [o](cli::Context& ctx) {
            if (o->cas.empty())
                throw Error(ErrorKind::usage, "verify: no trust anchor given", "give --ca CERT.pem (repeatable)");
            cli::Input in = cli::read_input(o->in);
            std::string sig_path = o->signature;
            if (sig_path.empty()) {
                if (o->in.path == "-") throw Error(ErrorKind::usage, "verify: give --signature when the MUD file is stdin");
                sig_path = default_signature_path(o->in.path);
            }
            Bytes sig = crypto::cms::to_der(read_file(sig_path));
            mud::SignatureVerifyOptions vo;
            vo.trust_anchors = crypto::Certificate::load_all_files(o->cas);
            vo.intermediates = crypto::Certificate::load_all_files(o->chain);
            if (!o->device_cert.empty()) vo.device_certificate = crypto::Certificate::load_file(o->device_cert);
            if (!o->at.empty()) vo.at = parse_rfc3339(o->at);
            mud::SignatureReport r = mud::verify_signature(sig, in.data, vo);
            nlohmann::json report;
            report["result"] = verdict(r.checks);
            report["input"] = in.name;
            report["signature"] = sig_path;
            if (!r.signer.empty()) report["signer"] = r.signer;
            report["checks"] = checks_to_json(r.checks);
            cli::emit_report(report, o->report, ctx);
            return r.ok() ? 0 : 1;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--signature", o->signature, "The detached signature (DER or PEM); default FILE with .p7s");
    verb.add_option("--ca", o->cas, "Trust anchor certificate(s); repeatable")->allow_extra_args(false);
    verb.add_option("--chain", o->chain, "Intermediate certificates; repeatable")->allow_extra_args(false);
    verb.add_option("--device-cert", o->device_cert,
                    "Device certificate: its MUD signer extension must name the signer");
    verb.add_option("--at", o->at, "Verify as of this RFC 3339 time instead of now");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::mud_cli
