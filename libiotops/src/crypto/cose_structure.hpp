// Inside the crypto area only: what COSE_Sign1 and COSE_Mac0 share — the four-element message,
// its parsing with original protected bytes, its encoding, and the *_structure that gets signed or MACed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "iotops/crypto/cose.hpp"

namespace iotops::crypto::cose::detail {

// A decoded [protected, unprotected, payload, signature-or-tag] message.
struct Message {
    bool tagged = true;
    Bytes protected_bytes;
    HeaderMap protected_header;
    HeaderMap unprotected_header;
    std::optional<Bytes> payload;
    Bytes last;  // signature (Sign1) or tag (Mac0)
};

// `name` ("cose_sign1", "cose_mac0") starts every error message.
Message parse_message(ByteView data, std::uint64_t tag, std::string_view name);
// The parts of a message encoded as one, without copying them into a Message first.
Bytes encode_message(ByteView protected_bytes, const HeaderMap& unprotected_header, const std::optional<Bytes>& payload,
                     ByteView last, std::uint64_t tag, Form form);

// The bytes that go in the protected bstr: nothing for an empty map, else the deterministic encoding.
Bytes encode_protected(const HeaderMap& header);

// ["Signature1" / "MAC0", protected, external_aad, payload], deterministically encoded.
Bytes build_to_be_signed(std::string_view context, ByteView protected_bytes, ByteView external_aad, ByteView payload);

// A label in the protected bucket first, then the unprotected one.
const cbor::Value* find_header(const HeaderMap& protected_header, const HeaderMap& unprotected_header,
                               std::int64_t label);

// Makes the headers to sign with: options' buckets plus alg in the protected one. Error(usage) when a
// label sits in both buckets or alg is given with another value.
void prepare_headers(const Options& options, Algorithm alg, HeaderMap& protected_header, HeaderMap& unprotected_header);

// The alg header (protected first) when iotops implements it; otherwise nullopt and a reason.
std::optional<Algorithm> supported_algorithm(const HeaderMap& protected_header, const HeaderMap& unprotected_header,
                                             std::string& reason);

// Puts a new message's unprotected map in deterministic order (parsed messages keep theirs, so that
// re-encoding them gives back the bytes received).
void canonicalize(HeaderMap& header);

// Critical headers (label 2) that iotops does not process; empty when all are understood.
std::optional<std::string> unknown_critical(const HeaderMap& protected_header);

// True when `key` is `label` (an integer label).
bool label_is(const cbor::Value& key, std::int64_t label);

}  // namespace iotops::crypto::cose::detail
