// The pledge over CoAPS (cBRSKI): one DTLS session with the IDevID as client certificate, asking
// for max_fragment_length and keeping to a 1024-byte path MTU. The session starts provisional;
// the registrar certificate it showed is the one the PVR names and the voucher's pinned-domain-cert
// must vouch for, so once that check passed the same session carries EST-coaps (/crts, /sen).
#include <optional>

#include "iotops/codec/cbor.hpp"
#include "iotops/est/coap.hpp"
#include "iotops/est/coaps_client.hpp"
#include "pledge_transport.hpp"

namespace iotops::est {

namespace {

using nlohmann::json;

// As over HTTPS: the registrar (or the MASA behind it) not being there is unreachable; a
// refusal is a negative verdict; anything else a protocol error.
ErrorKind kind_of_code(unsigned code) {
    if (code == coap_code::bad_gateway || code == coap_code::service_unavailable || code == 164 /* 5.04 */)
        return ErrorKind::unreachable;
    if (code == coap_code::unauthorized || code == coap_code::forbidden || code == coap_code::not_found)
        return ErrorKind::negative;
    return ErrorKind::protocol;
}

// The RFC 8995 status telemetry object in CBOR with text keys (cBRSKI "Status Telemetry").
Bytes telemetry_cbor(const json& body) {
    cbor::Value m = cbor::Value::map();
    m.set(cbor::Value::text("version"), cbor::Value::uint(body.at("version").get<unsigned>()));
    m.set(cbor::Value::text("status"), cbor::Value::boolean(body.at("status").get<bool>()));
    if (body.contains("reason")) m.set(cbor::Value::text("reason"), cbor::Value::text(body.at("reason").get<std::string>()));
    return cbor::encode(m);
}

class Coaps final : public PledgeTransport {
public:
    Coaps(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t) : registrar_(options.registrar) {
        dtls_.provisional = true;
        dtls_.client_key = identity.key;
        dtls_.client_certificates = identity.certificates;
        dtls_.timeout_ms = options.timeout_seconds * 1000;
        dtls_.max_fragment_length = options.max_fragment_length;
        dtls_.mtu = options.mtu;
        t.record_exchanges(dtls_);
    }

    const char* name() const override { return "coaps"; }

    std::vector<crypto::Certificate> connect(json& s) override {
        session_.emplace(registrar_, dtls_);
        s["max-fragment-length"] = session_->max_fragment_length();
        if (dtls_.max_fragment_length && session_->max_fragment_length() != dtls_.max_fragment_length)
            s["warning"] = "the registrar did not agree to max_fragment_length " + std::to_string(dtls_.max_fragment_length);
        return session_->server_chain();
    }

    Bytes request_voucher(const Bytes& pvr, voucher::Format, json& s) override {
        std::string path = std::string(brski_well_known) + "/rv";
        s["path"] = path;
        CoapClientResponse r = session_->request(CoapMethod::post, path, pvr, coap_format::voucher_cose, coap_format::voucher_cose);
        note(r, s);
        if (r.code != coap_code::changed && r.code != coap_code::content)
            throw Error(r.success() ? ErrorKind::protocol : kind_of_code(r.code),
                        "the registrar answered " + code_string(r.code) + ": " + coap_reason(r));
        if (r.content_format != coap_format::voucher_cose)
            throw Error(ErrorKind::protocol, "the registrar answered content-format " +
                                                 (r.content_format ? std::to_string(*r.content_format) : std::string("none")) +
                                                 ", not 836 (application/voucher+cose)");
        return r.payload;
    }

    std::string send_status(const std::string& which, const json& body, json& s) override {
        std::string path = std::string(brski_well_known) + (which == "voucher_status" ? "/vs" : "/es");
        s["path"] = path;
        s["sent"] = body;
        CoapClientResponse r = session_->request(CoapMethod::post, path, telemetry_cbor(body), coap_format::cbor);
        note(r, s);
        return r.success() ? std::string() : code_string(r.code) + ": " + coap_reason(r);
    }

    void trust(const crypto::Certificate&, json& s) override {
        s["session"] = "the DTLS session the registrar-certificate step checked";
        CoapsClientConfig c;
        c.discovery = EstDiscovery::never;  // cBRSKI: the default paths are mandatory
        est_.emplace(*session_, c);
    }

    std::vector<crypto::Certificate> cacerts(json& s) override {
        s["path"] = est_->path("crts");
        s["accept"] = coap_format::multipart_core;
        return noting_code(s, [&] { return est_->crts(coap_format::multipart_core).certificates; });
    }

    std::vector<crypto::Certificate> enroll(const crypto::Csr& csr, json& s) override {
        s["path"] = est_->path("sen");
        return noting_code(s, [&] { return est_->sen(csr); });
    }

private:
    // Runs an EST-coaps call and puts the code the registrar answered into the step, failed or not.
    template <typename Call>
    std::vector<crypto::Certificate> noting_code(json& s, Call&& call) {
        try {
            auto certs = call();
            s["coap-code"] = code_string(est_->last_code());
            return certs;
        } catch (...) {
            if (est_->last_code()) s["coap-code"] = code_string(est_->last_code());
            throw;
        }
    }

    static void note(const CoapClientResponse& r, json& s) {
        s["coap-code"] = code_string(r.code);
        if (r.content_format) s["content-format"] = *r.content_format;
    }

    std::string registrar_;
    CoapClientOptions dtls_;
    std::optional<CoapClient> session_;
    std::optional<CoapsClient> est_;
};

}  // namespace

std::unique_ptr<PledgeTransport> coaps_transport(const PledgeIdentity& identity, const PledgeOptions& options, Transcript& t) {
    return std::make_unique<Coaps>(identity, options, t);
}

}  // namespace iotops::est
