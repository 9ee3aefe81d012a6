// iot-suit create: an envelope from a YAML or JSON description; signed when keys are given.
#include <filesystem>
#include <memory>

#include "auth_options.hpp"
#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/create.hpp"
#include "iotops/suit/sign.hpp"
#include "suit_stream.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::OutputOptions out;
    AuthOptions auth;
    SuitStreamOptions stream;
    std::string base_dir;
    bool canonical = false;
};

Bytes finish(suit::Created& c, AuthSet* auth) {
    if (!auth || auth->empty()) return std::move(c.envelope);
    Bytes wrapper = suit::authentication_array(c.digest_item, auth->blocks(c.digest_item));
    return suit::assemble_envelope(wrapper, c.manifest, c.severed, c.integrated);
}

}  // namespace

void add_create(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "create", "Create a SUIT envelope from a YAML or JSON description (signed when --key or --mac-key is given)",
        [o](cli::Context& ctx) {
            auto auth = std::make_shared<AuthSet>(o->auth);
            suit::CreateOptions copts;
            copts.canonical = o->canonical;
            if (o->stream.enabled) {
                copts.base_dir = o->base_dir.empty() ? "." : o->base_dir;
                return run_suit_stream(ctx, o->in, o->out, o->stream, [auth, copts](const cli::Record& r) {
                    if (r.cbor) throw Error(ErrorKind::malformed, "create reads JSON descriptions, not CBOR records");
                    nlohmann::ordered_json d;
                    try {
                        d = nlohmann::ordered_json::parse(r.data);
                    } catch (const nlohmann::json::exception&) {
                        throw Error(ErrorKind::malformed, "record " + std::to_string(r.index) + ": not a JSON description");
                    }
                    suit::Created c = suit::create(d, copts);
                    nlohmann::json out = {{"index", r.index}};
                    if (d.contains("id")) out["id"] = d["id"];
                    out["digest"] = hex_encode(c.digest.bytes);
                    Bytes env = finish(c, auth.get());
                    out["envelope"] = nlohmann::json::binary(std::move(env));
                    return out;
                });
            }
            cli::Input input = cli::read_input(o->in);
            copts.base_dir = !o->base_dir.empty() ? o->base_dir
                             : o->in.path == "-" ? std::string(".")
                                                 : std::filesystem::path(o->in.path).parent_path().string();
            nlohmann::ordered_json d;
            try {
                d = suit::parse_description(to_string(input.data));
            } catch (const Error& e) {
                throw Error(e.kind(), input.name + ": " + e.what(), e.hint());
            }
            suit::Created c;
            try {
                c = suit::create(d, copts);
            } catch (const Error& e) {
                throw Error(e.kind(), input.name + ": " + e.what(), e.hint());
            }
            cli::write_output(o->out, finish(c, auth.get()), cli::Content::binary);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--in-format", o->in.format, "With --stream: json or cbor records instead of sniffing")
        ->check(CLI::IsMember({"auto", "json", "cbor"}));
    verb.add_option("--base-dir", o->base_dir, "Directory for relative file names in the description (default: its own)");
    verb.add_flag("--canonical", o->canonical, "Sort every map (RFC 8949 deterministic order) instead of keeping the description's order");
    add_auth_options(verb, o->auth);
    add_suit_stream_options(verb, o->stream);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::suit_cli
