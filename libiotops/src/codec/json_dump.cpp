// Compact JSON text with the plain strings copied as they are; everything else is nlohmann's dump,
// so the text is the same byte for byte.
#include <algorithm>
#include <array>

#include "iotops/codec/json.hpp"

namespace iotops::codec {
namespace {

// The characters a JSON string carries as they are: printable ASCII but '"' and '\\'.
constexpr std::array<bool, 256> verbatim = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c <= 0x7e; ++c) t[c] = c != '"' && c != '\\';
    return t;
}();

void append_scalar(std::string& out, const nlohmann::json& j, bool replace) {
    out += j.dump(-1, ' ', false, replace ? nlohmann::json::error_handler_t::replace : nlohmann::json::error_handler_t::strict);
}

void append_string(std::string& out, const std::string& s, bool replace) {
    if (!std::all_of(s.begin(), s.end(), [](char c) { return verbatim[static_cast<unsigned char>(c)]; })) {
        append_scalar(out, nlohmann::json(s), replace);
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

}  // namespace

void append_json(std::string& out, const nlohmann::json& j, bool replace) {
    switch (j.type()) {
        case nlohmann::json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ',';
                first = false;
                append_string(out, it.key(), replace);
                out += ':';
                append_json(out, it.value(), replace);
            }
            out += '}';
            return;
        }
        case nlohmann::json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& value : j) {
                if (!first) out += ',';
                first = false;
                append_json(out, value, replace);
            }
            out += ']';
            return;
        }
        case nlohmann::json::value_t::string: append_string(out, j.get_ref<const std::string&>(), replace); return;
        case nlohmann::json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); return;
        case nlohmann::json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); return;
        default: append_scalar(out, j, replace); return;
    }
}

std::string dump_json(const nlohmann::json& j, bool replace_invalid_utf8) {
    std::string out;
    append_json(out, j, replace_invalid_utf8);
    return out;
}

}  // namespace iotops::codec
