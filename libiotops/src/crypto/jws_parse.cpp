// Parsing JWS in the general, flattened and compact serializations (RFC 7515 sections 5.2, 7).
#include <string>

#include "crypto/jws_detail.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::crypto {
namespace jws_detail {

Bytes decode_b64url(std::string_view what, std::string_view text) {
    try {
        return base64url_decode_strict(text);
    } catch (const Error& e) {
        throw_malformed(std::string(what) + ": " + e.what());
    }
}

nlohmann::json parse_json(std::string_view what, std::string_view text, std::size_t base) {
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann counts bytes read; the offending byte is the last one read.
        std::size_t offset = base + (e.byte > 0 ? e.byte - 1 : 0);
        std::string detail = e.what();
        auto colon = detail.find(": ", detail.find("parse error"));
        detail = colon == std::string::npos ? std::string("syntax error") : detail.substr(colon + 2);
        detail = detail.substr(0, detail.find("; last read:"));  // raw input, possibly invalid UTF-8
        throw_malformed(std::string(what) + ": invalid json at byte " + std::to_string(offset) + ": " + detail);
    } catch (const nlohmann::json::exception& e) {
        // e.g. out_of_range 406 for a number too large for a double; nlohmann gives no offset for it.
        std::string detail = e.what();
        auto bracket = detail.find("] ");
        throw_malformed(std::string(what) + ": invalid json: " +
                        (bracket == std::string::npos ? detail : detail.substr(bracket + 2)));
    }
}

}  // namespace jws_detail

namespace {

using jws_detail::decode_b64url;
using jws_detail::parse_json;
using nlohmann::json;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

const std::string& string_member(const json& obj, const char* name, const std::string& where) {
    auto it = obj.find(name);
    if (it == obj.end()) throw_malformed(where + ": member \"" + name + "\" is missing");
    if (!it->is_string()) throw_malformed(where + ": member \"" + name + "\" is not a string");
    return it->get_ref<const std::string&>();
}

std::optional<std::string> string_parameter(const JwsSignature& sig, const char* name, const std::string& where) {
    const json* p = sig.parameter(name);
    if (!p) return std::nullopt;
    if (!p->is_string()) throw_malformed(where + ": header parameter \"" + name + "\" is not a string");
    return p->get<std::string>();
}

std::vector<Certificate> decode_x5c(const json& x5c, const std::string& where) {
    if (!x5c.is_array() || x5c.empty()) throw_malformed(where + ": x5c is not a non-empty array");
    std::vector<Certificate> out;
    for (std::size_t i = 0; i < x5c.size(); ++i) {
        std::string what = where + ": x5c[" + std::to_string(i) + "]";
        if (!x5c[i].is_string()) throw_malformed(what + ": not a string");
        // Standard base64 (RFC 7515 4.1.6); the lenient decoder also takes "\/" and line breaks.
        Bytes der;
        try {
            der = base64_decode(x5c[i].get_ref<const std::string&>());
        } catch (const Error& e) {
            throw_malformed(what + ": " + e.what());
        }
        if (der.empty() || der[0] != 0x30) throw_malformed(what + ": not a der certificate");
        try {
            Certificate cert = Certificate::load(der);
            // OpenSSL decodes some fields lazily: read them now so a damaged certificate is malformed
            // input here rather than a surprise when verifying or describing.
            (void)cert.public_key();
            (void)cert.subject();
            (void)cert.issuer();
            (void)cert.serial_hex();
            (void)cert.not_before();
            (void)cert.not_after();
            out.push_back(std::move(cert));
        } catch (const Error& e) {
            throw_malformed(what + ": " + e.what());
        }
    }
    return out;
}

// Decodes and checks the JOSE header of one signature (RFC 7515 sections 4, 5.2 steps 2-5).
void finish_signature(JwsSignature& sig, const std::string& where) {
    if (!sig.protected_b64.empty()) {
        Bytes raw = decode_b64url(where + ": protected", sig.protected_b64);
        std::string text(raw.begin(), raw.end());
        sig.protected_header = parse_json(where + ": protected header", text);
        if (!sig.protected_header.is_object()) throw_malformed(where + ": protected header is not a json object");
    } else {
        sig.protected_header = json::object();
    }
    if (sig.header.is_null()) sig.header = json::object();
    if (!sig.header.is_object()) throw_malformed(where + ": unprotected header is not a json object");
    if (sig.protected_header.empty() && sig.header.empty()) throw_malformed(where + ": no header parameters");
    for (const auto& item : sig.header.items())
        if (sig.protected_header.contains(item.key()))
            throw_malformed(where + ": header parameter \"" + item.key() + "\" is both protected and unprotected");

    // We implement no extensions, so any critical one must be refused (RFC 7515 4.1.11).
    if (sig.header.contains("crit")) throw_malformed(where + ": crit must be in the protected header");
    if (auto it = sig.protected_header.find("crit"); it != sig.protected_header.end()) {
        if (!it->is_array() || it->empty()) throw_malformed(where + ": crit is not a non-empty array");
        const json& first = it->front();
        throw_malformed(where + ": crit: extension " + (first.is_string() ? "\"" + first.get<std::string>() + "\"" : first.dump()) +
                        " is not understood");
    }

    auto alg = string_parameter(sig, "alg", where);
    if (!alg) throw_malformed(where + ": header parameter \"alg\" is missing");
    if (*alg == "none") throw_malformed(where + ": alg \"none\" is not allowed");
    sig.alg = *alg;
    string_parameter(sig, "typ", where);
    string_parameter(sig, "kid", where);
    if (const json* x5c = sig.parameter("x5c")) sig.x5c = decode_x5c(*x5c, where);
}

Jws parse_compact(std::string_view text, std::size_t base) {
    auto dot1 = text.find('.');
    auto dot2 = dot1 == std::string_view::npos ? dot1 : text.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || text.find('.', dot2 + 1) != std::string_view::npos)
        throw_malformed("jws: compact: expected three parts separated by '.' (at byte " + std::to_string(base) + ")");
    Jws jws;
    jws.form = JwsForm::compact;
    JwsSignature sig;
    sig.protected_b64 = std::string(text.substr(0, dot1));
    jws.payload_b64 = std::string(text.substr(dot1 + 1, dot2 - dot1 - 1));
    sig.signature_b64 = std::string(text.substr(dot2 + 1));
    if (sig.protected_b64.empty()) throw_malformed("jws: compact: protected header is empty");
    jws.payload = decode_b64url("jws: compact: payload (byte " + std::to_string(base + dot1 + 1) + ")", jws.payload_b64);
    sig.signature = decode_b64url("jws: compact: signature (byte " + std::to_string(base + dot2 + 1) + ")", sig.signature_b64);
    finish_signature(sig, "jws: compact");
    jws.signatures.push_back(std::move(sig));
    return jws;
}

