// iot-voucher inspect: any voucher artifact as JSON.
#include <memory>

#include "artifact.hpp"
#include "common/input.hpp"
#include "common/report.hpp"
#include "iotops/voucher.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {

void add_inspect(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::ReportOptions report;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb("inspect", "Decode a voucher or voucher-request (CMS, JWS, COSE, JSON, YANG-CBOR) to JSON",
                               [o](cli::Context& ctx) {
                                   cli::emit_report(voucher::describe(open_artifact(o->in)), o->report, ctx);
                                   return 0;
                               });
    cli::add_input_argument(verb, o->in);
    cli::add_in_format_option(verb, o->in);
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::voucher_cli
