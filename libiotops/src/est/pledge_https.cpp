// The pledge over HTTPS (RFC 8995): provisional TLS, then every request on connections that must
// show the same registrar certificate; EST through est::Client pinned to the pinned-domain-cert.
#include <optional>

#include "iotops/core/encoding.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/est/brski_http.hpp"
#include "iotops/est/client.hpp"
#include "pledge_transport.hpp"

namespace iotops::est {

namespace {

using nlohmann::json;

// The failure kind of an answer that is not 200: the MASA or the registrar not being there is
// "unreachable" (exit 69); a refusal is a negative verdict; anything else a protocol error.
ErrorKind kind_of_status(int status) {
    if (status == 502 || status == 503 || status == 504) return ErrorKind::unreachable;
    if (status == 401 || status == 403 || status == 404) return ErrorKind::negative;
    return ErrorKind::protocol;
}

class Https final : public PledgeTransport {
public:
    Https(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t) : registrar_(options.registrar) {
        tls_.timeout_seconds = options.timeout_seconds;
        tls_.client_key = identity.key;
        tls_.client_certificates = identity.certificates;
        t.record_exchanges(tls_);
    }

    const char* name() const override { return "https"; }

    std::vector<crypto::Certificate> connect(json&) override {
        crypto::HttpOptions provisional = tls_;
        provisional.provisional = true;
        auto chain = crypto::tls_server_chain(registrar_, provisional);
        crypto::HttpOptions same_registrar = tls_;  // later connections must show the same certificate
        same_registrar.pinned_anchors = {chain.front()};
        http_.emplace(registrar_, same_registrar);
        return chain;
    }

    Bytes request_voucher(const Bytes& pvr, voucher::Format format, json& s) override {
        std::string media(voucher_media_type(format));
        crypto::HttpResponse r = http_->post(std::string(brski_well_known) + "/requestvoucher", media, pvr, {{"Accept", media}});
        s["http-status"] = r.status;
        if (r.status != 200)
            throw Error(kind_of_status(r.status), "the registrar answered " + std::to_string(r.status) + ": " + answer_reason(r));
        s["content-type"] = r.content_type;
        return r.body;
    }

    std::string send_status(const std::string& which, const json& body, json& s) override {
        json sent = body;
        sent["reason-context"] = json::object();
        s["sent"] = sent;
        std::string text = sent.dump();
        crypto::HttpResponse r = http_->post(std::string(brski_well_known) + "/" + which, "application/json", as_bytes(text));
        s["http-status"] = r.status;
        return r.status / 100 == 2 ? std::string() : std::to_string(r.status) + ": " + answer_reason(r);
    }

    void trust(const crypto::Certificate& pinned, json&) override {
        ClientConfig est;
        est.url = registrar_;
        est.http = tls_;
        est.http.pinned_anchors = {pinned};
        est_.emplace(est);
    }

    std::vector<crypto::Certificate> cacerts(json&) override { return est_->cacerts().certificates; }
    std::vector<crypto::Certificate> enroll(const crypto::Csr& csr, json&) override { return est_->simpleenroll(csr); }

private:
    std::string registrar_;
    crypto::HttpOptions tls_;
    std::optional<crypto::HttpClient> http_;
    std::optional<Client> est_;
};

}  // namespace

std::unique_ptr<PledgeTransport> https_transport(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t) {
    return std::make_unique<Https>(identity, options, t);
}

}  // namespace iotops::est
