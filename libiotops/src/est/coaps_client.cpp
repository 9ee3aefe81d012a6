// EST-coaps requests and the mapping of CoAP answers to iotops errors (and exit codes): the
// same kinds as the HTTPS client gives for the same HTTP status.
#include "iotops/est/coaps_client.hpp"

#include "iotops/core/error.hpp"
#include "iotops/est/multipart_core.hpp"
#include "iotops/est/registrar.hpp"

namespace iotops::est {

namespace {

std::string cf_name(std::optional<unsigned> cf) { return cf ? std::to_string(*cf) : std::string("none"); }

// "/.well-known/est/crts" from a link target that may be a full URI.
std::string target_path(const std::string& target) {
    if (!target.empty() && target.front() == '/') return target;
    auto scheme = target.find("://");
    if (scheme == std::string::npos) return {};
    auto slash = target.find('/', scheme + 3);
    return slash == std::string::npos ? std::string() : target.substr(slash);
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

[[noreturn]] void wrong_format(const std::string& what, std::optional<unsigned> got, const std::string& want) {
    throw Error(ErrorKind::protocol, what + ": the answer has content-format " + cf_name(got) + ", not " + want);
}

crypto::Certificate one_certificate(ByteView der, const std::string& what) {
    try {
        return crypto::Certificate::load(der);
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": the answer is not a DER certificate: " + e.what());
    }
}

std::vector<crypto::Certificate> certs_only(ByteView der, const std::string& what) {
    try {
        auto certs = crypto::parse_certs_only(der);
        if (certs.empty()) throw Error(ErrorKind::malformed, "it holds no certificate");
        return certs;
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": the answer is not a PKCS#7 certs-only message: " + e.what());
    }
}

// A part's representation; a null one (RFC 8710 allows it) holds no certificate or key.
const Bytes& representation(const CorePart& part, const std::string& which) {
    if (!part.data) throw Error(ErrorKind::protocol, which + ": the representation is null");
    return *part.data;
}

std::vector<CorePart> multipart(ByteView body, const std::string& what) {
    try {
        return decode_multipart_core(body);
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": " + e.what());
    }
}

// Certificates answered in 281 (certs-only) or 287 (one certificate).
std::vector<crypto::Certificate> certificates(const CoapClientResponse& r, std::optional<unsigned> accept,
                                              const std::string& what) {
    unsigned want = accept.value_or(coap_format::pkcs7_certs_only);
    if (r.content_format != want)
        wrong_format(what, r.content_format, std::to_string(want) + (accept ? " (the Accept sent)" : " (PKCS#7 certs-only)"));
    if (want == coap_format::pkix_cert) return {one_certificate(r.payload, what)};
    return certs_only(r.payload, what);
}

}  // namespace

CoapsClient::CoapsClient(CoapsClientConfig config)
    : config_(std::move(config)), owned_(std::make_unique<CoapClient>(config_.url, config_.coap)), coap_(owned_.get()) {
    if (config_.discovery == EstDiscovery::first) discover();
}

CoapsClient::CoapsClient(CoapClient& session, CoapsClientConfig config) : config_(std::move(config)), coap_(&session) {
    if (config_.discovery == EstDiscovery::first) discover();
}

CoapsClient::~CoapsClient() = default;

std::string CoapsClient::path(const std::string& op) const {
    if (auto it = discovered_.find(op); it != discovered_.end()) return it->second;
    return std::string(well_known) + (config_.label.empty() ? "" : "/" + config_.label) + "/" + op;
}

// RFC 9148 4.1: the EST resources by rt; a label picks the links under it.
void CoapsClient::discover() {
    discovered_once_ = true;
    std::vector<CoapLink> links;
    try {
        links = coap_->discover("rt=ace.est*");
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::unreachable) throw;
        return;  // no discovery (4.04, or nonsense): the default paths it is
    }
    for (const auto& link : links) {
        std::string p = target_path(link.target);
        if (p.empty()) continue;
        for (const auto& rt : link.resource_types()) {
            if (rt.rfind("ace.est.", 0) != 0) continue;
            std::string op = rt.substr(8);
            if (!config_.label.empty() && !ends_with(p, "/" + config_.label + "/" + op)) continue;
            // Without a label, the unlabelled default wins, then the shortest path.
            auto it = discovered_.find(op);
            std::string def = std::string(well_known) + "/" + op;
            if (it == discovered_.end() || (it->second != def && (p == def || p.size() < it->second.size())))
                discovered_[op] = p;
        }
    }
}

