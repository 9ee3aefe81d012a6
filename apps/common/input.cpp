#include "common/input.hpp"

#include "common/reader.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cli {

CLI::Option* add_input_argument(CLI::App& verb, InputOptions& in) {
    return verb.add_option("FILE", in.path, "Input file, or - for stdin (the default)");
}

CLI::Option* add_in_format_option(CLI::App& verb, InputOptions& in) {
    return verb.add_option("--in-format", in.format, "Input format instead of sniffing it")
        ->check(CLI::IsMember({"auto", "json", "cbor", "pem", "der", "base64"}));
}

codec::Format resolve_format(const std::string& f, ByteView data) {
    if (f == "json") return codec::Format::json;
    if (f == "cbor") return codec::Format::cbor;
    if (f == "pem") return codec::Format::pem;
    if (f == "der") return codec::Format::der;
    if (f == "base64") return codec::Format::base64;
    if (f == "auto" || f.empty()) return codec::sniff(data);
    throw Error(ErrorKind::usage, "unknown input format '" + f + "'", "use json, cbor, pem, der, base64 or auto");
}

Input read_input(const InputOptions& in) {
    Reader r = Reader::open(in.path);
    Input out{r.name(), r.read_all(), codec::Format::unknown};
    out.format = resolve_format(in.format, out.data);
    return out;
}

}  // namespace iotops::cli
