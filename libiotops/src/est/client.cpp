// EST client requests and the mapping of HTTP answers to iotops errors (and exit codes).
#include "iotops/est/client.hpp"

#include <strings.h>

#include <cctype>
#include <charconv>
#include <thread>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/multipart.hpp"
#include "iotops/est/registrar.hpp"

namespace iotops::est {

namespace {

bool starts_with_ci(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && strncasecmp(s.data(), p.data(), p.size()) == 0;
}

Bytes decode_body(ByteView body, const std::string& what) {
    if (!body.empty() && body[0] == 0x30) return Bytes(body.begin(), body.end());
    try {
        return base64_decode(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": the answer is not base64: " + e.what());
    }
}

}  // namespace

// The server's reason, made safe to print: the first line, printable ASCII, at most 200 bytes.
std::string refusal_reason(ByteView body) {
    std::string out;
    for (std::uint8_t c : body) {
        if (c == '\n' || out.size() >= 200) break;
        if (c >= 0x20 && c < 0x7F) out += static_cast<char>(c);
    }
    return out.empty() ? "no reason given" : out;
}

std::vector<crypto::Certificate> decode_certs_only_body(ByteView body, const std::string& what) {
    Bytes der = decode_body(body, what);
    try {
        return crypto::parse_certs_only(der);
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, what + ": the answer is not a PKCS#7 certs-only message: " + e.what());
    }
}

Client::Client(ClientConfig config)
    : config_(std::move(config)),
      prefix_(crypto::split_url(config_.url).second),
      http_(crypto::split_url(config_.url).first, config_.http) {
    if (prefix_ == "/") prefix_ = well_known;
    while (prefix_.size() > 1 && prefix_.back() == '/') prefix_.pop_back();
    if (!config_.sleep) config_.sleep = [](std::chrono::seconds s) { std::this_thread::sleep_for(s); };
}

Client::~Client() = default;

std::string Client::path(const std::string& op) const {
    return prefix_ + (config_.label.empty() ? "" : "/" + config_.label) + "/" + op;
}

crypto::HttpResponse Client::request(const std::string& op, const crypto::Csr* csr) {
    std::string b64 = csr ? base64_lines(csr->der()) : std::string();
    const std::string what = "EST " + op;
    for (unsigned attempt = 0;; ++attempt) {
        crypto::HttpResponse r = csr ? http_.post(path(op), "application/pkcs10", as_bytes(b64)) : http_.get(path(op));
        if (r.status == 200 || (op == "csrattrs" && (r.status == 204 || r.status == 404))) return r;
        std::string why = what + ": the server answered " + std::to_string(r.status) + ": " + answer_reason(r);
        switch (r.status) {
            case 202: {
                if (attempt >= config_.retry_max)
                    throw Error(ErrorKind::unreachable,
                                what + ": still pending after " + std::to_string(attempt + 1) + " tries",
                                "raise --retry-max or try again later");
                long long secs = 10;  // Retry-After as an HTTP date is rare in EST; wait the default then
                if (auto ra = r.header("Retry-After")) {
                    long long v = 0;
                    auto [p, ec] = std::from_chars(ra->data(), ra->data() + ra->size(), v);
                    if (ec == std::errc() && p == ra->data() + ra->size() && v >= 0) secs = v;
                }
                config_.sleep(std::min(std::chrono::seconds(secs), config_.retry_wait_max));
                continue;
            }
            case 400:
            case 413:
            case 415: throw Error(ErrorKind::malformed, why);
            case 401:
            case 403: throw Error(ErrorKind::permission, why);
            case 503: throw Error(ErrorKind::unreachable, why);
            default: throw Error(ErrorKind::protocol, why);
        }
    }
}

CaCertsAnswer Client::cacerts() {
    crypto::HttpResponse r = request("cacerts", nullptr);
    return {decode_certs_only_body(r.body, "EST cacerts"), r.peer_chain};
}

std::optional<std::vector<crypto::CsrAttr>> Client::csrattrs() {
    crypto::HttpResponse r = request("csrattrs", nullptr);
    if (r.status != 200 || r.body.empty()) return std::nullopt;
    Bytes der = decode_body(r.body, "EST csrattrs");
    try {
        return crypto::parse_csr_attrs(der);
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, std::string("EST csrattrs: ") + e.what());
    }
}

std::vector<crypto::Certificate> Client::simpleenroll(const crypto::Csr& csr) {
    return decode_certs_only_body(request("simpleenroll", &csr).body, "EST simpleenroll");
}

std::vector<crypto::Certificate> Client::simplereenroll(const crypto::Csr& csr) {
    return decode_certs_only_body(request("simplereenroll", &csr).body, "EST simplereenroll");
}

ServerKey Client::serverkeygen(const crypto::Csr& csr) {
    crypto::HttpResponse r = request("serverkeygen", &csr);
    std::vector<MimePart> parts = parse_multipart(r.content_type, r.body);
    std::optional<crypto::PrivateKey> key;
    std::vector<crypto::Certificate> certs;
    for (const auto& p : parts) {
        std::string ct = p.header("Content-Type").value_or("");
        if (starts_with_ci(ct, "application/pkcs8")) {
            try {
                key = crypto::PrivateKey::load(decode_body(p.body, "EST serverkeygen"));
            } catch (const Error& e) {
                throw Error(ErrorKind::protocol, std::string("EST serverkeygen: the key part: ") + e.what());
            }
        } else if (starts_with_ci(ct, "application/pkcs7-mime")) {
            certs = decode_certs_only_body(p.body, "EST serverkeygen");
        }
    }
    if (!key) throw Error(ErrorKind::protocol, "EST serverkeygen: the answer has no application/pkcs8 key part");
    if (certs.empty()) throw Error(ErrorKind::protocol, "EST serverkeygen: the answer has no certificate part");
    if (!(certs.front().public_key() == key->public_key()))
        throw Error(ErrorKind::protocol, "EST serverkeygen: the certificate is not for the key sent with it");
    return {*key, certs};
}

}  // namespace iotops::est
