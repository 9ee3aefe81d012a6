// iot-enroll provision: mint IDevIDs from the manufacturer CA, one device (--serial) or a stream of
// serial numbers (--stream: NDJSON records, a JSON array, a CBOR sequence or plain lines), one JSON
// result record per device, in input order.
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/progress.hpp"
#include "common/reader.hpp"
#include "common/records.hpp"
#include "common/report.hpp"
#include "common/stream.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/est/provision.hpp"
#include "provision_order.hpp"
#include "verbs.hpp"

namespace iotops::enroll_cli {
namespace {

struct Opts {
    std::string ca_cert, ca_key, ca_chain, pass;
    std::string masa_url, mud_url, subject, key_type = "p256", valid;
    std::string out_dir;
    bool force = false;
    std::optional<std::string> serial;
    bool stream = false;
    cli::InputOptions in;
    cli::OutputOptions out;
    cli::StreamOptions jobs;
};

est::ProvisionOptions provision_options(const Opts& o) {
    est::ProvisionOptions p;
    p.out_dir = o.out_dir;
    p.key_type = crypto::parse_key_type(o.key_type);
    p.masa_url = o.masa_url;
    if (!o.mud_url.empty()) p.mud_url = o.mud_url;
    if (!o.subject.empty()) {
        try {
            p.subject = crypto::parse_name(o.subject);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string("--subject: ") + e.what());
        }
    }
    if (!o.valid.empty()) {
        try {
            p.valid = parse_duration(o.valid);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, std::string("--valid: ") + e.what());
        }
    }
    p.force = o.force;
    return p;
}

nlohmann::json result_record(const est::ProvisionedDevice& d) {
    return {{"serial-number", d.serial},
            {"directory", d.directory},
            {"key", d.key_path},
            {"certificate", d.cert_path},
            {"chain", d.chain_path},
            {"certificate-serial", d.certificate.serial_hex()},
            {"fingerprint-sha256", hex_encode(d.certificate.fingerprint_sha256())},
            {"not-after", format_rfc3339(d.certificate.not_after())}};
}

// A record names one device as est::device_request_from_record reads it or, in NDJSON input, as a
// plain line holding the serial number (a line that does not start like a JSON object, string or array).
struct Request {
    est::DeviceRequest device;
    nlohmann::json id;
};

Request request_of(const cli::Record& r, bool lines) {
    Request req;
    if (lines && !r.cbor) {
        auto first = r.data.find_first_not_of(" \t");
        if (first == std::string::npos) return req;  // an empty serial, refused as such
        char c = r.data[first];
        if (c != '{' && c != '"' && c != '[') {
            auto last = r.data.find_last_not_of(" \t");
            req.device.serial = r.data.substr(first, last - first + 1);
            return req;
        }
    }
    nlohmann::json j = cli::record_json(r);
    try {
        req.device = est::device_request_from_record(j);
    } catch (const Error& e) {
        throw Error(e.kind(), "record " + std::to_string(r.index) + ": " + e.what(), e.hint());
    }
    if (j.is_object() && j.contains("id")) req.id = j["id"];
    return req;
}

// NDJSON unless the input starts with '[' (a JSON array) or a byte no text line starts with (a CBOR
// sequence of maps); plain serial-number lines start with printable ASCII like JSON does.
cli::StreamKind stream_kind(cli::Reader& reader, const std::string& in_format) {
    cli::StreamKind kind = cli::detect_stream_kind(reader, in_format);
    int first = reader.peek();
    if (kind == cli::StreamKind::cbor_sequence && in_format == "auto" && first > 0x20 && first < 0x7f)
        return cli::StreamKind::ndjson;
    return kind;
}

