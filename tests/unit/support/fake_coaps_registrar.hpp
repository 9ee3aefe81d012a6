// A cBRSKI registrar and EST-coaps server faked in the test process on est::CoapServer, answering
// as RFC 9148 and cBRSKI have it (rv, vs, es, crts, sen, sren, att, skg) with a MASA's COSE voucher
// made on the spot. Each resource can be replaced to misbehave; what the client sent is kept.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "brski_pki.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/coap.hpp"
#include "iotops/est/multipart_core.hpp"

namespace iotops::test {

struct FakeCoapsRegistrar {
    struct Seen {
        std::string method_path;
        std::optional<unsigned> content_format, accept;
        Bytes payload;
        std::vector<crypto::Certificate> peer_chain;
    };

    const BrskiPki& pki;
    est::CoapServer server;
    int port = 0;
    std::thread thread;
    std::mutex mutex;
    std::vector<Seen> seen;
    // The voucher's leaves before signing: tests change them (another nonce, another pin).
    std::function<void(nlohmann::json&)> tweak_voucher;
    std::optional<std::vector<crypto::CsrAttr>> csr_attrs;
    std::string prefix = "/.well-known/est";

    // Resources replaced by path, before start().
    std::map<std::string, est::CoapHandler> replace;

    explicit FakeCoapsRegistrar(const BrskiPki& p, const crypto::Certificate* server_cert = nullptr,
                                const crypto::PrivateKey* server_key = nullptr)
        : pki(p),
          server({{server_cert ? *server_cert : p.registrar.cert, p.domain_ca.cert},
                  server_key ? *server_key : p.registrar.key, true}) {}

    ~FakeCoapsRegistrar() {
        if (thread.joinable()) {
            server.stop();
            thread.join();
        }
    }

    std::string uri() const { return "coaps://127.0.0.1:" + std::to_string(port); }

    std::vector<Seen> requests() {
        std::lock_guard<std::mutex> l(mutex);
        return seen;
    }
    std::optional<Seen> request(const std::string& method_path) {
        for (auto& s : requests())
            if (s.method_path == method_path) return s;
        return std::nullopt;
    }

