// iot-voucher verify: signature, chain, the artifact's rules and what the caller expects, as a report.
#include <memory>

#include "common/input.hpp"
#include "common/report.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {
namespace {

std::vector<crypto::Certificate> load_all(const std::vector<std::string>& paths) {
    std::vector<crypto::Certificate> out;
    for (const auto& p : paths) {
        auto certs = crypto::Certificate::load_all_file(p);
        out.insert(out.end(), certs.begin(), certs.end());
    }
    return out;
}

std::optional<crypto::Certificate> load_one(const std::string& path) {
    if (path.empty()) return std::nullopt;
    return crypto::Certificate::load_file(path);
}

}  // namespace

void add_verify(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::ReportOptions report;
        std::vector<std::string> anchors, intermediates;
        std::string cert, at, nonce, serial, idevid, pinned;
        bool strict = false;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "verify", "Verify a signed voucher or voucher-request; exit 0 when every check holds, 1 otherwise",
        [o](cli::Context& ctx) {
            voucher::VerifyOptions v;
            v.anchors = load_all(o->anchors);
            v.intermediates = load_all(o->intermediates);
            v.signer = load_one(o->cert);
            v.idevid = load_one(o->idevid);
            v.pinned = load_one(o->pinned);
            try {
                if (!o->at.empty()) v.at = parse_rfc3339(o->at);
                if (!o->nonce.empty()) v.nonce = base64_decode(o->nonce);
            } catch (const Error& e) {
                throw Error(ErrorKind::usage, std::string("--at or --nonce: ") + e.what());
            }
            if (!o->serial.empty()) v.serial = o->serial;
            v.strict = o->strict;
            auto input = cli::read_input(o->in);
            auto report = voucher::verify(input.data, v);
            cli::emit_report(report.to_json(), o->report, ctx);
            return report.ok() ? 0 : 1;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--anchor", o->anchors, "Trust anchor certificate file (PEM may hold several); repeatable")->allow_extra_args(false);
    verb.add_option("--intermediate", o->intermediates, "Intermediate certificate file; repeatable")->allow_extra_args(false);
    verb.add_option("--cert", o->cert, "Signer certificate, when the artifact does not carry it");
    verb.add_option("--at", o->at, "Verify as of this RFC 3339 time instead of now");
    verb.add_option("--nonce", o->nonce, "The nonce the voucher must carry (base64 or base64url)");
    verb.add_option("--serial", o->serial, "The serial-number the voucher must carry");
    verb.add_option("--idevid", o->idevid, "IDevID certificate: serial-number and idevid-issuer must match it");
    verb.add_option("--pinned", o->pinned, "The certificate pinned-domain-cert must hold");
    verb.add_flag("--strict", o->strict, "Turn warnings (id-data CMS, a signer trusted only by --cert) into failures");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::voucher_cli
