// iot-mud create: a complete RFC 8520 MUD file from a concise YAML description; strictly validated.
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/mud/create.hpp"
#include "iotops/mud/validate.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {

void add_create(cli::Tool& tool) {
    auto in = std::make_shared<cli::InputOptions>();
    auto out = std::make_shared<cli::OutputOptions>();
    CLI::App& verb = tool.add_verb("create", "Write a MUD file from a YAML description of the device and its peers",
                                   [in, out](cli::Context&) {
                                       cli::Input input = cli::read_input(*in);
                                       mud::Mud m = mud::from_description(
                                           std::string_view(reinterpret_cast<const char*>(input.data.data()),
                                                            input.data.size()),
                                           now());
                                       std::string text = mud::serialize(m);
                                       mud::Validation v = mud::validate(as_bytes(text));
                                       for (const auto& c : v.checks)
                                           if (!c.ok) throw_internal("created MUD file does not validate: " + c.message);
                                       cli::write_output(*out, as_bytes(text), cli::Content::text);
                                       return 0;
                                   });
    cli::add_input_argument(verb, *in);
    cli::add_output_options(verb, *out);
}

}  // namespace iotops::mud_cli
