// iot-voucher create: an unsigned voucher from flags, a JSON or YAML description, or both
// (flags win), checked against the voucher's rules before it is written.
#include <memory>

#include "artifact.hpp"
#include "common/output.hpp"
#include "fields.hpp"
#include "iotops/core/error.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {

void add_create(cli::Tool& tool) {
    struct Opts {
        std::string description, in_format = "auto";
        cli::OutputOptions out;
        LeafFlags leaves;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "create", "Create an unsigned voucher (JSON) from flags or a JSON/YAML description", [o](cli::Context&) {
            nlohmann::json d = o->description.empty() ? nlohmann::json::object()
                                                      : read_description(o->description, o->in_format);
            apply_leaf_flags(o->leaves, d);
            auto v = voucher::create(voucher::Kind::voucher, d);
            cli::write_output(o->out, as_bytes(v.to_json().dump(2) + "\n"), cli::Content::text);
            return 0;
        });
    verb.add_option("FILE", o->description, "Description (JSON or YAML) to start from, or - for stdin; default: flags only");
    verb.add_option("--in-format", o->in_format, "Description format instead of sniffing it")
        ->check(CLI::IsMember({"auto", "json", "yaml"}));
    add_leaf_flags(verb, o->leaves, false);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::voucher_cli