    void start() {
        using est::CoapMethod;
        namespace cf = est::coap_format;
        namespace code = est::coap_code;
        auto add = [&](const std::string& path, CoapMethod m, const std::string& rt, std::vector<unsigned> ct, est::CoapHandler h) {
            if (auto it = replace.find(path); it != replace.end()) h = it->second;
            server.add({path, {m}, {rt}, std::move(ct), "", [this, h, m, path](const est::CoapRequest& r) {
                            {
                                std::lock_guard<std::mutex> l(mutex);
                                seen.push_back({std::string(est::method_name(m)) + " " + path, r.content_format, r.accept,
                                                r.payload, r.peer_chain});
                            }
                            return h(r);
                        }});
        };
        add("/.well-known/brski/rv", CoapMethod::post, "brski.rv", {cf::voucher_cose}, [this](const est::CoapRequest& r) {
            if (r.content_format != cf::voucher_cose) return est::CoapResponse::text(code::unsupported_content_format, "send 836");
            auto pvr = voucher::open(r.payload);
            auto pubk = pvr.voucher.binary("proximity-registrar-pubk");
            if (!pubk || *pubk != pki.registrar.cert.public_key().spki_der())
                return est::CoapResponse::text(code::unauthorized, "proximity-registrar-pubk is not this registrar's key");
            nlohmann::json leaves = {{"assertion", "proximity"},
                                     {"serial-number", *pvr.voucher.text("serial-number")},
                                     {"nonce", pvr.voucher.leaves().at("nonce")},
                                     {"pinned-domain-cert", base64_encode(pki.domain_ca.cert.der())}};
            if (!r.peer_chain.empty())
                if (auto aki = r.peer_chain.front().authority_key_id_extension_value())
                    leaves["idevid-issuer"] = base64_encode(*aki);
            if (tweak_voucher) tweak_voucher(leaves);
            auto v = voucher::create(voucher::Kind::voucher, leaves);
            voucher::SignOptions o;
            o.format = voucher::Format::cose;
            return est::CoapResponse{code::changed, cf::voucher_cose, voucher::sign(v, pki.masa.key, pki.masa.cert, o)};
        });
        for (const char* p : {"/.well-known/brski/vs", "/.well-known/brski/es"})
            add(p, CoapMethod::post, std::string("brski.") + (p + 19), {cf::cbor, cf::json}, [](const est::CoapRequest& r) {
                if (r.content_format != cf::cbor) return est::CoapResponse::text(code::unsupported_content_format, "send CBOR");
                auto m = cbor::decode(r.payload);
                if (!m.find("version") || !m.find("status")) return est::CoapResponse::text(code::bad_request, "no version");
                return est::CoapResponse{code::changed, std::nullopt, {}};
            });
        add(prefix + "/crts", CoapMethod::get, "ace.est.crts", {cf::multipart_core, cf::pkcs7_certs_only, cf::pkix_cert},
            [this](const est::CoapRequest& r) {
                const auto& ca = pki.domain_ca.cert;
                if (!r.accept || r.accept == cf::pkcs7_certs_only)
                    return est::CoapResponse{code::content, cf::pkcs7_certs_only, crypto::certs_only({ca})};
                if (r.accept == cf::pkix_cert) return est::CoapResponse{code::content, cf::pkix_cert, ca.der()};
                if (r.accept == cf::multipart_core)
                    return est::CoapResponse{code::content, cf::multipart_core, est::encode_multipart_core({{cf::pkix_cert, ca.der()}})};
                return est::CoapResponse::text(code::not_acceptable, "no such format");
            });
        auto enroll = [this](const est::CoapRequest& r, bool renew) {
            if (r.content_format != cf::pkcs10) return est::CoapResponse::text(code::unsupported_content_format, "send 286");
            if (renew && r.peer_chain.empty()) return est::CoapResponse::text(code::unauthorized, "reenroll needs a certificate");
            auto csr = crypto::Csr::load(r.payload);
            auto cert = crypto::issue_certificate(leaf_spec(csr.subject_name()), csr.public_key(), pki.domain_ca.key, &pki.domain_ca.cert);
            if (r.accept == cf::pkix_cert) return est::CoapResponse{code::changed, cf::pkix_cert, cert.der()};
            return est::CoapResponse{code::changed, cf::pkcs7_certs_only, crypto::certs_only({cert, pki.domain_ca.cert})};
        };
        add(prefix + "/sen", CoapMethod::post, "ace.est.sen", {cf::pkcs7_certs_only, cf::pkix_cert},
            [enroll](const est::CoapRequest& r) { return enroll(r, false); });
        add(prefix + "/sren", CoapMethod::post, "ace.est.sren", {cf::pkcs7_certs_only, cf::pkix_cert},
            [enroll](const est::CoapRequest& r) { return enroll(r, true); });
        add(prefix + "/att", CoapMethod::get, "ace.est.att", {cf::csrattrs}, [this](const est::CoapRequest&) {
            if (!csr_attrs) return est::CoapResponse::text(code::not_found, "no CSR attributes");
            return est::CoapResponse{code::content, cf::csrattrs, crypto::encode_csr_attrs(*csr_attrs)};
        });
        add(prefix + "/skg", CoapMethod::post, "ace.est.skg", {cf::multipart_core}, [this](const est::CoapRequest& r) {
            auto csr = crypto::Csr::load(r.payload);
            auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
            auto cert = crypto::issue_certificate(leaf_spec(csr.subject_name()), key.public_key(), pki.domain_ca.key, &pki.domain_ca.cert);
            return est::CoapResponse{code::changed, cf::multipart_core,
                                     est::encode_multipart_core({{cf::pkcs8, key.pkcs8_der()},
                                                                 {cf::pkcs7_certs_only, crypto::certs_only({cert})}})};
        });
        port = server.bind("127.0.0.1", 0);
        thread = std::thread([this] { server.run(); });
    }
};

}  // namespace iotops::test
