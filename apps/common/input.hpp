// Single-artifact input: `[FILE|-]` positional, `--in-format`, and reading with sniffing.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "iotops/codec/sniff.hpp"
#include "iotops/core/bytes.hpp"

namespace iotops::cli {

struct InputOptions {
    std::string path = "-";
    std::string format = "auto";  // json|cbor|pem|der|base64|auto
};

// The `FILE` positional (default "-": stdin).
CLI::Option* add_input_argument(CLI::App& verb, InputOptions& in);
// `--in-format json|cbor|pem|der|base64|auto`.
CLI::Option* add_in_format_option(CLI::App& verb, InputOptions& in);

// The forced format, or codec::sniff(data) for "auto".
codec::Format resolve_format(const std::string& in_format, ByteView data);

struct Input {
    std::string name;  // the path, or "<stdin>"
    Bytes data;
    codec::Format format = codec::Format::unknown;
};

// Reads all of the input. Errors: missing (66), permission (77), io (74).
Input read_input(const InputOptions& in);

}  // namespace iotops::cli
