#include "crypto/cose_structure.hpp"

#include <string>

#include "iotops/codec/cbor_head.hpp"
#include "iotops/core/error.hpp"

namespace iotops::crypto::cose::detail {
namespace {

std::string at(const cbor::Value& v) {
    auto s = v.span();
    return s ? " at byte " + std::to_string(s->offset) : std::string();
}

std::string type_name(const cbor::Value& v) {
    switch (v.type()) {
        case cbor::Type::unsigned_int: return "an unsigned integer";
        case cbor::Type::negative_int: return "a negative integer";
        case cbor::Type::bytes: return "a byte string";
        case cbor::Type::text: return "a text string";
        case cbor::Type::array: return "an array";
        case cbor::Type::map: return "a map";
        case cbor::Type::tag: return "a tag";
        case cbor::Type::simple: return v.is_null() ? "null" : "a simple value";
        case cbor::Type::floating: return "a float";
    }
    return "an item";
}

[[noreturn]] void fail(std::string_view name, const std::string& why) {
    throw Error(ErrorKind::malformed, std::string(name) + ": " + why);
}

HeaderMap header_map(std::string_view name, std::string_view which, cbor::Value map, std::size_t base) {
    try {
        return HeaderMap(std::move(map));
    } catch (const Error& e) {
        fail(name, std::string(which) + " header" + (base ? " (bstr at byte " + std::to_string(base) + ")" : "") +
                       ": " + e.what());
    }
}

}  // namespace

bool label_is(const cbor::Value& key, std::int64_t label) {
    if (label >= 0) return key.is_uint() && key.as_uint() == static_cast<std::uint64_t>(label);
    return key.type() == cbor::Type::negative_int &&
           key.negative_argument() == static_cast<std::uint64_t>(-(label + 1));
}

Message parse_message(ByteView data, std::uint64_t tag, std::string_view name) {
    cbor::Value top;
    try {
        top = cbor::decode(data);
    } catch (const Error& e) {
        fail(name, e.what());
    }
    Message m;
    const cbor::Value* body = &top;
    m.tagged = top.is_tag();
    if (top.is_tag()) {
        if (top.tag_number() != tag)
            fail(name, "expected tag " + std::to_string(tag) + " or none at byte 0, got tag " +
                           std::to_string(top.tag_number()));
        body = &top.tag_content();
    }
    if (!body->is_array()) fail(name, "expected an array" + at(*body) + ", got " + type_name(*body));
    const auto& items = body->as_array();
    if (items.size() != 4)
        fail(name, "expected an array of 4 items" + at(*body) + ", got " + std::to_string(items.size()));

    const auto& prot = items[0];
    if (!prot.is_bytes()) fail(name, "protected header" + at(prot) + " must be a byte string, got " + type_name(prot));
    m.protected_bytes = prot.as_bytes();
    std::size_t prot_offset = prot.span() ? prot.span()->offset : 0;
    if (!m.protected_bytes.empty()) {
        cbor::Value inner;
        try {
            inner = cbor::decode(m.protected_bytes);
        } catch (const Error& e) {
            fail(name, "protected header (bstr at byte " + std::to_string(prot_offset) + "): " + e.what());
        }
        if (!inner.is_map())
            fail(name, "protected header (bstr at byte " + std::to_string(prot_offset) + ") must hold a map, got " +
                           type_name(inner));
        m.protected_header = header_map(name, "protected", std::move(inner), prot_offset);
    }

    const auto& unprot = items[1];
    if (!unprot.is_map()) fail(name, "unprotected header" + at(unprot) + " must be a map, got " + type_name(unprot));
    m.unprotected_header = header_map(name, "unprotected", unprot, 0);

    const auto& payload = items[2];
    if (payload.is_bytes())
        m.payload = payload.as_bytes();
    else if (!payload.is_null())
        fail(name, "payload" + at(payload) + " must be a byte string or null, got " + type_name(payload));

    const auto& last = items[3];
    if (!last.is_bytes()) fail(name, "signature or tag" + at(last) + " must be a byte string, got " + type_name(last));
    m.last = last.as_bytes();

    // RFC 9052 section 3: a label must not appear in both buckets; crit only in the protected one.
    for (const auto& [key, value] : m.unprotected_header.value().as_map()) {
        for (const auto& [pkey, pvalue] : m.protected_header.value().as_map())
            if (key == pkey) fail(name, "header label " + cbor::diagnostic(key) + " is both protected and unprotected");
        if (label_is(key, label::crit)) fail(name, "crit header must be protected");
    }
    // Shapes of the common headers, so that reading them later cannot fail.
    for (const HeaderMap* h : {&m.protected_header, &m.unprotected_header}) {
        if (const auto* v = h->find(label::alg); v && !v->is_int() && !v->is_text())
            fail(name, "alg header must be an integer or a text string");
        if (const auto* v = h->find(label::kid); v && !v->is_bytes()) fail(name, "kid header must be a byte string");
        if (const auto* v = h->find(label::content_type); v && !v->is_uint() && !v->is_text())
            fail(name, "content type header must be an unsigned integer or a text string");
    }
    if (const auto* crit = m.protected_header.find(label::crit)) {
        if (!crit->is_array() || crit->as_array().empty())
            fail(name, "crit header must be a non-empty array of labels");
        for (const auto& l : crit->as_array())
            if (!l.is_int() && !l.is_text()) fail(name, "crit header must hold integer or text labels");
    }
    return m;
}

std::optional<Algorithm> supported_algorithm(const HeaderMap& protected_header, const HeaderMap& unprotected_header,
                                             std::string& reason) {
    const cbor::Value* v = find_header(protected_header, unprotected_header, label::alg);
    if (!v) {
        reason = "no alg header";
        return std::nullopt;
    }
    std::optional<Algorithm> alg;
    if (v->is_uint() && v->as_uint() <= 64) alg = algorithm_from_id(static_cast<std::int64_t>(v->as_uint()));
    if (v->type() == cbor::Type::negative_int && v->negative_argument() < 64)
        alg = algorithm_from_id(-1 - static_cast<std::int64_t>(v->negative_argument()));
    if (!alg) reason = "unsupported algorithm " + cbor::diagnostic(*v);
    return alg;
}

Bytes encode_message(ByteView protected_bytes, const HeaderMap& unprotected_header, const std::optional<Bytes>& payload,
                     ByteView last, std::uint64_t tag, Form form) {
    // Written straight into one buffer rather than through a value tree holding copies of the parts.
    using cbor::Major;
    // Keep the unprotected map in the order the caller built (or we parsed) it.
    Bytes unprotected = cbor::encode_preserving_order(unprotected_header.value());
    Bytes out;
    out.reserve(protected_bytes.size() + unprotected.size() + (payload ? payload->size() : 0) + last.size() + 4 * 9);
    if (form == Form::tagged) cbor::put_head(out, Major::tag, tag);
    cbor::put_head(out, Major::array, 4);
    cbor::put_string(out, Major::bytes, protected_bytes.data(), protected_bytes.size());
    out.insert(out.end(), unprotected.begin(), unprotected.end());
    if (payload) cbor::put_string(out, Major::bytes, payload->data(), payload->size());
    else cbor::put_head(out, Major::simple, 22);  // null: a detached payload
    cbor::put_string(out, Major::bytes, last.data(), last.size());
    return out;
}

Bytes encode_protected(const HeaderMap& header) {
    if (header.empty()) return {};
    return cbor::encode(header.value());
}

Bytes build_to_be_signed(std::string_view context, ByteView protected_bytes, ByteView external_aad,
                         ByteView payload) {
    // Written straight into one buffer: a value tree would copy the payload twice on the way.
    using cbor::Major;
    Bytes out;
    out.reserve(context.size() + protected_bytes.size() + external_aad.size() + payload.size() + 4 * 9 + 1);
    cbor::put_head(out, Major::array, 4);
    cbor::put_string(out, Major::text, context.data(), context.size());
    cbor::put_string(out, Major::bytes, protected_bytes.data(), protected_bytes.size());
    cbor::put_string(out, Major::bytes, external_aad.data(), external_aad.size());
    cbor::put_string(out, Major::bytes, payload.data(), payload.size());
    return out;
}

const cbor::Value* find_header(const HeaderMap& protected_header, const HeaderMap& unprotected_header,
                               std::int64_t label) {
    if (const auto* v = protected_header.find(label)) return v;
    return unprotected_header.find(label);
}

void prepare_headers(const Options& options, Algorithm alg, HeaderMap& protected_header,
                     HeaderMap& unprotected_header) {
    protected_header = options.protected_header;
    unprotected_header = options.unprotected_header;
    if (auto given = protected_header.alg(); given && *given != static_cast<std::int64_t>(alg))
        throw Error(ErrorKind::usage, "cose: protected header names alg " + std::to_string(*given) + " but signing uses " +
                                          std::string(algorithm_name(alg)));
    if (unprotected_header.contains(label::alg))
        throw Error(ErrorKind::usage, "cose: alg belongs in the protected header");
    protected_header.set_alg(alg);
    for (const auto& [key, value] : unprotected_header.value().as_map())
        for (const auto& [pkey, pvalue] : protected_header.value().as_map())
            if (key == pkey)
                throw Error(ErrorKind::usage,
                            "cose: header label " + cbor::diagnostic(key) + " is both protected and unprotected");
}

void canonicalize(HeaderMap& header) {
    if (header.value().as_map().size() > 1) header = HeaderMap(cbor::decode(cbor::encode(header.value())));
}

std::optional<std::string> unknown_critical(const HeaderMap& protected_header) {
    const auto* crit = protected_header.find(label::crit);
    if (!crit) return std::nullopt;
    for (const auto& l : crit->as_array()) {
        bool known = false;
        for (std::int64_t k : {label::alg, label::content_type, label::kid, label::x5bag, label::x5chain})
            if (label_is(l, k)) known = true;
        if (!known) return cbor::diagnostic(l);
    }
    return std::nullopt;
}

}  // namespace iotops::crypto::cose::detail
