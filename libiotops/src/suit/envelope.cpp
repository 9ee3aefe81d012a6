// Parsing of SUIT_Envelope and SUIT_Manifest. The structure checks follow draft-ietf-suit-manifest.cddl.
#include "iotops/suit/envelope.hpp"

#include <string>

#include "iotops/core/error.hpp"
#include "iotops/suit/names.hpp"

namespace iotops::suit {
namespace {

std::string at(const cbor::Value& v) {
    auto s = v.span();
    return s ? " at byte " + std::to_string(s->offset) : std::string();
}

std::string member_name(Space space, std::int64_t k) {
    auto n = name_of(space, k);
    return n ? std::string(*n) : std::to_string(k);
}

// SUIT asks for deterministic CBOR: an indefinite-length string, array or map anywhere is refused
// (its digest would not survive re-encoding, and parsers disagree on it).
cbor::Value definite(cbor::Value v, ByteView source, const std::string& what) {
    std::vector<const cbor::Value*> todo{&v};
    while (!todo.empty()) {
        const cbor::Value* item = todo.back();
        todo.pop_back();
        if (auto s = item->span(); s && s->offset < source.size()) {
            std::uint8_t head = source[s->offset];
            std::uint8_t major = head >> 5;
            if ((head & 0x1f) == 31 && major >= 2 && major <= 5)
                throw_malformed("suit " + what + " at byte " + std::to_string(s->offset) +
                                ": indefinite-length item (SUIT requires definite lengths)");
        }
        if (item->is_array())
            for (const auto& x : item->as_array()) todo.push_back(&x);
        else if (item->is_map())
            for (const auto& [k, x] : item->as_map()) {
                todo.push_back(&k);
                todo.push_back(&x);
            }
        else if (item->is_tag())
            todo.push_back(&item->tag_content());
    }
    return v;
}

// The item inside a `bstr .cbor` member. Offsets in later messages are relative to that bstr.
cbor::Value unwrap(const cbor::Value& v, const std::string& what) {
    if (!v.is_bytes()) throw_malformed("suit " + what + at(v) + ": expected a bstr-wrapped item");
    try {
        return definite(cbor::decode(v.as_bytes()), v.as_bytes(), what);
    } catch (const Error& e) {
        throw_malformed("suit " + what + " (inside its bstr): " + e.what());
    }
}

std::uint64_t uint_member(const cbor::Value& v, const std::string& what) {
    if (!v.is_uint()) throw_malformed("suit " + what + at(v) + ": expected an unsigned integer");
    return v.as_uint();
}

std::vector<ComponentId> parse_components(const cbor::Value& v) {
    if (!v.is_array() || v.as_array().empty())
        throw_malformed("suit components" + at(v) + ": expected a non-empty array of component identifiers");
    std::vector<ComponentId> out;
    for (const auto& id : v.as_array()) {
        if (!id.is_array()) throw_malformed("suit component identifier" + at(id) + ": expected an array of bstr");
        ComponentId c;
        for (const auto& part : id.as_array()) {
            if (!part.is_bytes())
                throw_malformed("suit component identifier" + at(part) + ": expected a bstr element");
            c.push_back(part.as_bytes());
        }
        out.push_back(std::move(c));
    }
    return out;
}

void check_text_map(const cbor::Value& text) {
    if (!text.is_map()) throw_malformed("suit text: expected a map of language tags");
    for (const auto& [lang, entry] : text.as_map()) {
        if (!lang.is_text()) throw_malformed("suit text" + at(lang) + ": expected a language tag (tstr) key");
        if (!entry.is_map()) throw_malformed("suit text" + at(entry) + ": expected a map for each language");
    }
}

Manifest parse_manifest(const cbor::Value& bstr_item, ByteView source) {
    Manifest m;
    if (!bstr_item.is_bytes()) throw_malformed("suit manifest" + at(bstr_item) + ": expected a bstr");
    ByteView original = bstr_item.original_bytes(source);
    m.bstr.assign(original.begin(), original.end());
    m.value = unwrap(bstr_item, "manifest");
    if (m.value.is_tag() && m.value.tag_number() == tag_manifest) m.value = m.value.tag_content();
    if (!m.value.is_map()) throw_malformed("suit manifest: expected a map");
    for (const auto& [k, v] : m.value.as_map())
        if (!k.is_int()) throw_malformed("suit manifest" + at(k) + ": expected integer keys");

    const cbor::Value* version = m.value.find(key::manifest_version);
    if (!version) throw_malformed("suit manifest: no manifest-version (key 1)");
    m.version = uint_member(*version, "manifest-version");
    if (m.version != 1)
        throw_malformed("suit manifest-version: " + std::to_string(m.version) + " is not supported (only 1)");
    const cbor::Value* seq = m.value.find(key::manifest_sequence_number);
    if (!seq) throw_malformed("suit manifest: no manifest-sequence-number (key 2)");
    m.sequence_number = uint_member(*seq, "manifest-sequence-number");

    const cbor::Value* common_item = m.value.find(key::common);
    if (!common_item) throw_malformed("suit manifest: no common (key 3)");
    cbor::Value common = unwrap(*common_item, "common");
    if (!common.is_map()) throw_malformed("suit common: expected a map");
    const cbor::Value* components = common.find(key::components);
    if (!components) throw_malformed("suit common: no components (key 2)");
    m.components = parse_components(*components);
    if (const cbor::Value* shared = common.find(key::shared_sequence)) {
        if (!shared->is_bytes()) throw_malformed("suit shared-sequence" + at(*shared) + ": expected a bstr");
        m.shared_sequence = parse_command_sequence(shared->as_bytes(), "shared-sequence");
    }
    if (const cbor::Value* uri = m.value.find(key::reference_uri)) {
        if (!uri->is_text()) throw_malformed("suit reference-uri" + at(*uri) + ": expected a text string");
        m.reference_uri = uri->as_text();
    }

    for (const auto& [k, v] : m.value.as_map()) {
        std::int64_t id = k.as_int();
        std::string name = member_name(Space::manifest, id);
        if (is_severable(id) && v.is_array()) {
            m.severed.emplace(id, Digest::from_value(v, ("severed " + name + " digest").c_str()));
            continue;
        }
        if (id == key::text) {
            cbor::Value text = unwrap(v, "text");
            check_text_map(text);
            m.text = std::move(text);
        } else if (is_command_sequence(id)) {
            if (!v.is_bytes()) throw_malformed("suit " + name + at(v) + ": expected a bstr-wrapped command sequence");
            m.sequences.emplace(id, parse_command_sequence(v.as_bytes(), name.c_str()));
        }
    }
    return m;
}

}  // namespace

Digest Digest::from_value(const cbor::Value& v, const char* what) {
    if (!v.is_array() || v.as_array().size() != 2 || !v.as_array()[0].is_int() || !v.as_array()[1].is_bytes())
        throw_malformed(std::string("suit ") + what + at(v) + ": expected a SUIT_Digest [algorithm-id, bstr]");
    Digest d;
    d.algorithm = v.as_array()[0].as_int();
    d.bytes = v.as_array()[1].as_bytes();
    return d;
}

cbor::Value Digest::to_value() const {
    return cbor::Value::array({cbor::Value::integer(algorithm), cbor::Value::bytes(bytes)});
}

CommandSequence parse_command_sequence(ByteView encoded, const char* what) {
    cbor::Value seq;
    try {
        seq = definite(cbor::decode(encoded), encoded, what);
    } catch (const Error& e) {
        throw_malformed(std::string("suit ") + what + " (inside its bstr): " + e.what());
    }
    if (!seq.is_array() || seq.as_array().size() % 2 != 0)
        throw_malformed(std::string("suit ") + what + ": expected a command sequence (an even-length array)");
    CommandSequence out;
    const auto& items = seq.as_array();
    for (std::size_t i = 0; i < items.size(); i += 2) {
        if (!items[i].is_int())
            throw_malformed(std::string("suit ") + what + at(items[i]) + ": expected a command number");
        out.push_back(Command{items[i].as_int(), items[i + 1]});
    }
    return out;
}

Envelope Envelope::parse(ByteView data) {
    Envelope env;
    cbor::Value root = definite(cbor::decode(data), data, "envelope");
    env.tagged = root.is_tag();
    if (env.tagged) {
        if (root.tag_number() != tag_envelope)
            throw_malformed("suit envelope: tag " + std::to_string(root.tag_number()) + " is not 107 (SUIT_Envelope)");
        env.value = root.tag_content();
    } else {
        env.value = root;
    }
    if (!env.value.is_map()) throw_malformed("suit envelope" + at(env.value) + ": expected a map");

    const cbor::Value* auth = env.value.find(key::authentication_wrapper);
    if (!auth) throw_malformed("suit envelope: no authentication-wrapper (key 2)");
    cbor::Value wrapper = unwrap(*auth, "authentication-wrapper");
    if (!wrapper.is_array() || wrapper.as_array().empty())
        throw_malformed("suit authentication-wrapper: expected [digest, * authentication block]");
    const auto& parts = wrapper.as_array();
    if (!parts[0].is_bytes()) throw_malformed("suit authentication-wrapper: the digest is not bstr-wrapped");
    env.digest_item = parts[0].as_bytes();
    env.digest = Digest::from_value(unwrap(parts[0], "authentication-wrapper digest"), "authentication-wrapper digest");
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (!parts[i].is_bytes())
            throw_malformed("suit authentication block " + std::to_string(i) + ": expected a bstr-wrapped COSE structure");
        env.authentication_blocks.push_back(parts[i].as_bytes());
    }

