// iot-suit inspect: an envelope as JSON with the spec's names, or as annotated diagnostic notation.
#include <memory>
#include <ostream>

#include "common/report.hpp"
#include "envelope_input.hpp"
#include "iotops/suit/inspect.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {

void add_inspect(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        std::string format = "json";
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("inspect", "Decode a SUIT envelope to JSON or annotated CBOR diagnostic notation",
                                   [o](cli::Context& ctx) {
                                       LoadedEnvelope e = load_envelope(o->in);
                                       if (o->format == "diag") {
                                           *ctx.out << suit::annotated_diagnostic(e.envelope);
                                           return 0;
                                       }
                                       cli::emit_report(suit::to_json(e.envelope), cli::ReportOptions{o->format}, ctx);
                                       return 0;
                                   });
    add_envelope_input(verb, o->in);
    verb.add_option("--format", o->format,
                    "json (default), text (a human summary) or diag (annotated CBOR diagnostic notation)")
        ->check(CLI::IsMember({"json", "text", "diag"}));
}

}  // namespace iotops::suit_cli
