// iot-suit apply: run a SUIT envelope on a simulated device directory; SUIT_Report out.
#include <memory>

#include "common/output.hpp"
#include "common/report.hpp"
#include "envelope_input.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/suit/processor.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    std::string device;
    std::string report_path;
    suit::ApplyOptions apply;
    std::string report_key;
    std::string pass;
};

}  // namespace

void add_apply(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "apply", "Verify a SUIT envelope and install it on a simulated device directory", [o](cli::Context& ctx) {
            suit::DeviceLock lock(o->device);
            suit::Device device = suit::Device::load(o->device);
            LoadedEnvelope e = load_envelope(o->in);
            // Opened before the device changes, so an unwritable report path refuses early.
            std::optional<crypto::PrivateKey> signer;
            if (!o->report_key.empty()) {
                if (o->report_path.empty()) throw Error(ErrorKind::usage, "--report-key needs --report FILE");
                std::optional<std::string> pass;
                if (!o->pass.empty()) pass = crypto::read_passphrase(o->pass);
                signer = crypto::PrivateKey::load_file(o->report_key, pass);
            }
            std::unique_ptr<cli::OutputSink> report;
            if (!o->report_path.empty())
                report = std::make_unique<cli::OutputSink>(cli::OutputOptions{o->report_path, true}, cli::Content::binary);
            suit::ApplyResult r = suit::apply(e.envelope, device, o->apply);
            if (report) {
                // SUIT_Report_Protected: a COSE_Sign1 whose payload is the report (draft-ietf-suit-report section 7)
                if (signer) {
                    auto alg = crypto::cose::default_algorithm(signer->type());
                    report->write(crypto::cose::Sign1::sign(*signer, alg, r.report).encode());
                } else {
                    report->write(r.report);
                }
                report->commit();
            }
            nlohmann::json summary = r.to_json();
            summary["input"] = e.name;
            summary["device"] = o->device;
            cli::emit_report(summary, o->report, ctx);
            if (!r.ok) *ctx.err << ctx.tool << ": error: apply refused: " << r.message << "\n";
            return r.ok ? 0 : 1;
        });
    add_envelope_input(verb, o->in);
    verb.add_option("--device", o->device, "Device directory (see 'iot-suit device-init')")->required();
    verb.add_option("--report", o->report_path, "Write the SUIT_Report (CBOR) to this file");
    verb.add_option("--report-key", o->report_key, "Sign the SUIT_Report as COSE_Sign1 with this private key (the device's)");
    verb.add_option("--pass", o->pass, "Passphrase source for an encrypted --report-key: pass:, env:, file:, fd:");
    verb.add_option("--https-ca", o->apply.https_ca_file, "CA certificates (PEM) for https: fetches, instead of the system store");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::suit_cli