CoapClientResponse CoapsClient::call(const std::string& op, CoapMethod method, const crypto::Csr* csr,
                                     std::optional<unsigned> accept) {
    const std::string what = "EST-coaps " + op;
    Bytes body = csr ? csr->der() : Bytes{};
    auto send = [&] {
        return coap_->request(method, path(op), body, csr ? std::optional<unsigned>(coap_format::pkcs10) : std::nullopt, accept);
    };
    CoapClientResponse r = send();
    if (r.code == coap_code::not_found && config_.discovery == EstDiscovery::fallback && !discovered_once_) {
        std::string before = path(op);
        discover();
        if (path(op) != before) r = send();
    }
    last_code_ = r.code;
    if (r.success() || (op == "att" && r.code == coap_code::not_found)) return r;
    std::string why = what + " (" + path(op) + "): the server answered " + code_string(r.code) + ": " + coap_reason(r);
    switch (r.code) {
        case coap_code::bad_request:
        case coap_code::request_entity_too_large:
        case coap_code::unsupported_content_format: throw Error(ErrorKind::malformed, why);
        case coap_code::unauthorized:
        case coap_code::forbidden: throw Error(ErrorKind::permission, why);
        case coap_code::service_unavailable: throw Error(ErrorKind::unreachable, why);
        default: throw Error(ErrorKind::protocol, why);
    }
}

CaCertsAnswer CoapsClient::crts(std::optional<unsigned> accept) {
    const std::string what = "EST-coaps crts";
    CoapClientResponse r = call("crts", CoapMethod::get, nullptr, accept);
    CaCertsAnswer a;
    a.server_chain = coap_->server_chain();
    if (accept == coap_format::multipart_core) {
        if (r.content_format != coap_format::multipart_core) wrong_format(what, r.content_format, "62 (the Accept sent)");
        std::size_t n = 0;
        for (const auto& part : multipart(r.payload, what)) {
            std::string which = what + ": part " + std::to_string(n++);
            if (part.content_format == coap_format::pkix_cert) a.certificates.push_back(one_certificate(representation(part, which), which));
            else if (part.content_format == coap_format::pkcs7_certs_only) {
                auto certs = certs_only(representation(part, which), which);
                a.certificates.insert(a.certificates.end(), certs.begin(), certs.end());
            } else
                throw Error(ErrorKind::protocol, which + " has content-format " + std::to_string(part.content_format) +
                                                     ", not 287 (pkix-cert)");
        }
        if (a.certificates.empty()) throw Error(ErrorKind::protocol, what + ": the multipart-core answer holds no certificate");
    } else {
        a.certificates = certificates(r, accept, what);
    }
    return a;
}

std::optional<std::vector<crypto::CsrAttr>> CoapsClient::att() {
    const std::string what = "EST-coaps att";
    CoapClientResponse r = call("att", CoapMethod::get, nullptr, std::nullopt);
    if (r.code == coap_code::not_found || r.payload.empty()) return std::nullopt;
    if (r.content_format != coap_format::csrattrs) wrong_format(what, r.content_format, "285 (csrattrs)");
    try {
        return crypto::parse_csr_attrs(r.payload);
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": " + e.what());
    }
}

std::vector<crypto::Certificate> CoapsClient::sen(const crypto::Csr& csr, std::optional<unsigned> accept) {
    return certificates(call("sen", CoapMethod::post, &csr, accept), accept, "EST-coaps sen");
}

std::vector<crypto::Certificate> CoapsClient::sren(const crypto::Csr& csr, std::optional<unsigned> accept) {
    return certificates(call("sren", CoapMethod::post, &csr, accept), accept, "EST-coaps sren");
}

// RFC 9148 4.8: [284, key, 281, certs-only] (a 287 certificate part is accepted too).
ServerKey CoapsClient::skg(const crypto::Csr& csr) {
    const std::string what = "EST-coaps skg";
    CoapClientResponse r = call("skg", CoapMethod::post, &csr, std::nullopt);
    if (r.content_format != coap_format::multipart_core) wrong_format(what, r.content_format, "62 (multipart-core)");
    std::optional<crypto::PrivateKey> key;
    std::vector<crypto::Certificate> certs;
    std::size_t n = 0;
    for (const auto& part : multipart(r.payload, what)) {
        std::string which = what + ": part " + std::to_string(n++);
        switch (part.content_format) {
            case coap_format::pkcs8:
                try {
                    key = crypto::PrivateKey::load(representation(part, which));
                } catch (const Error& e) {
                    throw Error(ErrorKind::protocol, which + ": not a PKCS#8 private key: " + e.what());
                }
                break;
            case coap_format::pkcs7_certs_only: {
                auto c = certs_only(representation(part, which), which);
                certs.insert(certs.end(), c.begin(), c.end());
                break;
            }
            case coap_format::pkix_cert: certs.push_back(one_certificate(representation(part, which), which)); break;
            default:
                throw Error(ErrorKind::protocol, which + " has content-format " + std::to_string(part.content_format) +
                                                     ", not 284 (pkcs8), 281 or 287");
        }
    }
    if (!key) throw Error(ErrorKind::protocol, what + ": the answer has no 284 (pkcs8) key part");
    if (certs.empty()) throw Error(ErrorKind::protocol, what + ": the answer has no certificate part");
    if (!(certs.front().public_key() == key->public_key()))
        throw Error(ErrorKind::protocol, what + ": the certificate is not for the key sent with it");
    return {*key, certs};
}

}  // namespace iotops::est
