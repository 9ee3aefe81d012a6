// A small BRSKI PKI made in memory for the est tests: a manufacturer CA with a MASA and pledge
// IDevIDs, an unrelated manufacturer, and a domain CA with a registrar (id-kp-cmcRA).
#pragma once
#include <string>

#include "iotops/core/encoding.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher.hpp"

namespace iotops::test {

struct Identity {
    crypto::PrivateKey key;
    crypto::Certificate cert;
};

inline Identity make_identity(const crypto::CertificateSpec& spec, const Identity* issuer) {
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    auto cert = issuer ? crypto::issue_certificate(spec, key.public_key(), issuer->key, &issuer->cert)
                       : crypto::issue_certificate(spec, key.public_key(), key);
    return {key, cert};
}

inline crypto::CertificateSpec ca_spec(const std::string& cn) {
    crypto::CertificateSpec s;
    s.subject = {{"CN", cn}};
    s.is_ca = true;
    s.key_usage = crypto::ku_key_cert_sign | crypto::ku_crl_sign;
    return s;
}

inline crypto::CertificateSpec leaf_spec(crypto::Name subject, std::vector<std::string> eku = {}) {
    crypto::CertificateSpec s;
    s.subject = std::move(subject);
    s.key_usage = crypto::ku_digital_signature;
    s.ext_key_usage = std::move(eku);
    return s;
}

struct BrskiPki {
    Identity vendor = make_identity(ca_spec("test vendor ca"), nullptr);
    Identity other_vendor = make_identity(ca_spec("other vendor ca"), nullptr);
    Identity masa = make_identity(leaf_spec({{"CN", "test masa"}}), &vendor);
    Identity domain_ca = make_identity(ca_spec("test domain ca"), nullptr);
    Identity registrar = make_identity(leaf_spec({{"CN", "registrar"}}, {crypto::oid::kp_cmc_ra, crypto::oid::kp_server_auth}), &domain_ca);
    Identity not_registrar = make_identity(leaf_spec({{"CN", "just a server"}}, {crypto::oid::kp_server_auth}), &domain_ca);
    Identity other_domain_ca = make_identity(ca_spec("other domain ca"), nullptr);
    Identity other_registrar = make_identity(leaf_spec({{"CN", "other registrar"}}, {crypto::oid::kp_cmc_ra}), &other_domain_ca);

    Identity pledge(const std::string& serial, const Identity& maker, std::optional<std::string> masa_url = "masa.example:9443") const {
        auto s = leaf_spec({{"CN", "pledge"}, {"serialNumber", serial}});
        s.masa_url = masa_url;
        return make_identity(s, &maker);
    }

    // A signed PVR: nonce, proximity, the registrar pinned.
    static Bytes pvr(const Identity& pledge, const crypto::Certificate& proximity, voucher::Format f = voucher::Format::cms,
                     const std::string& nonce = "AAECAwQFBgcICQoLDA0ODw==") {
        nlohmann::json d = {{"assertion", "proximity"}, {"nonce", nonce},
                            {"serial-number", *pledge.cert.subject_attribute("serialNumber")},
                            {"proximity-registrar-cert", base64_encode(proximity.der())}};
        auto v = voucher::create(voucher::Kind::voucher_request, d);
        voucher::SignOptions o;
        o.format = f;
        return voucher::sign(v, pledge.key, pledge.cert, o);
    }

    // A signed RVR around a PVR; `leaves` override what create_rvr copies.
    static Bytes rvr(ByteView pvr, const Identity& signer, std::vector<crypto::Certificate> chain,
                     voucher::Format f = voucher::Format::cms, const nlohmann::json& leaves = nlohmann::json::object()) {
        auto v = voucher::create_rvr(voucher::open(pvr), leaves);
        voucher::SignOptions o;
        o.format = f;
        o.chain = std::move(chain);
        return voucher::sign(v, signer.key, signer.cert, o);
    }
};

}  // namespace iotops::test
