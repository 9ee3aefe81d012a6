// The names draft-ietf-suit-manifest (-34..-37, and its CDDL) gives to map keys, commands and
// parameters. One table, used by the JSON inspector and by the annotated diagnostic notation.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace iotops::suit {

// Which key space a number belongs to.
enum class Space {
    envelope,        // SUIT_Envelope map keys (2 authentication-wrapper, 3 manifest, 16/20/23 severed)
    manifest,        // SUIT_Manifest map keys
    common,          // SUIT_Common map keys
    command,         // conditions and directives in a command sequence
    parameter,       // SUIT_Parameters map keys
    text,            // SUIT_Text_Map keys (manifest level)
    text_component,  // SUIT_Text_Component keys
    digest_algorithm,
    cose_algorithm,
};

// The spec's name ("manifest-sequence-number", "directive-override-parameters", "image-digest"...);
// nullopt for numbers the spec does not name.
std::optional<std::string_view> name_of(Space space, std::int64_t key);
// The number for a name in a space (exact match); nullopt when unknown.
std::optional<std::int64_t> key_of(Space space, std::string_view name);

// Envelope, manifest and common keys iotops uses in code.
namespace key {
inline constexpr std::int64_t authentication_wrapper = 2;
inline constexpr std::int64_t manifest = 3;
inline constexpr std::int64_t manifest_version = 1;
inline constexpr std::int64_t manifest_sequence_number = 2;
inline constexpr std::int64_t common = 3;
inline constexpr std::int64_t reference_uri = 4;
inline constexpr std::int64_t validate = 7;
inline constexpr std::int64_t load = 8;
inline constexpr std::int64_t invoke = 9;
inline constexpr std::int64_t payload_fetch = 16;
inline constexpr std::int64_t install = 20;
inline constexpr std::int64_t text = 23;
inline constexpr std::int64_t components = 2;
inline constexpr std::int64_t shared_sequence = 4;
}  // namespace key

// Commands whose argument has structure of its own.
namespace command {
inline constexpr std::int64_t try_each = 15;
inline constexpr std::int64_t override_parameters = 20;
inline constexpr std::int64_t set_parameters = 19;  // trust domains
inline constexpr std::int64_t run_sequence = 32;
}  // namespace command

namespace parameter {
inline constexpr std::int64_t vendor_identifier = 1;
inline constexpr std::int64_t class_identifier = 2;
inline constexpr std::int64_t image_digest = 3;
inline constexpr std::int64_t encryption_info = 19;
}  // namespace parameter

// Manifest members that can be severed (a bstr when present, a SUIT_Digest when severed):
// 16, 20, 23 from the manifest draft; 14 (update management), 15 and 18 (trust domains).
bool is_severable(std::int64_t manifest_key);
// Manifest members holding a bstr-wrapped command sequence (validate, load, invoke, ...).
bool is_command_sequence(std::int64_t manifest_key);

}  // namespace iotops::suit
