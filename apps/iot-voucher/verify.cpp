// iot-voucher verify: signature, chain, the artifact's rules and what the caller expects, as a report.
#include <memory>

#include "artifact.hpp"
#include "common/input.hpp"
#include "common/records.hpp"
#include "common/report.hpp"
#include "iotops/codec/json.hpp"
#include "stream_io.hpp"
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

// A stream record as artifact bytes: {"voucher": base64 | JWS object} as sign --stream writes it,
// a JWS object, a base64 string, or (CBOR sequence) the COSE_Sign1 item itself.
Bytes record_artifact(const cli::Record& r) {
    if (r.cbor) return Bytes(r.data.begin(), r.data.end());
    auto j = cli::record_json(r);
    if (j.is_object() && j.contains("error"))
        throw Error(ErrorKind::malformed, "the record is an error record: " + j["error"].value("message", std::string()));
    if (j.is_object() && j.contains("voucher")) j = j["voucher"];
    if (j.is_string()) {
        try {
            return base64_decode(j.get<std::string>());
        } catch (const Error& e) {
            throw Error(ErrorKind::malformed, std::string("voucher: not base64: ") + e.what());
        }
    }
    if (j.is_object() && j.contains("payload")) return to_bytes(j.dump());
    throw Error(ErrorKind::malformed, "the record holds no voucher (want {\"voucher\": base64 or JWS}, a JWS, or a base64 string)");
}

}  // namespace

void add_verify(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::ReportOptions report;
        std::vector<std::string> anchors, intermediates;
        std::vector<std::string> pvr_anchors;
        std::string cert, at, nonce, serial, idevid, pinned, kind = "any";
        bool strict = false, stream = false;
        cli::StreamOptions stream_opts;
        cli::OutputOptions out;
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
            v.kind = voucher::parse_expect(o->kind);
            v.pvr_anchors = load_all(o->pvr_anchors);
            if (o->stream) {
                return run_records(
                    ctx, o->in, o->out, o->stream_opts.jobs, false,
                    [&v](const cli::Record& r) {
                        auto report = voucher::verify(voucher::open(record_artifact(r)), v);
                        nlohmann::json j = {{"index", r.index}, {"result", report.ok() ? "valid" : "invalid"}};
                        if (auto sn = report.payload.begin()->value("serial-number", std::string()); !sn.empty())
                            j["serial-number"] = sn;
                        j["format"] = std::string(voucher::format_name(report.format));
                        j["checks"] = checks_to_json(report.checks);
                        return j;
                    },
                    [](const nlohmann::json& j) { return j.value("result", "") != "valid"; });
            }
            if (o->out.path != "-") throw Error(ErrorKind::usage, "-o: only with --stream (a report goes to stdout)");
            auto report = voucher::verify(open_artifact(o->in), v);
            cli::emit_report(report.to_json(), o->report, ctx);
            return report.ok() ? 0 : 1;
        });
    cli::add_input_argument(verb, o->in);
    cli::add_in_format_option(verb, o->in);
    verb.add_option("--anchor", o->anchors, "Trust anchor certificate file (PEM may hold several); repeatable")->allow_extra_args(false);
    verb.add_option("--intermediate", o->intermediates, "Intermediate certificate file; repeatable")->allow_extra_args(false);
    verb.add_option("--cert", o->cert, "Signer certificate, when the artifact does not carry it");
    verb.add_option("--at", o->at, "Verify as of this RFC 3339 time instead of now");
    verb.add_option("--nonce", o->nonce, "The nonce the voucher must carry (base64 or base64url)");
    verb.add_option("--serial", o->serial, "The serial-number the voucher must carry");
    verb.add_option("--idevid", o->idevid, "IDevID certificate: serial-number and idevid-issuer must match it");
    verb.add_option("--pinned", o->pinned, "The certificate pinned-domain-cert must hold");
    verb.add_option("--kind", o->kind, "Expected kind: voucher, pvr (pledge voucher-request) or rvr (registrar voucher-request)")
        ->check(CLI::IsMember({"any", "voucher", "pvr", "rvr"}));
    verb.add_option("--pvr-anchor", o->pvr_anchors, "Trust anchor for the PVR inside an RVR (default: its signature only); repeatable")
        ->allow_extra_args(false);
    verb.add_flag("--strict", o->strict,
                  "Turn warnings (legacy forms: id-data CMS, SignedData v1, old COSE content type, base64url "
                  "binaries, dates with offsets; a signer trusted only by --cert) into failures");
    verb.add_flag("--stream", o->stream, "Input is a stream of artifacts (NDJSON records as sign --stream writes, or a CBOR sequence); one report line per record");
    cli::add_stream_options(verb, o->stream_opts);
    verb.add_option("-o,--output", o->out.path, "With --stream: write the report lines to FILE (atomically)");
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::voucher_cli
