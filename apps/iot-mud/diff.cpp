// iot-mud diff: what access changed between two MUD files; widening is marked.
#include <memory>

#include "common/report.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/mud/diff.hpp"
#include "iotops/mud/validate.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    std::string before, after;
    cli::ReportOptions report;
    bool compat = false;
    bool check = false;
};

}  // namespace

void add_diff(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "diff", "Show what access changed between two MUD files (widening marked)", [o](cli::Context& ctx) {
            mud::ValidateOptions vo;
            vo.compat = o->compat;
            mud::Mud a = mud::load(read_file(o->before), vo), b = mud::load(read_file(o->after), vo);
            mud::MudDiff d = mud::diff(a, b);
            if (o->report.format == "text") {
                *ctx.out << d.to_text();
            } else {
                nlohmann::json j = d.to_json();
                j["before"] = o->before;
                j["after"] = o->after;
                cli::emit_report(j, o->report, ctx);
            }
            return o->check && d.widens() ? 1 : 0;
        });
    verb.add_option("BEFORE", o->before, "The MUD file in force")->required();
    verb.add_option("AFTER", o->after, "The new MUD file")->required();
    verb.add_flag("--check", o->check, "Exit 1 when the new file widens access");
    verb.add_flag("--compat", o->compat, "Accept legacy MUD forms (see validate --compat)");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::mud_cli
