// pledge: onboard one device through a BRSKI registrar (https://) or a cBRSKI registrar (coaps://)
// and print the transcript, or (--stream) many provisioned devices at once, one result record each.
#include <filesystem>
#include <memory>

#include "common/report.hpp"
#include "common/stream.hpp"
#include "iotops/ca/database.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/est/pledge.hpp"
#include "iotops/est/provision.hpp"
#include "verbs.hpp"

namespace iotops::enroll_cli {

namespace {

namespace fs = std::filesystem;

struct Opts {
    std::string registrar, device, key, cert, chain, pass, out, format, key_type = "p256";
    std::vector<std::string> masa_ca, masa_cert;
    unsigned max_fragment_length = 0;  // 0: not given
    int timeout = 30;
    bool verbose = false, stream = false;
    cli::ReportOptions report;
    cli::InputOptions in;
    cli::OutputOptions output;
    cli::StreamOptions jobs;
};

est::PledgeOptions pledge_options(const Opts& o) {
    if (o.registrar.empty()) throw Error(ErrorKind::usage, "pledge: --registrar is required");
    if (o.masa_ca.empty()) throw Error(ErrorKind::usage, "pledge: --masa-ca is required (the manufacturer's voucher signer CA)");
    est::PledgeOptions p;
    p.registrar = o.registrar;
    while (!p.registrar.empty() && p.registrar.back() == '/') p.registrar.pop_back();
    bool coaps = est::pledge_transport_name(p.registrar) == "coaps";
    if (!o.format.empty()) p.format = voucher::parse_format(o.format);  // CLI11 checked the name
    (void)est::pledge_voucher_format(p);  // a format that does not fit the transport is a usage error
    if (o.max_fragment_length) {
        if (!coaps) throw Error(ErrorKind::usage, "pledge: --max-fragment-length is for a coaps:// registrar");
        p.max_fragment_length = o.max_fragment_length;
    }
    p.masa_anchors = crypto::Certificate::load_all_files(o.masa_ca);
    p.masa_signers = crypto::Certificate::load_all_files(o.masa_cert);
    p.key_type = crypto::parse_key_type(o.key_type);
    p.timeout_seconds = o.timeout;
    p.record_exchanges = o.verbose;
    return p;
}

// The IDevID from a provisioned device directory, or from --key and --cert (and --chain).
est::PledgeIdentity load_identity(const std::string& dir, const std::string& key, const std::string& cert,
                                  const std::string& chain, const std::optional<std::string>& pass) {
    est::PledgeIdentity id{crypto::PrivateKey::load_file(dir.empty() ? key : dir + "/" + est::idevid_key_file, pass), {}};
    std::string certs = !dir.empty() ? dir + "/" + est::idevid_chain_file : !chain.empty() ? chain : cert;
    id.certificates = crypto::Certificate::load_all_file(certs);
    if (id.certificates.empty()) throw Error(ErrorKind::malformed, certs + ": no certificate");
    if (dir.empty() && !chain.empty() && !cert.empty()) {
        crypto::Certificate leaf = crypto::Certificate::load_file(cert);
        if (!(id.certificates.front() == leaf)) id.certificates.insert(id.certificates.begin(), leaf);
    }
    if (id.certificates.front().public_key().spki_der() != id.key.public_key().spki_der())
        throw Error(ErrorKind::config, certs + ": the IDevID certificate is not for the key " +
                                           (dir.empty() ? key : dir + "/" + est::idevid_key_file));
    return id;
}

// The LDevID, the domain's CA certificates and the voucher beside each other; the certificate
// last, so a directory holding ldevid.pem holds all of it.
void write_enrolment(const std::string& dir, const est::PledgeOutcome& r, voucher::Format format) {
    const char* voucher_file = format == voucher::Format::jws    ? "/voucher.jws"
                               : format == voucher::Format::cose ? "/voucher.cose"
                                                                 : "/voucher.cms";
    fs::create_directories(dir);
    std::string cacerts, chain;
    for (const auto& c : r.domain_anchors) cacerts += c.pem();
    for (const auto& c : r.ldevid) chain += c.pem();
    ca::write_file_atomic(dir + "/domain-ca.pem", cacerts);
    ca::write_file_atomic(dir + voucher_file,
                          std::string_view(reinterpret_cast<const char*>(r.voucher.data()), r.voucher.size()));
    crypto::write_private_key_file(dir + "/ldevid.key", *r.ldevid_key);
    ca::write_file_atomic(dir + "/ldevid.pem", chain);
}

int run_one(const Opts& o, cli::Context& ctx) {
    if (o.device.empty() && (o.key.empty() || (o.cert.empty() && o.chain.empty())))
        throw Error(ErrorKind::usage, "pledge: give --device DIR, or --key with --cert (or --chain)");
    est::PledgeOptions p = pledge_options(o);  // the command line first, then the files
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    est::PledgeIdentity id = load_identity(o.device, o.key, o.cert, o.chain, pass);
    est::PledgeOutcome r = est::run_pledge(id, p);
    if (r.enrolled() && !o.out.empty()) {
        write_enrolment(o.out, r, est::pledge_voucher_format(p));
        r.transcript["directory"] = o.out;
    }
    cli::emit_report(r.transcript, o.report, ctx);
    if (!r.enrolled() && !ctx.quiet)
        *ctx.err << ctx.tool << ": error: " << r.transcript.value("failed-step", "") << ": "
                 << r.transcript.value("error", "") << std::endl;
    return r.enrolled() ? 0 : exit_code(*r.failure);
}

// --stream: records as `iot-enroll provision` writes them ({"serial-number", "directory", "key",
// "chain"}). Enrolment files go to the device's directory, or to --out DIR/<serial-number>.
int run_stream(const Opts& o, cli::Context& ctx) {
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    est::PledgeOptions p = pledge_options(o);
    p.record_exchanges = false;
    auto fn = [&](const cli::Record& rec) {
        nlohmann::json j = cli::record_json(rec);
        if (!j.is_object()) throw Error(ErrorKind::malformed, "a record must be an object with \"directory\" or \"key\" and \"chain\"");
        std::string dir = j.value("directory", ""), key = j.value("key", ""), chain = j.value("chain", "");
        if (dir.empty() && (key.empty() || chain.empty()))
            throw Error(ErrorKind::malformed, "a record needs \"directory\", or \"key\" and \"chain\"");
        if (!dir.empty() && !key.empty()) dir.clear();  // explicit files win over the directory's defaults
        est::PledgeIdentity id = load_identity(dir, key, "", chain, pass);
        est::PledgeOutcome r = est::run_pledge(id, p);
        if (!r.enrolled())
            throw Error(*r.failure, r.transcript.value("failed-step", "") + ": " + r.transcript.value("error", ""));
        std::string serial = r.transcript.value("serial-number", "");
        std::string target = !o.out.empty() ? o.out + "/" + serial : j.value("directory", "");
        nlohmann::json result = {{"serial-number", serial},
                                 {"result", "enrolled"},
                                 {"ldevid-serial", r.ldevid.front().serial_hex()},
                                 {"ldevid-subject", r.ldevid.front().subject()},
                                 {"not-after", format_rfc3339(r.ldevid.front().not_after())}};
        if (!target.empty()) {
            write_enrolment(target, r, est::pledge_voucher_format(p));
            result["directory"] = target;
        }
        if (j.contains("id")) result["id"] = j["id"];
        return result;
    };
    return cli::run_record_verb(ctx, o.in, o.output, o.jobs, fn);
}

}  // namespace

void add_pledge(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "pledge", "Onboard as a BRSKI (https://) or cBRSKI (coaps://) pledge: voucher, registrar check, LDevID; print the transcript of every step",
        [o](cli::Context& ctx) { return o->stream ? run_stream(*o, ctx) : run_one(*o, ctx); });
    verb.add_option("--registrar", o->registrar,
                    "Registrar origin: https://registrar.example:8443 (BRSKI) or coaps://registrar.example:5684 (cBRSKI)");
    verb.add_option("--masa-ca", o->masa_ca, "Trust anchor of the MASA's voucher signatures (repeatable)")
        ->allow_extra_args(false);
    verb.add_option("--masa-cert", o->masa_cert,
                    "The MASA's voucher signing certificate, for vouchers that carry none (COSE, coaps://) (repeatable)")
        ->allow_extra_args(false);
    verb.add_option("--device", o->device, "A directory written by 'iot-enroll provision' (idevid.key, chain.pem)");
    verb.add_option("--key", o->key, "IDevID private key (instead of --device)");
    verb.add_option("--cert", o->cert, "IDevID certificate (instead of --device)");
    verb.add_option("--chain", o->chain, "IDevID certificate then its intermediates, shown in TLS");
    verb.add_option("--pass", o->pass, "Passphrase source for the IDevID key: pass:, env:, file:, fd:");
    verb.add_option("--voucher-format", o->format,
                    "Voucher-request (and voucher) format: cms (default) or jws over https://; cose (the only one) over coaps://")
        ->check(CLI::IsMember({"cms", "jws", "cose"}));
    verb.add_option("--key-type", o->key_type, "LDevID key type: p256 (default), p384, ed25519");
    verb.add_option("--out", o->out, "Write ldevid.key, ldevid.pem, domain-ca.pem and the voucher here (--stream: DIR/SERIAL)");
    verb.add_option("--max-fragment-length", o->max_fragment_length,
                    "coaps: the DTLS max_fragment_length to ask for, 512 or 1024 (default 1024)")
        ->check(CLI::IsMember({512u, 1024u}));
    verb.add_option("--timeout", o->timeout, "Seconds to wait for each connection and answer (default 30)");
    verb.add_flag("--verbose", o->verbose, "Add every HTTP or CoAP exchange (headers, options and bodies) to the transcript");
    verb.add_flag("--stream", o->stream,
                  "Onboard every device of an NDJSON stream of 'iot-enroll provision' records; one result each");
    verb.add_option("FILE", o->in.path, "With --stream: the provision records (default '-': stdin)");
    cli::add_stream_options(verb, o->jobs);
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::enroll_cli
