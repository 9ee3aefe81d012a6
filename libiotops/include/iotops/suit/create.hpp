// Creating a SUIT envelope from a description (YAML or JSON): components, the command sequences in
// the order written, parameters with image digests and sizes computed from files, UUIDv5 vendor and
// class identifiers, text, severed members and integrated payloads.
//
// The description is documented in man/iot-suit.1.md ("DESCRIPTION FORMAT"). Byte strings are
// always typed ({hex: ..}, {text: ..}, {base64: ..}, {file: ..}); a plain string where bytes are
// expected is an error, never a guess.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

struct CreateOptions {
    std::string base_dir = ".";  // where relative file names in the description are looked up
    // false: maps inside commands and text keep the description's order (as the spec examples are
    // written); true: every map sorted as RFC 8949 section 4.2.1 asks.
    bool canonical = false;
    bool allow_files = true;  // false: any {file: ..} reference is an error (untrusted descriptions)
};

struct Created {
    Bytes envelope;  // tag 107; the authentication wrapper holds only the manifest digest
    Bytes manifest;  // the manifest bstr item, header included (what the digest covers)
    Digest digest;   // SHA-256 of `manifest`
    Bytes digest_item;  // the encoded SUIT_Digest (what authentication blocks sign)
    // Severed members as bstr items, keyed by manifest key, and integrated payloads by name.
    std::map<std::int64_t, Bytes> severed;
    std::map<std::string, Bytes> integrated;
};

// Error(malformed) naming the place in the description ("/install/1/directive-fetch: ...");
// Error(missing) when a referenced file does not exist.
Created create(const nlohmann::ordered_json& description, const CreateOptions& options = {});

// A description document as JSON with its map order kept: JSON, or YAML (1.2 core schema: plain
// scalars that look like integers, true/false or null are those; quoted scalars stay strings).
// Error(malformed) with line and column.
nlohmann::ordered_json parse_description(std::string_view text);

// The envelope bytes: tag 107, {2: auth, 3: manifest, severed members..., integrated payloads...}.
// authentication: the encoded SUIT_Authentication array (digest and blocks).
Bytes assemble_envelope(ByteView authentication, ByteView manifest_item, const std::map<std::int64_t, Bytes>& severed,
                        const std::map<std::string, Bytes>& integrated);

}  // namespace iotops::suit
