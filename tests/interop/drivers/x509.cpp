// Test driver for tests/interop/x509_openssl.sh: makes keys, certificates, CSRs and signatures with
// libiotops so that the openssl command line can check them, and checks what openssl made.
//   driver_x509 pki DIR                      -> DIR/ca.pem ca.key device.pem device.key
//   driver_x509 csr DIR                      -> DIR/req.pem
//   driver_x509 sign KEY PASS-SOURCE|- MSG SIG [sha256|sha384]  (ECDSA: DER signature; Ed25519: raw)
//   driver_x509 pubkey KEY PASS-SOURCE|-      SPKI PEM of a private key on stdout
//   driver_x509 verify PUBKEY MSG SIG [sha256|sha384]   (DER ECDSA or Ed25519); exit 0 good, 1 bad
#include <fstream>
#include <iostream>
#include <iterator>

#include "iotops/core/file.hpp"
#include "iotops/core.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/crypto/passphrase.hpp"

using namespace iotops;
using namespace iotops::crypto;

namespace {

void write_file(const std::string& path, std::string_view data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) throw Error(ErrorKind::io, "cannot write " + path);
}

Hash parse_hash(int argc, char** argv, int at) {
    if (argc <= at) return Hash::sha256;
    std::string h = argv[at];
    if (h == "sha384") return Hash::sha384;
    if (h == "sha512") return Hash::sha512;
    return Hash::sha256;
}

// DER INTEGER of an unsigned big-endian number (minimal, with a 0x00 pad when the top bit is set).
Bytes der_integer(ByteView v) {
    std::size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) ++i;
    Bytes out{0x02};
    bool pad = v[i] & 0x80;
    out.push_back(static_cast<std::uint8_t>(v.size() - i + (pad ? 1 : 0)));
    if (pad) out.push_back(0);
    out.insert(out.end(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
    return out;
}

// Raw r||s to the ECDSA-Sig-Value SEQUENCE openssl dgst expects.
Bytes ecdsa_der(ByteView raw) {
    std::size_t w = raw.size() / 2;
    Bytes r = der_integer(raw.first(w)), s = der_integer(raw.subspan(w));
    Bytes out{0x30};
    std::size_t len = r.size() + s.size();
    if (len >= 0x80) out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), r.begin(), r.end());
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

std::optional<std::string> passphrase_arg(const char* arg) {
    if (std::string(arg) == "-") return std::nullopt;
    return read_passphrase(arg);
}

int pki(const std::string& dir) {
    PrivateKey ca_key = PrivateKey::generate(KeyType::p384);
    CertificateSpec ca;
    ca.subject = parse_name("CN=iotops interop CA,O=iotops");
    ca.not_before = now() - std::chrono::hours(1);
    ca.not_after = now() + std::chrono::hours(24 * 365);
    ca.is_ca = true;
    ca.key_usage = ku_key_cert_sign | ku_crl_sign;
    ca.hash = Hash::sha384;
    Certificate ca_cert = issue_certificate(ca, ca_key.public_key(), ca_key);

    PrivateKey dev_key = PrivateKey::generate(KeyType::p256);
    CertificateSpec dev;
    dev.subject = {{"CN", "interop device"}, {"serialNumber", "DEV-0042"}};
    dev.not_before = now() - std::chrono::hours(1);  // no notAfter: 99991231235959Z
    dev.key_usage = ku_digital_signature;
    dev.ext_key_usage = {oid::kp_cmc_ra, oid::kp_client_auth};
    dev.dns_names = {"device.example.com"};
    dev.masa_url = "masa.example.com:9443";
    dev.mud_url = "https://mud.example.com/device.json";
    dev.mud_signer = Name{{"CN", "MUD Signer"}, {"O", "iotops"}};
    dev.hash = Hash::sha384;
    Certificate dev_cert = issue_certificate(dev, dev_key.public_key(), ca_key, &ca_cert);

    write_file(dir + "/ca.pem", ca_cert.pem());
    write_private_key_file(dir + "/ca.key", ca_key);
    write_file(dir + "/device.pem", dev_cert.pem());
    write_private_key_file(dir + "/device.key", dev_key, std::string("device-secret"));
    return 0;
}

int csr(const std::string& dir) {
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        PrivateKey key = PrivateKey::generate(t);
        Csr req = Csr::create({{"CN", "pledge"}, {"serialNumber", "JADA123456789"}}, key, {"pledge.local"});
        std::string name = t == KeyType::p256 ? "p256" : t == KeyType::p384 ? "p384" : "ed25519";
        write_file(dir + "/req-" + name + ".pem", req.pem());
    }
    return 0;
}

int sign(int argc, char** argv) {
    PrivateKey key = PrivateKey::load_file(argv[2], passphrase_arg(argv[3]));
    Bytes msg = read_file(argv[4]);
    Bytes sig = key.sign(msg, parse_hash(argc, argv, 6));
    if (key.type() != KeyType::ed25519) sig = ecdsa_der(sig);
    write_file(argv[5], to_string(sig));
    return 0;
}

int pubkey(char** argv) {
    PrivateKey key = PrivateKey::load_file(argv[2], passphrase_arg(argv[3]));
    std::cout << key.public_key().spki_pem();
    std::cerr << "type " << key_type_name(key.type()) << "\n";
    return 0;
}

int verify(int argc, char** argv) {
    PublicKey pub = PublicKey::load_file(argv[2]);
    Bytes msg = read_file(argv[3]);
    Bytes sig = read_file(argv[4]);
    bool ok = pub.type() == KeyType::ed25519 ? pub.verify(msg, sig) : pub.verify_der(msg, sig, parse_hash(argc, argv, 5));
    std::cout << (ok ? "good" : "bad") << " signature\n";
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string cmd = argc > 1 ? argv[1] : "";
        if (cmd == "pki" && argc == 3) return pki(argv[2]);
        if (cmd == "csr" && argc == 3) return csr(argv[2]);
        if (cmd == "sign" && argc >= 6) return sign(argc, argv);
        if (cmd == "pubkey" && argc == 4) return pubkey(argv);
        if (cmd == "verify" && argc >= 5) return verify(argc, argv);
        std::cerr << "usage: driver_x509 pki DIR | csr DIR | sign KEY PASS MSG SIG [HASH] | pubkey KEY PASS | "
                     "verify PUB MSG SIG [HASH]\n";
        return 64;
    } catch (const Error& e) {
        std::cerr << "driver_x509: error: " << e.what() << "\n";
        return exit_code(e.kind());
    }
}
