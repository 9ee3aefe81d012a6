// iot-suit apply: run a SUIT envelope on a simulated device directory; SUIT_Report out.
#include <memory>

#include "common/output.hpp"
#include "common/report.hpp"
#include "envelope_input.hpp"
#include "iotops/core/error.hpp"
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
};

}  // namespace

void add_apply(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "apply", "Verify a SUIT envelope and install it on a simulated device directory", [o](cli::Context& ctx) {
            suit::Device device = suit::Device::load(o->device);
            LoadedEnvelope e = load_envelope(o->in);
            // Opened before the device changes, so an unwritable report path refuses early.
            std::unique_ptr<cli::OutputSink> report;
            if (!o->report_path.empty())
                report = std::make_unique<cli::OutputSink>(cli::OutputOptions{o->report_path, true}, cli::Content::binary);
            suit::ApplyResult r = suit::apply(e.envelope, device, o->apply);
            if (report) {
                report->write(r.report);
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
    verb.add_option("--https-ca", o->apply.https_ca_file, "CA certificates (PEM) for https: fetches, instead of the system store");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::suit_cli
