// COSE algorithm identifiers and header maps.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "crypto/cose_structure.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"

namespace iotops::crypto::cose {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

[[noreturn]] void bad_header(std::string_view what, const std::string& why) {
    throw Error(ErrorKind::malformed, "cose: " + std::string(what) + " header " + why);
}

cbor::Value cose_x509(const std::vector<crypto::Certificate>& certs) {
    if (certs.empty()) throw Error(ErrorKind::usage, "cose: x5bag/x5chain needs at least one certificate");
    if (certs.size() == 1) return cbor::Value::bytes(certs.front().der());
    cbor::Array items;
    for (const auto& c : certs) items.push_back(cbor::Value::bytes(c.der()));
    return cbor::Value::array(std::move(items));
}

std::optional<std::vector<crypto::Certificate>> read_x509(const cbor::Value* v, std::string_view what) {
    if (!v) return std::nullopt;
    std::vector<const cbor::Value*> items;
    if (v->is_bytes()) {
        items.push_back(v);
    } else if (v->is_array() && !v->as_array().empty()) {
        for (const auto& item : v->as_array()) items.push_back(&item);
    } else {
        bad_header(what, "must be a byte string or a non-empty array of byte strings");
    }
    std::vector<crypto::Certificate> certs;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i]->is_bytes()) bad_header(what, "item " + std::to_string(i) + " is not a byte string");
        try {
            certs.push_back(crypto::Certificate::load(items[i]->as_bytes()));
        } catch (const Error& e) {
            bad_header(what, "certificate " + std::to_string(i) + ": " + e.what());
        }
    }
    return certs;
}

}  // namespace

std::string_view algorithm_name(Algorithm alg) {
    switch (alg) {
        case Algorithm::es256: return "ES256";
        case Algorithm::esp256: return "ESP256";
        case Algorithm::es384: return "ES384";
        case Algorithm::eddsa: return "EdDSA";
        case Algorithm::ed25519: return "Ed25519";
        case Algorithm::hmac256: return "HMAC256";
    }
    return "unknown";
}

std::optional<Algorithm> algorithm_from_id(std::int64_t id) {
    switch (id) {
        case -7: return Algorithm::es256;
        case -9: return Algorithm::esp256;
        case -35: return Algorithm::es384;
        case -8: return Algorithm::eddsa;
        case -19: return Algorithm::ed25519;
        case 5: return Algorithm::hmac256;
        default: return std::nullopt;
    }
}

Algorithm parse_algorithm(std::string_view name_or_id) {
    std::string n = lower(name_or_id);
    for (Algorithm a : {Algorithm::es256, Algorithm::esp256, Algorithm::es384, Algorithm::eddsa, Algorithm::ed25519,
                        Algorithm::hmac256})
        if (n == lower(algorithm_name(a))) return a;
    if (n == "hmac 256/256" || n == "hmac256/256" || n == "hs256") return Algorithm::hmac256;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), id);
    if (ec == std::errc() && end == n.data() + n.size())
        if (auto a = algorithm_from_id(id)) return *a;
    throw Error(ErrorKind::usage, "cose: unsupported algorithm '" + std::string(name_or_id) + "'",
                "use ES256, ESP256, ES384, EdDSA, Ed25519 or HMAC256");
}

bool is_signature_algorithm(Algorithm alg) { return alg != Algorithm::hmac256; }

crypto::KeyType required_key_type(Algorithm alg) {
    switch (alg) {
        case Algorithm::es256:
        case Algorithm::esp256: return crypto::KeyType::p256;
        case Algorithm::es384: return crypto::KeyType::p384;
        case Algorithm::eddsa:
        case Algorithm::ed25519: return crypto::KeyType::ed25519;
        case Algorithm::hmac256: break;
    }
    throw Error(ErrorKind::usage, "cose: " + std::string(algorithm_name(alg)) + " is not a signature algorithm");
}

Algorithm default_algorithm(crypto::KeyType type) {
    switch (type) {
        case crypto::KeyType::p256: return Algorithm::es256;
        case crypto::KeyType::p384: return Algorithm::es384;
        case crypto::KeyType::ed25519: return Algorithm::eddsa;
        case crypto::KeyType::other: break;
    }
    throw Error(ErrorKind::usage, "cose: no COSE algorithm for a key of type " +
                                      std::string(crypto::key_type_name(type)), "use a P-256, P-384 or Ed25519 key");
}

