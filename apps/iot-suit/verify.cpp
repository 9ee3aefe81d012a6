// iot-suit verify: manifest digest, authentication blocks and severed members; a report of every check.
#include <fstream>
#include <memory>

#include "common/progress.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"
#include "common/report.hpp"
#include "common/stream.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/verify.hpp"
#include "envelope_input.hpp"
#include "suit_stream.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::ReportOptions report;
    std::vector<std::string> keys;
    std::vector<std::string> certs;
    std::vector<std::string> mac_keys;
    bool stream = false;
    cli::StreamOptions jobs;
    cli::OutputOptions out;
};

suit::TrustAnchors load_anchors(const Opts& o) {
    suit::TrustAnchors a;
    for (const auto& path : o.keys) a.keys.push_back(crypto::PublicKey::load_file(path));
    a.certificates = crypto::Certificate::load_all_files(o.certs);
    for (const auto& path : o.mac_keys) {
        cli::Reader r = cli::Reader::open(path);
        Bytes secret = r.read_all();
        if (secret.size() < 32)
            throw Error(ErrorKind::usage, "--mac-key " + path + ": the secret has " + std::to_string(secret.size()) +
                                              " bytes, HMAC 256/256 needs at least 32");
        a.mac_keys.push_back(std::move(secret));
    }
    if (a.empty())
        throw Error(ErrorKind::usage, "verify: no trust anchor given",
                    "give --key PUBLIC.pem, --cert CERT.pem or --mac-key SECRET (each may be repeated)");
    return a;
}

// One report per envelope record (CBOR sequence, or NDJSON {"envelope": base64}); exit 1 when any fails.
int verify_stream(cli::Context& ctx, const Opts& o, std::shared_ptr<suit::TrustAnchors> anchors) {
    cli::InputOptions in = o.in;
    if (in.format == "base64") in.format = "auto";
    cli::Reader reader = cli::Reader::open(in.path);
    cli::RecordReader records(reader, cli::detect_stream_kind(reader, in.format));
    cli::OutputSink sink(o.out, cli::Content::text);
    cli::Progress progress(cli::progress_wanted(ctx.quiet), *ctx.err, reader.size());
    std::uint64_t invalid = 0;
    auto write = [&](const nlohmann::json& j) {
        if (j.value("result", "") == "invalid") ++invalid;
        sink.write(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");  // one write per record
    };
    auto check = [anchors](const cli::Record& r) {
        nlohmann::json report;
        Bytes bytes = record_envelope(r, report);
        suit::Envelope env = suit::Envelope::parse(bytes);
        // Verify contexts set up once per worker thread, not once per envelope.
        thread_local const suit::TrustAnchors* owner = nullptr;
        thread_local std::unique_ptr<suit::PreparedKeys> prepared;
        if (owner != anchors.get()) {
            prepared = std::make_unique<suit::PreparedKeys>(*anchors);
            owner = anchors.get();
        }
        suit::VerifyReport v = suit::verify(env, *anchors, *prepared);
        nlohmann::json out = v.to_json();
        out["index"] = r.index;
        if (report.contains("id")) out["id"] = report["id"];
        out["manifest-sequence-number"] = env.manifest.sequence_number;
        return out;
    };
    cli::StreamSummary summary = cli::run_stream(records, check, write, o.jobs.jobs, &progress);
    sink.commit();
    return summary.failed + invalid > 0 ? 1 : 0;
}

}  // namespace

void add_verify(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "verify", "Check a SUIT envelope's digest, authentication blocks and severed members", [o](cli::Context& ctx) {
            suit::TrustAnchors anchors = load_anchors(*o);
            if (o->stream) return verify_stream(ctx, *o, std::make_shared<suit::TrustAnchors>(std::move(anchors)));
            LoadedEnvelope e = load_envelope(o->in);
            suit::VerifyReport r = suit::verify(e.envelope, anchors);
            nlohmann::json report = r.to_json();
            report["input"] = e.name;
            report["manifest-sequence-number"] = e.envelope.manifest.sequence_number;
            cli::emit_report(report, o->report, ctx);
            return r.ok() ? 0 : 1;
        });
    add_envelope_input(verb, o->in);
    verb.add_option("--key", o->keys, "Public key (PEM or DER SubjectPublicKeyInfo) for COSE_Sign1; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--cert", o->certs, "Certificate whose public key verifies COSE_Sign1; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--mac-key", o->mac_keys, "File holding a shared secret (raw bytes) for COSE_Mac0; repeatable")
        ->allow_extra_args(false);
    cli::add_report_options(verb, o->report);
    verb.add_flag("--stream", o->stream,
                  "Verify a stream of envelopes (CBOR sequence, or NDJSON {\"envelope\": base64}): one NDJSON report each");
    cli::add_stream_options(verb, o->jobs);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::suit_cli
