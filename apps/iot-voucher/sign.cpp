// iot-voucher sign: a JSON voucher or voucher-request signed as CMS, JWS or COSE; with --stream,
// every record of an NDJSON / JSON array / CBOR stream of vouchers or descriptions, in order.
#include <memory>

#include "artifact.hpp"
#include "common/output.hpp"
#include "common/records.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "stream_io.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {
namespace {

// A MASA must not sign what breaks the artifact's own rules.
void require_rules(const voucher::Voucher& v) {
    for (const auto& c : voucher::check_rules(v))
        if (!c.ok) throw Error(ErrorKind::malformed, "sign: " + c.name + ": " + c.message);
}

// One stream record: a voucher instance, or a flat description completed as `create` does.
nlohmann::json sign_record(const Signer& signer, const cli::Record& r, bool cbor_out) {
    auto v = voucher::create(voucher::Kind::voucher, cli::record_json(r));
    Bytes artifact = signer.sign(v);
    nlohmann::json out = nlohmann::json::object();
    out["index"] = r.index;
    if (auto sn = v.text("serial-number")) out["serial-number"] = *sn;
    if (cbor_out) out[raw_cbor_field] = nlohmann::json::binary(std::move(artifact));
    else if (signer.options.format == voucher::Format::jws) out["voucher"] = codec::parse_json(artifact, "jws");
    else out["voucher"] = base64_encode(artifact);
    return out;
}

}  // namespace

void add_sign(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::OutputOptions out;
        SignerOptions signer;
        cli::StreamOptions stream_opts;
        bool stream = false;
        std::string output_format = "json";
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "sign", "Sign a JSON voucher or voucher-request as CMS, JWS or COSE (--stream: a record stream)",
        [o](cli::Context& ctx) {
            auto signer = load_signer(o->signer);
            if (o->stream) {
                bool cbor_out = o->output_format == "cbor";
                if (cbor_out && signer.options.format != voucher::Format::cose)
                    throw Error(ErrorKind::usage, "--output-format cbor: only with --format cose (a CBOR sequence of COSE_Sign1)");
                return run_records(ctx, o->in, o->out, o->stream_opts.jobs, cbor_out,
                                   [&signer, cbor_out](const cli::Record& r) { return sign_record(signer, r, cbor_out); });
            }
            if (o->output_format != "json") throw Error(ErrorKind::usage, "--output-format: only with --stream");
            auto e = open_artifact(o->in);
            if (e.format != voucher::Format::json && e.format != voucher::Format::cbor)
                throw Error(ErrorKind::malformed, "sign: input is already signed (" +
                                                      std::string(voucher::format_name(e.format)) + "); give a bare voucher");
            require_rules(e.voucher);
            cli::write_output(o->out, signer.sign(e.voucher),
                              signer.options.format == voucher::Format::jws ? cli::Content::text : cli::Content::binary);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    cli::add_in_format_option(verb, o->in);
    add_signer_options(verb, o->signer, true);
    verb.add_flag("--stream", o->stream,
                  "Input is a stream (NDJSON, JSON array or CBOR sequence) of vouchers or descriptions; one signed record out per record");
    verb.add_option("--output-format", o->output_format,
                    "With --stream: json (NDJSON records, artifacts base64) or cbor (a CBOR sequence, --format cose)")
        ->check(CLI::IsMember({"json", "cbor"}));
    cli::add_stream_options(verb, o->stream_opts);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::voucher_cli