HeaderMap::HeaderMap() : map_(cbor::Value::map()) {}

HeaderMap::HeaderMap(cbor::Value map) : map_(std::move(map)) {
    if (!map_.is_map()) throw Error(ErrorKind::malformed, "cose: a header must be a map");
    const auto& entries = map_.as_map();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& key = entries[i].first;
        if (!key.is_int() && !key.is_text())
            throw Error(ErrorKind::malformed, "cose: header label " + cbor::diagnostic(key) +
                                                  " must be an integer or a text string");
        for (std::size_t j = 0; j < i; ++j)
            if (entries[j].first == key)
                throw Error(ErrorKind::malformed, "cose: header label " + cbor::diagnostic(key) + " appears twice");
    }
}

bool HeaderMap::empty() const { return map_.as_map().empty(); }

const cbor::Value* HeaderMap::find(std::int64_t label) const {
    for (const auto& [key, value] : map_.as_map())
        if (detail::label_is(key, label)) return &value;
    return nullptr;
}

void HeaderMap::set(std::int64_t label, cbor::Value v) {
    for (auto& [key, value] : map_.as_map())
        if (detail::label_is(key, label)) {
            value = std::move(v);
            return;
        }
    map_.as_map().emplace_back(cbor::Value::integer(label), std::move(v));
}

void HeaderMap::remove(std::int64_t label) {
    auto& entries = map_.as_map();
    std::erase_if(entries, [&](const auto& entry) { return detail::label_is(entry.first, label); });
}

std::optional<std::int64_t> HeaderMap::alg() const {
    const auto* v = find(label::alg);
    if (!v) return std::nullopt;
    if (v->is_text()) bad_header("alg", "is text ('" + v->as_text() + "'); only integer algorithms are supported");
    if (!v->is_int()) bad_header("alg", "must be an integer");
    if (v->is_uint() && v->as_uint() > static_cast<std::uint64_t>(INT64_MAX)) bad_header("alg", "is out of range");
    if (!v->is_uint() && v->negative_argument() > static_cast<std::uint64_t>(INT64_MAX))
        bad_header("alg", "is out of range");
    return v->as_int();
}

std::optional<Bytes> HeaderMap::kid() const {
    const auto* v = find(label::kid);
    if (!v) return std::nullopt;
    if (!v->is_bytes()) bad_header("kid", "must be a byte string");
    return v->as_bytes();
}

std::optional<ContentType> HeaderMap::content_type() const {
    const auto* v = find(label::content_type);
    if (!v) return std::nullopt;
    if (v->is_uint()) return ContentType(v->as_uint());
    if (v->is_text()) return ContentType(v->as_text());
    bad_header("content type", "must be an unsigned integer or a text string");
}

std::optional<std::vector<crypto::Certificate>> HeaderMap::x5bag() const {
    return read_x509(find(label::x5bag), "x5bag");
}

std::optional<std::vector<crypto::Certificate>> HeaderMap::x5chain() const {
    return read_x509(find(label::x5chain), "x5chain");
}

void HeaderMap::set_alg(Algorithm alg) { set(label::alg, cbor::Value::integer(static_cast<std::int64_t>(alg))); }

void HeaderMap::set_kid(ByteView kid) { set(label::kid, cbor::Value::bytes(Bytes(kid.begin(), kid.end()))); }

void HeaderMap::set_content_type(const ContentType& type) {
    if (const auto* n = std::get_if<std::uint64_t>(&type))
        set(label::content_type, cbor::Value::uint(*n));
    else
        set(label::content_type, cbor::Value::text(std::get<std::string>(type)));
}

void HeaderMap::set_x5bag(const std::vector<crypto::Certificate>& certs) { set(label::x5bag, cose_x509(certs)); }

void HeaderMap::set_x5chain(const std::vector<crypto::Certificate>& certs) { set(label::x5chain, cose_x509(certs)); }

}  // namespace iotops::crypto::cose
