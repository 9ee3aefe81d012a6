// iot-mud validate: a MUD file against the YANG models, strict unless --compat; a report of findings.
#include <memory>

#include "common/input.hpp"
#include "common/report.hpp"
#include "iotops/core/check.hpp"
#include "iotops/mud/validate.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    bool compat = false;
};

}  // namespace

void add_validate(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "validate", "Check a MUD file against ietf-mud and ietf-access-control-list (strict unless --compat)",
        [o](cli::Context& ctx) {
            cli::Input in = cli::read_input(o->in);
            mud::ValidateOptions vo;
            vo.compat = o->compat;
            mud::Validation v = mud::validate(ByteView(in.data), vo);
            nlohmann::json report;
            report["result"] = verdict(v.checks);
            report["input"] = in.name;
            report["mode"] = o->compat ? "compat" : "strict";
            if (!v.mud.url.empty()) report["mud-url"] = v.mud.url;
            report["checks"] = checks_to_json(v.checks);
            cli::emit_report(report, o->report, ctx);
            return v.ok() ? 0 : 1;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_flag("--compat", o->compat,
                  "Accept legacy forms real generators emit (access-lists, ethernet-acl-type, operator range, "
                  "ethertype strings, no time zone, undeclared extensions) as warnings");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::mud_cli
