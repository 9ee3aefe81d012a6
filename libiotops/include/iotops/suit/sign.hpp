// Authenticating a SUIT envelope: COSE_Sign1 or COSE_Mac0 blocks, detached, over the encoded
// SUIT_Digest of the manifest (draft-ietf-suit-manifest, "Authenticated Manifests").
#pragma once
#include <optional>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

// One authentication block to make: a signature (signer set) or an HMAC 256/256 tag (mac_key set).
struct Authenticator {
    crypto::cose::Signer* signer = nullptr;  // not owned; a Signer is not thread-safe
    Bytes mac_key;                           // at least 32 bytes
    std::optional<Bytes> kid;                // protected kid header
    std::vector<crypto::Certificate> x5chain;  // protected x5chain header (leaf first)
};

// The tagged COSE_Sign1 (18) or COSE_Mac0 (17) with a nil payload over digest_item.
Bytes authentication_block(const Authenticator& a, ByteView digest_item);

// SUIT_Authentication: [bstr digest_item, bstr block...], encoded.
Bytes authentication_array(ByteView digest_item, const std::vector<Bytes>& blocks);

// Signs what it checked: Error(malformed) when the envelope's digest does not match its manifest
// bstr or a severed member does not match its digest. The blocks are appended to the ones the
// envelope has (or replace them); every other member keeps its original bytes.
Bytes sign_envelope(const Envelope& envelope, ByteView source, const std::vector<Bytes>& new_blocks, bool replace);

}  // namespace iotops::suit