JwsSignature signature_from_json(const json& obj, const std::string& where) {
    if (!obj.is_object()) throw_malformed(where + ": not a json object");
    JwsSignature sig;
    if (auto it = obj.find("protected"); it != obj.end()) {
        if (!it->is_string()) throw_malformed(where + ": member \"protected\" is not a string");
        sig.protected_b64 = it->get<std::string>();
    }
    if (auto it = obj.find("header"); it != obj.end()) sig.header = *it;
    sig.signature_b64 = string_member(obj, "signature", where);
    sig.signature = decode_b64url(where + ": signature", sig.signature_b64);
    finish_signature(sig, where);
    return sig;
}

Jws parse_json_form(std::string_view text, std::size_t base) {
    json doc = parse_json("jws", text, base);
    if (!doc.is_object()) throw_malformed("jws: not a json object");
    Jws jws;
    if (!doc.contains("payload")) throw_malformed("jws: member \"payload\" is missing (detached payloads are not supported)");
    jws.payload_b64 = string_member(doc, "payload", "jws");
    jws.payload = decode_b64url("jws: payload", jws.payload_b64);
    if (auto it = doc.find("signatures"); it != doc.end()) {
        jws.form = JwsForm::general;
        for (const char* flat : {"signature", "protected", "header"})
            if (doc.contains(flat)) throw_malformed(std::string("jws: member \"") + flat + "\" next to \"signatures\"");
        if (!it->is_array() || it->empty()) throw_malformed("jws: member \"signatures\" is not a non-empty array");
        for (std::size_t i = 0; i < it->size(); ++i)
            jws.signatures.push_back(signature_from_json((*it)[i], "jws: signature " + std::to_string(i)));
    } else if (doc.contains("signature")) {
        jws.form = JwsForm::flattened;
        jws.signatures.push_back(signature_from_json(doc, "jws: signature 0"));
    } else {
        throw_malformed("jws: neither \"signatures\" nor \"signature\" is present");
    }
    return jws;
}

}  // namespace

std::optional<std::string> JwsSignature::typ() const {
    const nlohmann::json* p = parameter("typ");
    return p && p->is_string() ? std::optional<std::string>(p->get<std::string>()) : std::nullopt;
}

std::optional<std::string> JwsSignature::kid() const {
    const nlohmann::json* p = parameter("kid");
    return p && p->is_string() ? std::optional<std::string>(p->get<std::string>()) : std::nullopt;
}

const nlohmann::json* JwsSignature::parameter(std::string_view name) const {
    for (const json* h : {&protected_header, &header}) {
        if (!h->is_object()) continue;
        auto it = h->find(name);
        if (it != h->end()) return &*it;
    }
    return nullptr;
}

Jws Jws::parse(std::string_view text) {
    std::size_t begin = 0, end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    if (begin == end) throw_malformed("jws: empty input");
    std::string_view body = text.substr(begin, end - begin);
    return body.front() == '{' ? parse_json_form(body, begin) : parse_compact(body, begin);
}

std::string Jws::signing_input(std::size_t index) const {
    if (index >= signatures.size()) throw Error(ErrorKind::usage, "jws: no signature " + std::to_string(index));
    return signatures[index].protected_b64 + "." + payload_b64;
}

}  // namespace iotops::crypto
