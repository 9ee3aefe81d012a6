#include "iotops/voucher/envelope.hpp"

#include <algorithm>
#include <cctype>

#include "iotops/codec/json.hpp"
#include "iotops/codec/sniff.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/crypto/jws.hpp"

namespace iotops::voucher {
namespace {

std::string_view trimmed(ByteView data) {
    std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// Compact JWS: three base64url parts separated by dots.
bool looks_compact_jws(std::string_view s) {
    if (std::count(s.begin(), s.end(), '.') != 2) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

Envelope open_cms(ByteView data) {
    Envelope e;
    e.format = Format::cms;
    // Binary DER goes straight to the parser (to_der would parse it once more just to check it).
    bool der = data.size() > 1 && data[0] == 0x30 && (data[1] & 0x80) != 0;
    e.raw = der ? Bytes(data.begin(), data.end()) : crypto::cms::to_der(data);
    auto sd = crypto::cms::parse(e.raw);
    if (!sd.content) throw_malformed("cms voucher: detached signature (a voucher carries its content)");
    e.content = *sd.content;
    e.voucher = Voucher::parse_json(e.content);
    e.certificates = sd.certificates;
    e.details["econtent-type"] = sd.econtent_type;
    e.details["signed-data-version"] = sd.version;
    auto signers = nlohmann::json::array();
    for (const auto& s : sd.signers) {
        nlohmann::json j = {{"digest-algorithm", s.digest_algorithm.name},
                            {"signature-algorithm", s.signature_algorithm.name},
                            {"signed-attributes", s.has_signed_attributes}};
        if (s.serial_hex) j["serial"] = *s.serial_hex;
        if (s.issuer) j["issuer"] = *s.issuer;
        if (s.subject_key_id) j["subject-key-id"] = hex_encode(*s.subject_key_id);
        if (s.signing_time) j["signing-time"] = format_rfc3339(*s.signing_time);
        signers.push_back(std::move(j));
    }
    e.details["signers"] = std::move(signers);
    return e;
}

Envelope open_jws(std::string_view text) {
    Envelope e;
    e.format = Format::jws;
    auto jws = crypto::Jws::parse(text);
    e.raw = to_bytes(text);
    e.content = jws.payload;
    e.voucher = Voucher::parse_json(jws.payload);
    if (!jws.signatures.empty()) e.certificates = jws.signatures.front().x5c;
    e.details["form"] = std::string(crypto::jws_form_name(jws.form));
    auto sigs = nlohmann::json::array();
    for (const auto& s : jws.signatures) {
        nlohmann::json j = {{"alg", s.alg}, {"protected", s.protected_header}};
        if (!s.header.empty()) j["header"] = s.header;
        sigs.push_back(std::move(j));
    }
    e.details["signatures"] = std::move(sigs);
    return e;
}

Envelope open_cose(ByteView data) {
    Envelope e;
    e.format = Format::cose;
    auto msg = crypto::cose::Sign1::parse(data);
    if (!msg.payload()) throw_malformed("cose voucher: detached payload (a voucher carries its payload)");
    e.raw = Bytes(data.begin(), data.end());
    e.content = *msg.payload();
    e.voucher = Voucher::decode_cbor(e.content);
    for (const crypto::cose::HeaderMap* h : {&msg.protected_header(), &static_cast<const crypto::cose::Sign1&>(msg).unprotected_header()}) {
        if (auto bag = h->x5bag()) e.certificates.insert(e.certificates.end(), bag->begin(), bag->end());
        if (auto chain = h->x5chain()) e.certificates.insert(e.certificates.end(), chain->begin(), chain->end());
    }
    if (auto alg = msg.algorithm_id()) {
        auto known = crypto::cose::algorithm_from_id(*alg);
        e.details["alg"] = known ? nlohmann::json(std::string(crypto::cose::algorithm_name(*known))) : nlohmann::json(*alg);
    }
    e.details["tagged"] = msg.tagged();
    if (auto ct = msg.protected_header().content_type()) {
        if (auto* s = std::get_if<std::string>(&*ct)) e.details["content-type"] = *s;
        else e.details["content-type"] = std::get<std::uint64_t>(*ct);
    }
    return e;
}

}  // namespace

std::string_view format_name(Format f) {
    switch (f) {
    case Format::cms: return "cms";
    case Format::jws: return "jws";
    case Format::cose: return "cose";
    case Format::json: return "json";
    case Format::cbor: return "cbor";
    }
    return "?";
}

Format parse_format(std::string_view name) {
    for (Format f : {Format::cms, Format::jws, Format::cose, Format::json, Format::cbor})
        if (format_name(f) == name) return f;
    throw Error(ErrorKind::usage, "format: \"" + std::string(name) + "\" is not one of cms, jws, cose, json, cbor");
}

Envelope open(ByteView data) {
    std::string_view text = trimmed(data);
    if (text.empty()) throw_malformed("voucher: empty input");
    if (text.front() == '{') {
        auto j = codec::parse_json(text, "voucher");
        if (j.is_object() && j.contains("payload")) return open_jws(text);
        Envelope e;
        e.format = Format::json;
        e.voucher = Voucher::from_json(j);
        e.raw = to_bytes(text);
        e.content = e.raw;
        return e;
    }
    if (text.starts_with("-----BEGIN ")) return open_cms(data);
    if (looks_compact_jws(text)) return open_jws(text);
    switch (codec::sniff(data)) {
    case codec::Format::der:
    case codec::Format::base64:
        return open_cms(data);
    case codec::Format::cbor: {
        auto item = cbor::decode(data);
        if ((item.is_tag() && item.tag_number() == crypto::cose::tag_sign1) || item.is_array()) return open_cose(data);
        if (item.is_tag()) throw_malformed("voucher: cbor tag " + std::to_string(item.tag_number()) +
                                           " is not COSE_Sign1 (18)");
        Envelope e;
        e.format = Format::cbor;
        e.voucher = Voucher::from_cbor(item);
        e.raw = Bytes(data.begin(), data.end());
        e.content = e.raw;
        return e;
    }
    default:
        // A DER SEQUENCE that does not frame: most likely a cut-off CMS; let the parser say where.
        if (!data.empty() && data[0] == 0x30) return open_cms(data);
        throw_malformed("voucher: input is not CMS, JWS, COSE, JSON or CBOR");
    }
}

Envelope open(ByteView data, codec::Format as) {
    std::string_view text = trimmed(data);
    if (text.empty()) throw_malformed("voucher: empty input");
    switch (as) {
    case codec::Format::json:
        if (text.front() != '{' && !looks_compact_jws(text)) throw_malformed("voucher: input is not JSON (--in-format json)");
        return open(data);
    case codec::Format::cbor:
        if (codec::sniff(data) != codec::Format::cbor) throw_malformed("voucher: input is not CBOR (--in-format cbor)");
        return open(data);
    case codec::Format::pem:
        if (!text.starts_with("-----BEGIN ")) throw_malformed("voucher: input is not PEM (--in-format pem)");
        return open_cms(data);
    case codec::Format::der:
        if (data.empty() || data[0] != 0x30) throw_malformed("voucher: input is not DER (--in-format der)");
        return open_cms(data);
    case codec::Format::base64:
        return open_cms(data);
    default:
        return open(data);
    }
}

Bytes sign_cose(const Voucher& v, crypto::cose::Signer& signer, const crypto::Certificate& cert, const SignOptions& options) {
    crypto::cose::Options o;
    // cBRSKI: the registrar's request carries its certificates in an unprotected x5bag; a
    // voucher goes to a pledge that already holds the MASA's anchor and carries none.
    if (v.kind() == Kind::voucher_request) {
        std::vector<crypto::Certificate> bag{cert};
        bag.insert(bag.end(), options.chain.begin(), options.chain.end());
        o.unprotected_header.set_x5bag(bag);
    }
    return crypto::cose::Sign1::sign(signer, v.encode_cbor(), o).encode();
}

Bytes sign(const Voucher& v, const crypto::PrivateKey& key, const crypto::Certificate& cert, const SignOptions& options) {
    switch (options.format) {
    case Format::cms: {
        crypto::cms::SignOptions o;
        o.econtent_type = crypto::oid::ct_anima_json_voucher;
        o.extra_certificates = options.chain;
        return crypto::cms::sign(as_bytes(v.dump()), key, cert, o);
    }
    case Format::jws: {
        crypto::JwsSignOptions o;
        o.typ = crypto::jws_typ_voucher;
        o.x5c.push_back(cert);
        o.x5c.insert(o.x5c.end(), options.chain.begin(), options.chain.end());
        return to_bytes(crypto::Jws::sign(as_bytes(v.dump()), key, o).serialize());
    }
    case Format::cose: {
        crypto::cose::Signer signer(key, options.cose_alg.value_or(crypto::cose::default_algorithm(key.type())));
        return sign_cose(v, signer, cert, options);
    }
    default:
        throw Error(ErrorKind::usage, "sign: format must be cms, jws or cose");
    }
}

Bytes strip_unprotected_certificates(ByteView cose) {
    auto msg = crypto::cose::Sign1::parse(cose);
    msg.unprotected_header().remove(crypto::cose::label::x5bag);
    msg.unprotected_header().remove(crypto::cose::label::x5chain);
    return msg.encode(msg.tagged() ? crypto::cose::Form::tagged : crypto::cose::Form::untagged);
}

nlohmann::json certificate_summary(const crypto::Certificate& c) {
    nlohmann::json j = {{"subject", c.subject()},
                        {"issuer", c.issuer()},
                        {"serial", c.serial_hex()},
                        {"not-before", format_rfc3339(c.not_before())},
                        {"not-after", format_rfc3339(c.not_after())},
                        {"key", std::string(crypto::key_type_name(c.public_key().type()))},
                        {"sha256", hex_encode(c.fingerprint_sha256())}};
    if (auto sn = c.subject_attribute("serialNumber")) j["serial-number"] = *sn;
    if (c.is_ca()) j["ca"] = true;
    return j;
}

namespace {

// A request nests its predecessor (RVR -> PVR); real chains are one or two deep, so the nesting is
// cut off well before it could exhaust the stack.
constexpr int max_nesting = 4;

nlohmann::json describe_at(const Envelope& e, int depth);

}  // namespace

nlohmann::json describe(const Envelope& e) { return describe_at(e, 0); }

namespace {

nlohmann::json describe_at(const Envelope& e, int depth) {
    nlohmann::json j = {{"format", std::string(format_name(e.format))},
                        {"kind", std::string(kind_name(e.voucher.kind()))}};
    if (!e.details.empty()) j["details"] = e.details;
    if (!e.certificates.empty()) {
        auto certs = nlohmann::json::array();
        for (const auto& c : e.certificates) certs.push_back(certificate_summary(c));
        j["certificates"] = std::move(certs);
    }
    j["payload"] = e.voucher.to_json();
    if (e.voucher.leaves().contains("prior-signed-voucher-request")) {
        try {
            if (depth >= max_nesting) throw_malformed("prior-signed-voucher-request: nested more than " +
                                                      std::to_string(max_nesting) + " deep");
            j["prior-signed-voucher-request-decoded"] =
                describe_at(open(*e.voucher.binary("prior-signed-voucher-request")), depth + 1);
        } catch (const Error& err) {
            j["prior-signed-voucher-request-decoded"] = {{"error", err.what()}};
        }
    }
    return j;
}

}  // namespace

}  // namespace iotops::voucher
