// Authentication blocks and re-assembling a parsed envelope around a new authentication wrapper.
#include "iotops/suit/sign.hpp"

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/verify.hpp"
#include "raw.hpp"

namespace iotops::suit {

Bytes authentication_block(const Authenticator& a, ByteView digest_item) {
    crypto::cose::Options opts;
    opts.detached = true;
    if (a.kid) opts.protected_header.set_kid(*a.kid);
    if (!a.x5chain.empty()) opts.protected_header.set_x5chain(a.x5chain);
    if (a.signer) return crypto::cose::Sign1::sign(*a.signer, digest_item, opts).encode();
    if (a.mac_key.empty()) throw_internal("suit: an authenticator needs a signer or a MAC key");
    return crypto::cose::Mac0::create(a.mac_key, digest_item, opts).encode();
}

Bytes authentication_array(ByteView digest_item, const std::vector<Bytes>& blocks) {
    Bytes out;
    raw::head(out, 4, 1 + blocks.size());
    raw::append(out, raw::bstr(digest_item));
    for (const auto& b : blocks) raw::append(out, raw::bstr(b));
    return out;
}

Bytes sign_envelope(const Envelope& env, ByteView source, const std::vector<Bytes>& new_blocks, bool replace) {
    auto actual = compute_digest(env.digest.algorithm, env.manifest.bstr);
    if (!actual)
        throw Error(ErrorKind::malformed, "suit: the manifest digest uses algorithm " + std::to_string(env.digest.algorithm) +
                                              ", which iotops cannot check");
    if (*actual != env.digest.bytes)
        throw Error(ErrorKind::malformed,
                    "suit: the authentication wrapper's digest " + hex_encode(env.digest.bytes) +
                        " does not match the manifest (" + hex_encode(*actual) + "); refusing to sign",
                    "re-create the envelope, or check that nothing changed the manifest");
    for (const auto& [k, item] : env.severable_members) {
        auto it = env.manifest.severed.find(k);
        auto name = std::string(name_of(Space::envelope, k).value_or("member"));
        if (it == env.manifest.severed.end())
            throw Error(ErrorKind::malformed, "suit: the envelope carries " + name + " but the manifest has no digest for it");
        auto d = compute_digest(it->second.algorithm, item);
        if (!d || *d != it->second.bytes)
            throw Error(ErrorKind::malformed, "suit: the severed " + name + " does not match its digest; refusing to sign");
    }

    std::vector<Bytes> blocks;
    if (!replace) blocks = env.authentication_blocks;
    blocks.insert(blocks.end(), new_blocks.begin(), new_blocks.end());
    Bytes auth = authentication_array(env.digest_item, blocks);

    Bytes out;
    if (env.tagged) raw::head(out, 6, tag_envelope);
    const cbor::Map& members = env.value.as_map();
    raw::head(out, 5, members.size());
    // The wrapper goes first whatever the input's order was (the draft requires it).
    raw::int_key(out, key::authentication_wrapper);
    raw::append(out, raw::bstr(auth));
    for (const auto& [k, v] : members) {
        if (k.is_int() && k.as_int() == key::authentication_wrapper) continue;
        raw::append(out, k.original_bytes(source));
        raw::append(out, v.original_bytes(source));
    }
    return out;
}

}  // namespace iotops::suit
