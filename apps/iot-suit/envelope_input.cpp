#include "envelope_input.hpp"

#include "common/reader.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

namespace iotops::suit_cli {

void add_envelope_input(CLI::App& verb, cli::InputOptions& in) {
    cli::add_input_argument(verb, in);
    verb.add_option("--in-format", in.format, "Input as CBOR or base64 of it, instead of sniffing")
        ->check(CLI::IsMember({"auto", "cbor", "base64"}));
}

LoadedEnvelope load_envelope(const cli::InputOptions& in) {
    cli::Reader r = cli::Reader::open(in.path);
    LoadedEnvelope out{r.name(), r.read_all(), {}};
    if (out.bytes.empty()) throw_malformed(out.name + ": empty input, expected a SUIT envelope");
    codec::Format f = in.format == "cbor" ? codec::Format::cbor : cli::resolve_format(in.format, out.bytes);
    // Anything but base64 is read as CBOR, so that a damaged envelope gets the decoder's precise message.
    if (f == codec::Format::base64) out.bytes = base64_decode(to_string(out.bytes));
    try {
        out.envelope = suit::Envelope::parse(out.bytes);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed) throw;
        throw Error(ErrorKind::malformed, out.name + ": " + e.what(), "expected a SUIT envelope (CBOR, tag 107)");
    }
    return out;
}

}  // namespace iotops::suit_cli
