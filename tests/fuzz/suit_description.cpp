// Fuzz target: create descriptions (YAML/JSON) must never crash; create either builds an envelope
// that parses back or throws iotops::Error. Severing and re-wrapping the result must hold too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/suit/create.hpp"
#include "iotops/suit/sever.hpp"
#include "iotops/suit/sign.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto d = suit::parse_description(std::string_view(reinterpret_cast<const char*>(data), size));
        suit::CreateOptions o;
        o.allow_files = false;  // a fuzzed {file: /dev/zero} would never end
        suit::Created c = suit::create(d, o);
        suit::Envelope env = suit::Envelope::parse(c.envelope);
        (void)suit::sign_envelope(env, c.envelope, {}, false);
        try {
            (void)suit::sever(env, c.envelope, {});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::usage) throw;
        }
    } catch (const Error&) {
    }
    return 0;
}
