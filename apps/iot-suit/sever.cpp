// iot-suit sever: move severable members (text, install, ...) out of the manifest.
#include <iostream>
#include <memory>

#include "common/output.hpp"
#include "envelope_input.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/sever.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {

void add_sever(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::OutputOptions out;
        std::vector<std::string> members;
        bool drop = false, unsign = false;
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "sever", "Sever members (text, install...) from a SUIT manifest, keeping their digests; sign afterwards",
        [o](cli::Context& ctx) {
            suit::SeverOptions s;
            s.drop = o->drop;
            for (const auto& name : o->members) {
                auto k = suit::key_of(suit::Space::manifest, name);
                if (!k || !suit::is_severable(*k))
                    throw Error(ErrorKind::usage, "--member " + name + ": not a severable member",
                                "severable: text, install, payload-fetch, coswid, dependency-resolution, candidate-verification");
                s.members.insert(*k);
            }
            LoadedEnvelope e = load_envelope(o->in);
            if (!e.envelope.authentication_blocks.empty() && !o->unsign)
                throw Error(ErrorKind::usage,
                            e.name + ": the envelope is signed and severing changes the manifest digest",
                            "sever before signing, or pass --unsign to drop the signatures and sign again afterwards");
            suit::Severed r = suit::sever(e.envelope, e.bytes, s);
            cli::write_output(o->out, r.envelope, cli::Content::binary);
            if (r.removed_signatures && !ctx.quiet)
                *ctx.err << ctx.tool << ": note: the authentication blocks were removed; sign the result again\n";
            return 0;
        });
    add_envelope_input(verb, o->in);
    verb.add_option("--member", o->members, "Member to sever (text, install, payload-fetch...); repeatable; default: all present")
        ->allow_extra_args(false);
    verb.add_flag("--drop", o->drop, "Leave severed members out of the envelope (only their digests remain)");
    verb.add_flag("--unsign", o->unsign, "Accept a signed envelope and drop its (then invalid) authentication blocks");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::suit_cli
