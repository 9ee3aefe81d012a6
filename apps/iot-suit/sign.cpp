// iot-suit sign: add COSE_Sign1 / COSE_Mac0 authentication blocks over the manifest digest.
#include <memory>

#include "auth_options.hpp"
#include "common/input.hpp"
#include "common/output.hpp"
#include "envelope_input.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/sign.hpp"
#include "suit_stream.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {

void add_sign(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::OutputOptions out;
        AuthOptions auth;
        SuitStreamOptions stream;
        bool replace = false;
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "sign", "Sign a SUIT envelope: COSE_Sign1 or COSE_Mac0 over its manifest digest, one block per key",
        [o](cli::Context& ctx) {
            auto auth = std::make_shared<AuthSet>(o->auth);
            if (auth->empty())
                throw Error(ErrorKind::usage, "sign: no key given", "give --key PRIVATE.pem or --mac-key SECRET (each may be repeated)");
            bool replace = o->replace;
            auto sign_one = [auth, replace](ByteView bytes) {
                suit::Envelope env = suit::Envelope::parse(bytes);
                return std::make_pair(suit::sign_envelope(env, bytes, auth->blocks(env.digest_item), replace), env.digest);
            };
            if (o->stream.enabled) {
                return run_suit_stream(ctx, o->in, o->out, o->stream, [sign_one](const cli::Record& r) {
                    nlohmann::json out = {{"index", r.index}};
                    Bytes bytes = record_envelope(r, out);
                    auto [signed_bytes, digest] = sign_one(bytes);
                    out["digest"] = hex_encode(digest.bytes);
                    out["envelope"] = nlohmann::json::binary(std::move(signed_bytes));
                    return out;
                });
            }
            LoadedEnvelope e = load_envelope(o->in);
            Bytes out;
            try {
                out = suit::sign_envelope(e.envelope, e.bytes, auth->blocks(e.envelope.digest_item), o->replace);
            } catch (const Error& err) {
                throw Error(err.kind(), e.name + ": " + err.what(), err.hint());
            }
            cli::write_output(o->out, out, cli::Content::binary);
            return 0;
        });
    add_envelope_input(verb, o->in);
    verb.add_flag("--replace", o->replace, "Drop the envelope's existing authentication blocks instead of keeping them");
    add_auth_options(verb, o->auth);
    add_suit_stream_options(verb, o->stream);
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::suit_cli
