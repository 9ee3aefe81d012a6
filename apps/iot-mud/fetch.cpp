// iot-mud fetch: GET a MUD file and its signature over HTTPS, verify both, cache them.
#include <iostream>
#include <memory>

#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/mud/fetch.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    std::string url;
    cli::OutputOptions out;
    std::string tls_ca, cache, device_cert, at;
    std::vector<std::string> cas;
    bool compat = false;
    int timeout = 10;
};

}  // namespace

void add_fetch(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "fetch", "Fetch a MUD file and its signature over HTTPS and verify both", [o](cli::Context& ctx) {
            if (o->cas.empty())
                throw Error(ErrorKind::usage, "fetch: no signature trust anchor given", "give --ca CERT.pem (repeatable)");
            mud::FetchOptions fo;
            fo.tls_ca_file = o->tls_ca;
            fo.cache_dir = o->cache;
            fo.timeout_seconds = o->timeout;
            fo.validate.compat = o->compat;
            fo.signature.trust_anchors = crypto::Certificate::load_all_files(o->cas);
            if (!o->device_cert.empty()) fo.signature.device_certificate = crypto::Certificate::load_file(o->device_cert);
            if (!o->at.empty()) fo.signature.at = parse_rfc3339(o->at);
            mud::Fetched f = mud::fetch(o->url, fo);
            cli::write_output(o->out, f.mud, cli::Content::text);
            if (!ctx.quiet)
                *ctx.err << ctx.tool << ": " << (f.from_cache ? "from cache" : "fetched") << ", signature "
                         << f.signature_url << " verified\n";
            return 0;
        });
    verb.add_option("URL", o->url, "The MUD URL (https)")->required();
    verb.add_option("--ca", o->cas, "Trust anchor(s) for the MUD signer; repeatable")->allow_extra_args(false);
    verb.add_option("--tls-ca", o->tls_ca, "Trust anchors (PEM file) for the HTTPS server; default the system's");
    verb.add_option("--cache", o->cache, "Cache directory; a cached file is used until cache-validity runs out");
    verb.add_option("--device-cert", o->device_cert, "Device certificate whose MUD signer must have signed");
    verb.add_option("--at", o->at, "Verify the signature as of this RFC 3339 time");
    verb.add_option("--timeout", o->timeout, "Seconds to wait for a server (default 10)")->check(CLI::Range(1, 600));
    verb.add_flag("--compat", o->compat, "Accept legacy MUD forms (see validate --compat)");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::mud_cli
