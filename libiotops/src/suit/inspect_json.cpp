// The JSON view of an envelope: every number the spec names is shown by its name.
#include <string>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/suit/inspect.hpp"
#include "iotops/suit/names.hpp"

namespace iotops::suit {
namespace {

using json = nlohmann::json;

std::string named(Space space, std::int64_t k) {
    auto n = name_of(space, k);
    return n ? std::string(*n) : std::to_string(k);
}

// Generic CBOR -> JSON: bstr as hex, non-text map keys as their diagnostic notation.
json plain(const cbor::Value& v) {
    switch (v.type()) {
        case cbor::Type::unsigned_int: return v.as_uint();
        case cbor::Type::negative_int:
            if (v.negative_argument() < (1ull << 63)) return v.as_int();
            return cbor::diagnostic(v);
        case cbor::Type::bytes: return hex_encode(v.as_bytes());
        case cbor::Type::text: return v.as_text();
        case cbor::Type::array: {
            json a = json::array();
            for (const auto& x : v.as_array()) a.push_back(plain(x));
            return a;
        }
        case cbor::Type::map: {
            json o = json::object();
            for (const auto& [k, x] : v.as_map()) o[k.is_text() ? k.as_text() : cbor::diagnostic(k)] = plain(x);
            return o;
        }
        case cbor::Type::tag: return json{{"tag", v.tag_number()}, {"content", plain(v.tag_content())}};
        case cbor::Type::simple:
            if (v.is_bool()) return v.as_bool();
            if (v.is_null()) return nullptr;
            return cbor::diagnostic(v);
        case cbor::Type::floating: return v.as_float();
    }
    return nullptr;
}

json digest_json(const Digest& d) {
    json j{{"algorithm-id", d.algorithm}, {"digest-bytes", hex_encode(d.bytes)}};
    if (auto n = name_of(Space::digest_algorithm, d.algorithm)) j["algorithm"] = std::string(*n);
    return j;
}

// A bstr that should hold one CBOR item: decoded when it does, hex when it does not.
std::optional<cbor::Value> try_unwrap(const cbor::Value& v) {
    if (!v.is_bytes()) return std::nullopt;
    try {
        return cbor::decode(v.as_bytes());
    } catch (const Error&) {
        return std::nullopt;
    }
}

json parameters_json(const cbor::Value& params) {
    if (!params.is_map()) return plain(params);
    json o = json::object();
    for (const auto& [k, v] : params.as_map()) {
        std::string name = k.is_int() ? named(Space::parameter, k.as_int()) : cbor::diagnostic(k);
        if (k.is_int() && k.as_int() == parameter::image_digest) {
            if (auto d = try_unwrap(v)) {
                try {
                    o[name] = digest_json(Digest::from_value(*d, "image-digest"));
                    continue;
                } catch (const Error&) {
                }
            }
        }
        if (k.is_int() && k.as_int() == parameter::encryption_info) {
            if (auto e = try_unwrap(v)) {
                o[name] = plain(*e);
                continue;
            }
        }
        o[name] = plain(v);
    }
    return o;
}

// Sequences nest through bstrs (try-each, run-sequence); each level is a fresh decode, so the
// depth is bounded here. Deeper levels are shown as hex.
constexpr int max_sequence_depth = 32;
thread_local int sequence_depth = 0;

json sequence_from_bstr(const cbor::Value& v, const char* what) {
    if (!v.is_bytes()) return plain(v);
    if (sequence_depth >= max_sequence_depth) return hex_encode(v.as_bytes());
    struct Guard {
        Guard() { ++sequence_depth; }
        ~Guard() { --sequence_depth; }
    } guard;
    try {
        return to_json(parse_command_sequence(v.as_bytes(), what));
    } catch (const Error&) {
        return hex_encode(v.as_bytes());
    }
}

json argument_json(const Command& c) {
    switch (c.id) {
        case command::override_parameters:
        case command::set_parameters: return parameters_json(c.argument);
        case command::run_sequence: return sequence_from_bstr(c.argument, "run-sequence");
        case command::try_each: {
            if (!c.argument.is_array()) return plain(c.argument);
            json a = json::array();
            for (const auto& s : c.argument.as_array()) a.push_back(s.is_null() ? json(nullptr) : sequence_from_bstr(s, "try-each"));
            return a;
        }
        default: return plain(c.argument);
    }
}

json text_json(const cbor::Value& text) {
    json o = json::object();
    for (const auto& [lang, entry] : text.as_map()) {
        json e = json::object();
        for (const auto& [k, v] : entry.as_map()) {
            if (k.is_int()) {
                e[named(Space::text, k.as_int())] = plain(v);
            } else if (k.is_array() && v.is_map()) {  // a component's text, keyed by its identifier
                json comp = json::object();
                for (const auto& [ck, cv] : v.as_map())
                    comp[ck.is_int() ? named(Space::text_component, ck.as_int()) : cbor::diagnostic(ck)] = plain(cv);
                e[cbor::diagnostic(k)] = std::move(comp);
            } else {
                e[cbor::diagnostic(k)] = plain(v);
            }
        }
        o[lang.as_text()] = std::move(e);
    }
    return o;
}

json block_json(const Bytes& block) {
    try {
        cbor::Value v = cbor::decode(block);
        if (v.is_tag() && v.tag_number() == crypto::cose::tag_sign1) {
            auto s = crypto::cose::Sign1::parse(block);
            json j{{"type", "COSE_Sign1"},
                   {"protected", plain(s.protected_header().value())},
                   {"unprotected", plain(s.unprotected_header().value())},
                   {"payload", s.payload() ? json(hex_encode(*s.payload())) : json(nullptr)},
                   {"signature", hex_encode(s.signature())}};
            if (auto id = s.algorithm_id()) {
                j["alg"] = *id;
                if (auto n = name_of(Space::cose_algorithm, *id)) j["alg-name"] = std::string(*n);
            }
            return j;
        }
        if (v.is_tag() && v.tag_number() == crypto::cose::tag_mac0) {
            auto m = crypto::cose::Mac0::parse(block);
            json j{{"type", "COSE_Mac0"},
                   {"protected", plain(m.protected_header().value())},
                   {"unprotected", plain(m.unprotected_header().value())},
                   {"payload", m.payload() ? json(hex_encode(*m.payload())) : json(nullptr)},
                   {"tag", hex_encode(m.tag())}};
            if (auto id = m.algorithm_id()) {
                j["alg"] = *id;
                if (auto n = name_of(Space::cose_algorithm, *id)) j["alg-name"] = std::string(*n);
            }
            return j;
        }
        return json{{"type", "unknown"}, {"value", plain(v)}};
    } catch (const Error& e) {
        return json{{"type", "unreadable"}, {"error", e.what()}, {"hex", hex_encode(block)}};
    }
}

}  // namespace

json to_json(const CommandSequence& sequence) {
    json a = json::array();
    for (const auto& c : sequence) a.push_back({{"command", named(Space::command, c.id)}, {"id", c.id}, {"argument", argument_json(c)}});
    return a;
}

json to_json(const Envelope& env) {
    const Manifest& m = env.manifest;
    json out = json::object();
    out["tagged"] = env.tagged;

    json blocks = json::array();
    for (const auto& b : env.authentication_blocks) blocks.push_back(block_json(b));
    out["authentication-wrapper"] = {{"digest", digest_json(env.digest)}, {"authentication-blocks", blocks}};

    json man = json::object();
    man["manifest-version"] = m.version;
    man["manifest-sequence-number"] = m.sequence_number;
    json components = json::array();
    for (const auto& id : m.components) {
        json c = json::array();
        for (const auto& part : id) c.push_back(hex_encode(part));
        components.push_back(std::move(c));
    }
    json common{{"components", components}};
    if (m.shared_sequence) common["shared-sequence"] = to_json(*m.shared_sequence);
    man["common"] = std::move(common);
    if (m.reference_uri) man["reference-uri"] = *m.reference_uri;
    for (const auto& [id, seq] : m.sequences) man[named(Space::manifest, id)] = to_json(seq);
    if (m.text) man["text"] = text_json(*m.text);
    for (const auto& [id, d] : m.severed) man[named(Space::manifest, id)] = json{{"severed", digest_json(d)}};
    // Members iotops does not interpret are shown as they are.
    for (const auto& [k, v] : m.value.as_map()) {
        std::int64_t id = k.as_int();
        if (id <= key::common || id == key::reference_uri || m.sequences.count(id) || m.severed.count(id) ||
            id == key::text)
            continue;
        man[named(Space::manifest, id)] = plain(v);
    }
    out["manifest"] = std::move(man);

    json severable = json::object();
    for (const auto& [id, bytes] : env.severable_members) {
        cbor::Value item = cbor::decode(bytes);
        json j{{"size", bytes.size()}};
        if (id == key::text) j["text"] = text_json(cbor::decode(item.as_bytes()));
        else j["commands"] = to_json(parse_command_sequence(item.as_bytes(), "severed member"));
        severable[named(Space::envelope, id)] = std::move(j);
    }
    out["severable-members"] = std::move(severable);
    json payloads = json::object();
    for (const auto& [name, bytes] : env.integrated_payloads) payloads[name] = {{"size", bytes.size()}};
    out["integrated-payloads"] = std::move(payloads);
    return out;
}

}  // namespace iotops::suit