int provision_stream(const Opts& o, const est::ManufacturerCa& ca, const est::ProvisionOptions& p, cli::Context& ctx) {
    cli::Reader reader = cli::Reader::open(o.in.path);
    cli::RecordReader records(reader, stream_kind(reader, o.in.format));
    bool lines = records.kind() == cli::StreamKind::ndjson;
    cli::OutputSink sink(o.out, cli::Content::text);
    cli::Progress progress(cli::progress_wanted(ctx.quiet), *ctx.err, reader.size());
    std::uint64_t failed = 0;
    SerialOrder order;
    auto one = [&](const cli::Record& r) -> nlohmann::json {
        Request req;
        try {
            req = request_of(r, lines);
        } catch (...) {
            SerialTurn turn(order, r.index, std::nullopt);
            throw;
        }
        SerialTurn turn(order, r.index, req.device.serial);
        try {
            nlohmann::json out = result_record(est::provision_device(ca, p, req.device));
            out["index"] = r.index;
            if (!req.id.is_null()) out["id"] = req.id;
            return out;
        } catch (const Error& e) {
            // The error record names the device even when the record was a plain line.
            nlohmann::json out = cli::error_record(r, kind_name(e.kind()), e.what());
            out["serial-number"] = req.device.serial;
            if (!req.id.is_null()) out["id"] = req.id;
            return out;
        }
    };
    cli::run_stream(
        records, one,
        [&](const nlohmann::json& j) {
            if (j.contains("error")) ++failed;
            sink.write(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
        },
        o.jobs.jobs, &progress);
    sink.commit();
    return failed > 0 ? exit_code(ErrorKind::negative) : 0;
}

int run(const Opts& o, cli::Context& ctx) {
    if (o.stream == o.serial.has_value())
        throw Error(ErrorKind::usage, "provision: give --serial for one device or --stream for many");
    if (!o.stream && o.in.path != "-") throw Error(ErrorKind::usage, "provision: FILE is read only with --stream");
    est::ProvisionOptions p = provision_options(o);
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    est::ManufacturerCa ca = est::load_manufacturer_ca(o.ca_cert, o.ca_key, pass, o.ca_chain);
    est::check_provision_options(ca, p);
    if (o.stream) return provision_stream(o, ca, p, ctx);

    nlohmann::json record = result_record(est::provision_device(ca, p, {*o.serial, std::nullopt}));
    if (o.out.path != "-") {
        cli::write_output(o.out, as_bytes(cli::render_json(record, cli::Style{})), cli::Content::text);
    } else {
        cli::emit_report(record, cli::ReportOptions{}, ctx);
    }
    return 0;
}

}  // namespace

void add_provision(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "provision", "Mint IDevIDs (key, certificate with serialNumber and MASA URL, chain) from the manufacturer CA",
        [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("FILE", o->in.path, "With --stream: the records (NDJSON, JSON array, CBOR sequence or plain lines); '-' for stdin");
    verb.add_option("--ca-cert", o->ca_cert, "The manufacturer CA certificate that issues the IDevIDs")->required();
    verb.add_option("--ca-key", o->ca_key, "The manufacturer CA private key")->required();
    verb.add_option("--pass", o->pass, "Passphrase source for the CA key: pass:, env:, file:, fd:");
    verb.add_option("--ca-chain", o->ca_chain, "Intermediate certificates above --ca-cert to put in chain.pem");
    verb.add_option("--masa-url", o->masa_url, "The MASA URL extension: an authority (masa.example.com:9443) or an https:// URI")
        ->required();
    verb.add_option("--mud-url", o->mud_url, "The MUD URL extension (https://...), unless a record names its own");
    verb.add_option("--subject", o->subject, "Subject RDNs before serialNumber, e.g. 'O=Acme,CN=Widget' (default CN=<serial>)");
    verb.add_option("--key-type", o->key_type, "Device key: p256 (default), p384 or ed25519")
        ->check(CLI::IsMember({"p256", "p384", "ed25519"}));
    verb.add_option("--valid", o->valid, "Validity from now, e.g. 3650d (default: notAfter 99991231235959Z)");
    verb.add_option("--out", o->out_dir, "Directory for the device directories <DIR>/<serial>/")->required();
    verb.add_flag("--force", o->force, "Replace an existing device directory (new key and certificate)");
    verb.add_option("--serial", o->serial, "Provision one device with this serial number");
    verb.add_flag("--stream", o->stream, "Provision one device per input record; one result record each, in order");
    verb.add_option("--in-format", o->in.format, "With --stream: auto (default), json or cbor")
        ->check(CLI::IsMember({"auto", "json", "cbor"}));
    cli::add_stream_options(verb, o->jobs);
    verb.add_option("-o,--output", o->out.path, "Write the result records to FILE (atomically) instead of stdout");
}

}  // namespace iotops::enroll_cli
