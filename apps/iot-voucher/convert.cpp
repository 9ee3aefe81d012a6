// iot-voucher convert: an unsigned voucher between YANG-JSON and YANG-CBOR (SID keys).
#include <memory>

#include "artifact.hpp"
#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/voucher.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {

void add_convert(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::OutputOptions out;
        std::string to;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "convert", "Convert an unsigned voucher between JSON and YANG-CBOR", [o](cli::Context&) {
            auto e = open_artifact(o->in);
            if (e.format != voucher::Format::json && e.format != voucher::Format::cbor)
                throw Error(ErrorKind::malformed, "convert: input is signed (" + std::string(voucher::format_name(e.format)) +
                                                      "); convert works on bare vouchers (see inspect)");
            std::string to = o->to.empty() ? (e.format == voucher::Format::json ? "cbor" : "json") : o->to;
            if (to == "cbor") cli::write_output(o->out, e.voucher.encode_cbor(), cli::Content::binary);
            else cli::write_output(o->out, as_bytes(e.voucher.to_json().dump(2) + "\n"), cli::Content::text);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    cli::add_in_format_option(verb, o->in);
    verb.add_option("--to", o->to, "Output json or cbor (default: the other one)")->check(CLI::IsMember({"json", "cbor"}));
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::voucher_cli