    const cbor::Value* manifest = env.value.find(key::manifest);
    if (!manifest) throw_malformed("suit envelope: no manifest (key 3)");
    env.manifest = parse_manifest(*manifest, data);

    for (const auto& [k, v] : env.value.as_map()) {
        if (k.is_text()) {
            if (!v.is_bytes()) throw_malformed("suit integrated payload \"" + k.as_text() + "\"" + at(v) + ": expected a bstr");
            env.integrated_payloads.emplace(k.as_text(), v.as_bytes());
            continue;
        }
        if (!k.is_int()) throw_malformed("suit envelope" + at(k) + ": keys must be integers or text");
        std::int64_t id = k.as_int();
        if (id == key::authentication_wrapper || id == key::manifest) continue;
        if (id == 1) throw_malformed("suit envelope: key 1 (delegation) is reserved");
        if (is_severable(id)) {
            if (!v.is_bytes()) throw_malformed("suit severed " + member_name(Space::envelope, id) + at(v) + ": expected a bstr");
            ByteView original = v.original_bytes(data);
            env.severable_members.emplace(id, Bytes(original.begin(), original.end()));
            // It must still be what the manifest says it is.
            if (id == key::text) check_text_map(unwrap(v, "severed text"));
            else parse_command_sequence(v.as_bytes(), member_name(Space::envelope, id).c_str());
        }
        // Other integer keys are extensions ($$SUIT_Envelope_Extensions): kept in `value`, not interpreted.
    }
    return env;
}

}  // namespace iotops::suit
