#include "iotops/est/masa_policy.hpp"

#include <fnmatch.h>

#include "iotops/codec/yaml.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::est {
namespace {

[[noreturn]] void bad(std::string_view what, const std::string& why) { throw_malformed(std::string(what) + ": " + why); }

// A string or a list of strings.
std::vector<std::string> strings(const nlohmann::json& j, std::string_view what, const std::string& field) {
    std::vector<std::string> out;
    if (j.is_string()) out.push_back(j.get<std::string>());
    else if (j.is_array()) {
        for (const auto& e : j) {
            if (!e.is_string()) bad(what, field + ": a list of strings is expected");
            out.push_back(e.get<std::string>());
        }
    } else bad(what, field + ": a string or a list of strings is expected");
    for (const auto& s : out)
        if (s.empty()) bad(what, field + ": an empty string");
    return out;
}

Bytes fingerprint(const std::string& text, std::string_view what, const std::string& field) {
    std::string hex;
    for (char c : text)
        if (c != ':') hex.push_back(c);
    Bytes b;
    try {
        b = hex_decode(hex);
    } catch (const Error&) {
        bad(what, field + ": \"" + text + "\" is not hex");
    }
    if (b.size() != 32) bad(what, field + ": \"" + text + "\" is not a SHA-256 fingerprint (32 bytes)");
    return b;
}

OwnershipDomain parse_domain(const nlohmann::json& j, std::string_view what, std::size_t index) {
    std::string at = "domains[" + std::to_string(index) + "]";
    if (!j.is_object()) bad(what, at + ": a mapping is expected");
    OwnershipDomain d;
    for (const auto& [key, value] : j.items()) {
        std::string field = at + "." + key;
        if (key == "name") {
            if (!value.is_string() || value.get<std::string>().empty()) bad(what, field + ": a non-empty string is expected");
            d.name = value.get<std::string>();
        } else if (key == "domain-ca-sha256") {
            for (const auto& s : strings(value, what, field)) d.ca_sha256.push_back(fingerprint(s, what, field));
        } else if (key == "registrar-issuer") {
            d.registrar_issuers = strings(value, what, field);
        } else if (key == "serials") {
            d.serials = strings(value, what, field);
        } else if (key == "pin") {
            if (value == "domain-ca") d.pin = PinChoice::domain_ca;
            else if (value == "end-entity") d.pin = PinChoice::end_entity;
            else bad(what, field + ": domain-ca or end-entity is expected");
        } else bad(what, field + ": unknown field (name, domain-ca-sha256, registrar-issuer, serials, pin)");
    }
    if (d.ca_sha256.empty() && d.registrar_issuers.empty())
        bad(what, at + ": give domain-ca-sha256 or registrar-issuer to recognise the domain by");
    if (d.serials.empty()) bad(what, at + ": serials is required");
    if (d.name.empty()) d.name = at;
    return d;
}

}  // namespace

bool OwnershipDomain::recognises(const std::vector<crypto::Certificate>& chain) const {
    if (chain.empty()) return false;
    for (const auto& issuer : registrar_issuers)
        if (chain.front().issuer() == issuer) return true;
    for (const auto& c : chain) {
        auto fp = c.fingerprint_sha256();
        for (const auto& want : ca_sha256)
            if (fp == want) return true;
    }
    return false;
}

bool OwnershipDomain::may_claim(std::string_view serial_number) const {
    std::string s(serial_number);
    for (const auto& glob : serials)
        if (::fnmatch(glob.c_str(), s.c_str(), 0) == 0) return true;
    return false;
}

OwnershipPolicy OwnershipPolicy::parse(std::string_view text, std::string_view what) {
    auto j = codec::parse_yaml(text, what);
    if (!j.is_object()) bad(what, "a mapping with 'domains' is expected");
    OwnershipPolicy p;
    for (const auto& [key, value] : j.items()) {
        if (key != "domains") bad(what, key + ": unknown field (domains)");
        if (!value.is_array()) bad(what, "domains: a list is expected");
        for (std::size_t i = 0; i < value.size(); ++i) p.domains_.push_back(parse_domain(value[i], what, i));
    }
    if (!j.contains("domains")) bad(what, "domains is required");
    return p;
}

OwnershipPolicy OwnershipPolicy::load_file(const std::string& path) {
    Bytes b = read_file(path);
    return parse(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), path);
}

OwnershipDecision OwnershipPolicy::decide(const std::vector<crypto::Certificate>& chain, std::string_view serial) const {
    OwnershipDecision d;
    for (const auto& domain : domains_) {
        if (!domain.recognises(chain)) continue;
        if (!d.domain) d.domain = &domain;
        if (domain.may_claim(serial)) {
            d.allowed = true;
            d.domain = &domain;
            return d;
        }
    }
    std::string registrar = chain.empty() ? "(none)" : chain.front().subject();
    if (!d.domain) d.reason = "ownership policy: the registrar " + registrar + " belongs to no known domain";
    else d.reason = "ownership policy: domain " + d.domain->name + " may not claim device " + std::string(serial);
    return d;
}

}  // namespace iotops::est
