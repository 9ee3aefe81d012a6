// SUIT envelope and manifest (draft-ietf-suit-manifest): the model a verifier and an inspector need.
//
// Parsing keeps the original bytes of everything that is hashed or signed: the manifest bstr (header
// included), the encoded SUIT_Digest in the authentication wrapper and every severed member as it
// appears in the envelope. Anything that breaks the CDDL throws Error(malformed).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/bytes.hpp"

namespace iotops::suit {

inline constexpr std::uint64_t tag_envelope = 107;
inline constexpr std::uint64_t tag_manifest = 1070;

// SUIT_Digest = [algorithm-id, digest-bytes].
struct Digest {
    std::int64_t algorithm = -16;
    Bytes bytes;

    static Digest from_value(const cbor::Value& v, const char* what);  // Error(malformed) when not a digest
    cbor::Value to_value() const;
};

// One condition or directive: its number and its argument as decoded.
struct Command {
    std::int64_t id = 0;
    cbor::Value argument;
};
using CommandSequence = std::vector<Command>;

// Decodes a SUIT_Command_Sequence from the content of its bstr: an array of (id, argument) pairs.
// Arguments of try-each and run-sequence stay bstrs; they are sequences of their own.
CommandSequence parse_command_sequence(ByteView encoded, const char* what);

// A component identifier: [* bstr].
using ComponentId = std::vector<Bytes>;

struct Manifest {
    Bytes bstr;         // the whole bstr item at envelope key 3, header included (what the digest covers)
    cbor::Value value;  // the decoded SUIT_Manifest map
    std::uint64_t version = 1;
    std::uint64_t sequence_number = 0;
    std::vector<ComponentId> components;
    std::optional<CommandSequence> shared_sequence;
    std::optional<std::string> reference_uri;
    // Command sequences present in the manifest (validate, load, invoke, payload-fetch, install...).
    std::map<std::int64_t, CommandSequence> sequences;
    std::optional<cbor::Value> text;  // the SUIT_Text_Map when present in the manifest
    // Severable members that were severed: the manifest keeps only their digest.
    std::map<std::int64_t, Digest> severed;
};

struct Envelope {
    // Tagged (107) or untagged envelope. Error(malformed) for anything that is not one.
    static Envelope parse(ByteView data);

    bool tagged = true;
    cbor::Value value;  // the envelope map (with spans into the parsed buffer)
    Bytes digest_item;  // encoded SUIT_Digest: the content of SUIT_Authentication[0]
    Digest digest;      // that digest, decoded
    std::vector<Bytes> authentication_blocks;  // each COSE structure as carried in its bstr
    Manifest manifest;
    // Severed members carried in the envelope, keyed by manifest key: the whole bstr item as encoded.
    std::map<std::int64_t, Bytes> severable_members;
    // Integrated payloads and dependencies by text key ("#firmware.bin"): the bstr content.
    std::map<std::string, Bytes> integrated_payloads;
};

}  // namespace iotops::suit
