// Severing members: the manifest is rebuilt from its original bytes with the chosen members
// replaced by their digests; nothing else in it is re-encoded.
#include "iotops/suit/sever.hpp"

#include <algorithm>

#include "iotops/core/error.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/sign.hpp"
#include "iotops/suit/verify.hpp"
#include "raw.hpp"

namespace iotops::suit {
namespace {

std::string member_name(std::int64_t k) {
    auto n = name_of(Space::manifest, k);
    return n ? std::string(*n) : std::to_string(k);
}

}  // namespace

Severed sever(const Envelope& env, ByteView source, const SeverOptions& options) {
    cbor::Value outer = cbor::decode(env.manifest.bstr);
    const Bytes& content = outer.as_bytes();
    cbor::Value m = cbor::decode(content);
    bool tagged = m.is_tag() && m.tag_number() == tag_manifest;
    const cbor::Value& map = tagged ? m.tag_content() : m;

    std::set<std::int64_t> wanted = options.members;
    if (wanted.empty()) {
        for (const auto& [k, v] : map.as_map())
            if (k.is_int() && is_severable(k.as_int()) && v.is_bytes()) wanted.insert(k.as_int());
        if (wanted.empty())
            throw Error(ErrorKind::usage, "sever: the manifest has no severable member left to sever",
                        "severable members are text, install, payload-fetch, coswid, dependency-resolution and candidate-verification");
    }
    for (std::int64_t k : wanted) {
        if (!is_severable(k)) throw Error(ErrorKind::usage, "sever: " + member_name(k) + " is not a severable member");
        const cbor::Value* v = map.find(k);
        if (!v) throw Error(ErrorKind::usage, "sever: the manifest has no " + member_name(k));
        if (!v->is_bytes()) throw Error(ErrorKind::usage, "sever: " + member_name(k) + " is already severed");
    }

    Severed out;
    out.severed = wanted;
    out.removed_signatures = !env.authentication_blocks.empty();
    std::map<std::int64_t, Bytes> moved;
    Bytes body;
    if (tagged) raw::head(body, 6, tag_manifest);
    raw::head(body, 5, map.as_map().size());
    for (const auto& [k, v] : map.as_map()) {
        raw::append(body, k.original_bytes(content));
        ByteView item = v.original_bytes(content);
        if (k.is_int() && wanted.count(k.as_int())) {
            Digest d{-16, *compute_digest(-16, item)};
            raw::append(body, cbor::encode(d.to_value()));
            moved.emplace(k.as_int(), Bytes(item.begin(), item.end()));
        } else {
            raw::append(body, item);
        }
    }
    Bytes manifest_item = raw::bstr(body);
    Digest digest{-16, *compute_digest(-16, manifest_item)};
    Bytes auth = authentication_array(cbor::encode(digest.to_value()), {});

    // Envelope members: the new wrapper and manifest, then the rest sorted by encoded key.
    std::vector<std::pair<Bytes, Bytes>> rest;
    for (const auto& [k, v] : env.value.as_map()) {
        if (k.is_int() && (k.as_int() == key::authentication_wrapper || k.as_int() == key::manifest)) continue;
        if (options.drop && k.is_int() && is_severable(k.as_int())) continue;
        ByteView kb = k.original_bytes(source), vb = v.original_bytes(source);
        rest.emplace_back(Bytes(kb.begin(), kb.end()), Bytes(vb.begin(), vb.end()));
    }
    if (!options.drop)
        for (auto& [k, item] : moved) {
            Bytes kb;
            raw::int_key(kb, k);
            rest.emplace_back(std::move(kb), std::move(item));
        }
    std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    Bytes& e = out.envelope;
    if (env.tagged) raw::head(e, 6, tag_envelope);
    raw::head(e, 5, 2 + rest.size());
    raw::int_key(e, key::authentication_wrapper);
    raw::append(e, raw::bstr(auth));
    raw::int_key(e, key::manifest);
    raw::append(e, manifest_item);
    for (const auto& [k, v] : rest) {
        raw::append(e, k);
        raw::append(e, v);
    }
    return out;
}

}  // namespace iotops::suit
