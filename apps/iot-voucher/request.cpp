// iot-voucher request: a pledge voucher-request (PVR) from flags or a description, or a registrar
// voucher-request (RVR) wrapping a signed PVR (--pvr). Unsigned JSON out, or signed with --key/--cert.
#include <memory>

#include "artifact.hpp"
#include "common/output.hpp"
#include "fields.hpp"
#include "iotops/core/error.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {

void add_request(cli::Tool& tool) {
    struct Opts {
        std::string description, in_format = "auto", pvr;
        cli::OutputOptions out;
        LeafFlags leaves;
        SignerOptions signer;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "request", "Create a pledge voucher-request, or with --pvr a registrar voucher-request; sign it with --key/--cert",
        [o](cli::Context&) {
            nlohmann::json d = o->description.empty() ? nlohmann::json::object()
                                                      : read_description(o->description, o->in_format);
            apply_leaf_flags(o->leaves, d);
            if (d.contains("ietf-voucher:voucher"))
                throw Error(ErrorKind::malformed, "request: the description is a voucher (ietf-voucher:voucher), not a voucher-request");
            if (d.contains("ietf-voucher-request:voucher") && d.size() == 1) d = d.begin().value();
            std::optional<Signer> signer;
            if (!o->signer.key.empty() || !o->signer.cert.empty()) signer = load_signer(o->signer);
            voucher::Voucher v;
            if (!o->pvr.empty()) {
                cli::InputOptions in;
                in.path = o->pvr;
                v = voucher::create_rvr(open_artifact(in), d);
            } else {
                // A pledge signs with its IDevID, whose subject names the serial-number.
                if (!d.contains("serial-number") && signer)
                    if (auto sn = signer->cert.subject_attribute("serialNumber")) d["serial-number"] = *sn;
                if (!d.contains("assertion")) d["assertion"] = "proximity";
                v = voucher::create(voucher::Kind::voucher_request, d);
            }
            if (!signer) {
                cli::write_output(o->out, as_bytes(v.to_json().dump(2) + "\n"), cli::Content::text);
                return 0;
            }
            cli::write_output(o->out, signer->sign(v),
                              signer->options.format == voucher::Format::jws ? cli::Content::text : cli::Content::binary);
            return 0;
        });
    verb.add_option("FILE", o->description, "Description (JSON or YAML) to start from, or - for stdin; default: flags only");
    verb.add_option("--in-format", o->in_format, "Description format instead of sniffing it")
        ->check(CLI::IsMember({"auto", "json", "yaml"}));
    verb.add_option("--pvr", o->pvr, "Signed pledge voucher-request to wrap: makes a registrar voucher-request");
    add_leaf_flags(verb, o->leaves, true);
    add_signer_options(verb, o->signer, false);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::voucher_cli
