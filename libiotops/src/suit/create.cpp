// SUIT manifest and envelope creation from a description (see create.hpp).
#include "iotops/suit/create.hpp"

#include <set>

#include "create_values.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/verify.hpp"
#include "raw.hpp"

namespace iotops::suit {
namespace {

using detail::fail;
using detail::Json;

// Top-level members a description may have, and the manifest sequences by their description name.
const std::set<std::string> known_members = {
    "manifest-version", "sequence-number", "manifest-sequence-number", "reference-uri", "components",
    "shared-sequence", "validate", "load", "invoke", "payload-fetch", "install", "uninstall",
    "dependency-resolution", "candidate-verification", "text", "sever", "integrated-payloads",
    "id"};  // id: a name for the record in streams, not part of the manifest

const std::pair<const char*, std::int64_t> sequences[] = {
    {"validate", 7}, {"load", 8}, {"invoke", 9}, {"dependency-resolution", 15}, {"payload-fetch", 16},
    {"candidate-verification", 18}, {"install", 20}, {"uninstall", 24}};

// SUIT_Text_Map: {lang: {manifest-description: .., components: [{id: [..], vendor-domain: ..}]}}
Bytes text_map(const detail::Context& c, const Json& j) {
    if (!j.is_object() || j.empty()) fail("/text", "expected a map of language tags (e.g. en-US)");
    cbor::Map langs;
    for (const auto& [lang, entry] : j.items()) {
        std::string at = "/text/" + lang;
        if (!entry.is_object()) fail(at, "expected a map of text members");
        cbor::Map m;
        for (const auto& [name, value] : entry.items()) {
            if (name == "components") {
                if (!value.is_array()) fail(at + "/components", "expected a list of {id: [..], <text>: ..}");
                for (std::size_t i = 0; i < value.size(); ++i) {
                    std::string cat = at + "/components/" + std::to_string(i);
                    const Json& comp = value[i];
                    if (!comp.is_object() || !comp.contains("id")) fail(cat, "expected {id: [..], <text>: ..}");
                    cbor::Map cm;
                    for (const auto& [cname, cvalue] : comp.items()) {
                        if (cname == "id") continue;
                        auto k = key_of(Space::text_component, cname);
                        if (!k) fail(cat + "/" + cname, "unknown component text \"" + cname + "\"");
                        cm.emplace_back(cbor::Value::integer(*k), cbor::Value::text(detail::to_text(cvalue, cat + "/" + cname)));
                    }
                    m.emplace_back(detail::to_component_id(c, comp["id"], cat + "/id"), cbor::Value::map(std::move(cm)));
                }
                continue;
            }
            auto k = key_of(Space::text, name);
            if (!k) fail(at + "/" + name, "unknown text member \"" + name + "\"");
            m.emplace_back(cbor::Value::integer(*k), cbor::Value::text(detail::to_text(value, at + "/" + name)));
        }
        langs.emplace_back(cbor::Value::text(lang), cbor::Value::map(std::move(m)));
    }
    return c.encode(cbor::Value::map(std::move(langs)));
}

std::set<std::int64_t> sever_list(const Json& j) {
    std::set<std::int64_t> out;
    if (!j.is_array()) fail("/sever", "expected a list of member names (install, text, payload-fetch...)");
    for (std::size_t i = 0; i < j.size(); ++i) {
        std::string name = detail::to_text(j[i], "/sever/" + std::to_string(i));
        auto k = key_of(Space::manifest, name);
        if (!k || !is_severable(*k)) fail("/sever/" + std::to_string(i), "\"" + name + "\" is not a severable member");
        out.insert(*k);
    }
    return out;
}

}  // namespace

Bytes assemble_envelope(ByteView authentication, ByteView manifest_item, const std::map<std::int64_t, Bytes>& severed,
                        const std::map<std::string, Bytes>& integrated) {
    Bytes out;
    raw::head(out, 6, tag_envelope);
    raw::head(out, 5, 2 + severed.size() + integrated.size());
    raw::int_key(out, key::authentication_wrapper);
    raw::append(out, raw::bstr(authentication));
    raw::int_key(out, key::manifest);
    raw::append(out, manifest_item);
    for (const auto& [k, item] : severed) {  // std::map: ascending keys, as deterministic order wants
        raw::int_key(out, k);
        raw::append(out, item);
    }
    // Text keys sort after integer keys; among themselves, shorter first then bytewise.
    std::vector<const std::pair<const std::string, Bytes>*> names;
    for (const auto& p : integrated) names.push_back(&p);
    std::sort(names.begin(), names.end(), [](auto* a, auto* b) {
        return a->first.size() != b->first.size() ? a->first.size() < b->first.size() : a->first < b->first;
    });
    for (const auto* p : names) {
        raw::text(out, p->first);
        raw::append(out, raw::bstr(p->second));
    }
    return out;
}

Created create(const Json& d, const CreateOptions& options) {
    detail::Context c{options};
    if (!d.is_object()) fail("", "expected a map");
    for (const auto& [k, v] : d.items())
        if (!known_members.count(k)) fail("/" + k, "unknown member \"" + k + "\"");

    cbor::Map manifest;
    std::uint64_t version = d.contains("manifest-version") ? detail::to_uint(d["manifest-version"], "/manifest-version") : 1;
    if (version != 1) fail("/manifest-version", "only manifest-version 1 exists");
    manifest.emplace_back(cbor::Value::uint(1), cbor::Value::uint(1));
    const char* seq_name = d.contains("sequence-number") ? "sequence-number" : "manifest-sequence-number";
    if (!d.contains(seq_name)) fail("/sequence-number", "missing (the manifest sequence number, e.g. a build time)");
    manifest.emplace_back(cbor::Value::uint(2), cbor::Value::uint(detail::to_uint(d[seq_name], std::string("/") + seq_name)));

    // common: {2: components, 4: shared-sequence}
    if (!d.contains("components")) fail("/components", "missing (a list of component identifiers)");
    const Json& comps = d["components"];
    if (!comps.is_array() || comps.empty()) fail("/components", "expected a non-empty list of component identifiers");
    cbor::Array ids;
    for (std::size_t i = 0; i < comps.size(); ++i) ids.push_back(detail::to_component_id(c, comps[i], "/components/" + std::to_string(i)));
    cbor::Map common;
    common.emplace_back(cbor::Value::uint(key::components), cbor::Value::array(std::move(ids)));
    if (d.contains("shared-sequence"))
        common.emplace_back(cbor::Value::uint(key::shared_sequence),
                            cbor::Value::bytes(detail::to_command_sequence(c, d["shared-sequence"], "/shared-sequence")));
    manifest.emplace_back(cbor::Value::uint(key::common), cbor::Value::bytes(c.encode(cbor::Value::map(std::move(common)))));
    if (d.contains("reference-uri"))
        manifest.emplace_back(cbor::Value::uint(key::reference_uri), cbor::Value::text(detail::to_text(d["reference-uri"], "/reference-uri")));

    std::set<std::int64_t> sever = d.contains("sever") ? sever_list(d["sever"]) : std::set<std::int64_t>{};
    // Members in ascending key order (they are all small unsigned keys, so that is the canonical order).
    std::map<std::int64_t, Bytes> members;
    for (const auto& [name, k] : sequences)
        if (d.contains(name)) members.emplace(k, detail::to_command_sequence(c, d[name], std::string("/") + name));
    if (d.contains("text")) members.emplace(key::text, text_map(c, d["text"]));
    for (std::int64_t k : sever)
        if (!members.count(k)) fail("/sever", "\"" + std::string(*name_of(Space::manifest, k)) + "\" is not in the description");

    Created out;
    for (auto& [k, content] : members) {
        if (sever.count(k)) {
            Bytes item = raw::bstr(content);
            Digest dg{-16, *compute_digest(-16, item)};
            manifest.emplace_back(cbor::Value::integer(k), dg.to_value());
            out.severed.emplace(k, std::move(item));
        } else {
            manifest.emplace_back(cbor::Value::integer(k), cbor::Value::bytes(std::move(content)));
        }
    }

    if (d.contains("integrated-payloads")) {
        const Json& ip = d["integrated-payloads"];
        if (!ip.is_object()) fail("/integrated-payloads", "expected a map {\"#name\": {file: ..}}");
        for (const auto& [name, v] : ip.items()) {
            if (name.empty() || name[0] != '#') fail("/integrated-payloads/" + name, "a name starts with '#' (as its uri parameter)");
            out.integrated.emplace(name, detail::to_bytes(c, v, "/integrated-payloads/" + name));
        }
    }

    out.manifest = raw::bstr(c.encode(cbor::Value::map(std::move(manifest))));
    out.digest = Digest{-16, *compute_digest(-16, out.manifest)};
    out.digest_item = cbor::encode(out.digest.to_value());
    Bytes auth;
    raw::head(auth, 4, 1);
    raw::append(auth, raw::bstr(out.digest_item));
    out.envelope = assemble_envelope(auth, out.manifest, out.severed, out.integrated);
    return out;
}

}  // namespace iotops::suit
