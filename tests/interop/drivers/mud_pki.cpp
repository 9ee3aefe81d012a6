// Test driver: the certificates the MUD signature tests need, made with iotops::crypto.
//   driver_mud_pki DIR
// writes ca.pem/ca.key, signer.pem/signer.key (digitalSignature), nods.pem/nods.key (keyEncipherment
// only), expired.pem/expired.key (valid 2020-2021), other.pem/other.key (another signer), and
// device.pem carrying the MUD URL https://things.example.com/thermostat.json and MUD signer = signer's subject.
#include <fstream>
#include <iostream>
#include <string>

#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: driver_mud_pki DIR\n";
        return 64;
    }
    std::string dir = argv[1];
    try {
        auto ca_key = PrivateKey::generate(KeyType::p256);
        CertificateSpec ca_spec;
        ca_spec.subject = parse_name("CN=Things MUD CA,O=Example Things");
        ca_spec.is_ca = true;
        ca_spec.not_before = parse_rfc3339("2019-01-01T00:00:00Z");  // covers the expired signer
        ca_spec.key_usage = ku_key_cert_sign | ku_crl_sign;
        ca_spec.not_after = now() + std::chrono::hours(24 * 365);
        Certificate ca = issue_certificate(ca_spec, ca_key.public_key(), ca_key);
        write(dir + "/ca.pem", ca.pem());
        write(dir + "/ca.key", ca_key.pkcs8_pem());
        auto leaf = [&](const std::string& name, const std::string& subject, unsigned ku, Time nb, Time na) {
            auto key = PrivateKey::generate(KeyType::p256);
            CertificateSpec s;
            s.subject = parse_name(subject);
            s.key_usage = ku;
            s.not_before = nb;
            s.not_after = na;
            Certificate c = issue_certificate(s, key.public_key(), ca_key, &ca);
            write(dir + "/" + name + ".pem", c.pem());
            write(dir + "/" + name + ".key", key.pkcs8_pem());
            return c;
        };
        Time nb = now() - std::chrono::hours(1), na = now() + std::chrono::hours(24 * 30);
        leaf("signer", "CN=mud-signer.things.example.com,O=Example Things", ku_digital_signature, nb, na);
        leaf("nods", "CN=no-signing.things.example.com,O=Example Things", ku_key_encipherment, nb, na);
        leaf("other", "CN=other-signer.example.net,O=Other", ku_digital_signature, nb, na);
        leaf("expired", "CN=old-signer.things.example.com,O=Example Things", ku_digital_signature,
             parse_rfc3339("2020-01-01T00:00:00Z"), parse_rfc3339("2021-01-01T00:00:00Z"));
        auto dev_key = PrivateKey::generate(KeyType::p256);
        CertificateSpec d;
        d.subject = parse_name("CN=thermostat,serialNumber=THERMO-0001");
        d.key_usage = ku_digital_signature;
        d.mud_url = "https://things.example.com/thermostat.json";
        d.mud_signer = parse_name("CN=mud-signer.things.example.com,O=Example Things");
        write(dir + "/device.pem", issue_certificate(d, dev_key.public_key(), ca_key, &ca).pem());
        return 0;
    } catch (const Error& e) {
        std::cerr << "driver_mud_pki: " << e.what() << "\n";
        return exit_code(e.kind());
    }
}
