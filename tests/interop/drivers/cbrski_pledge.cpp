// Test driver: the voucher step of a cBRSKI pledge against a registrar over CoAPS.
//   driver_cbrski_pledge URI --cert IDEVID --key KEY --out FILE [--sha256] [--name CERT]
// Connects provisionally with the IDevID as DTLS client certificate, signs a COSE PVR (proximity,
// the IDevID's serialNumber, a random nonce, proximity-registrar-pubk of the registrar's DTLS
// certificate, or its -pubk-sha256 with --sha256, or the key of CERT with --name), POSTs it to
// /.well-known/brski/rv with CF 836 and writes the answer to FILE. On stderr:
// "code=2.04 cf=836 bytes=N nonce=BASE64", then the diagnostic text of an error answer.
// Exit 0 for a 2.xx answer, 1 for another code, 2 for usage, 69 when the registrar is unreachable.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cipher.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/coap.hpp"
#include "iotops/voucher/create.hpp"
#include "iotops/voucher/envelope.hpp"

using namespace iotops;

namespace {

int run(int argc, char** argv) {
    if (argc < 2) throw Error(ErrorKind::usage, "usage: driver_cbrski_pledge URI --cert F --key F --out F [--sha256] [--name CERT]");
    std::string uri = argv[1], cert, key, out, name;
    bool sha256 = false;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw Error(ErrorKind::usage, a + " needs a value");
            return argv[++i];
        };
        if (a == "--cert") cert = value();
        else if (a == "--key") key = value();
        else if (a == "--out") out = value();
        else if (a == "--name") name = value();
        else if (a == "--sha256") sha256 = true;
        else throw Error(ErrorKind::usage, "unknown option " + a);
    }
    if (cert.empty() || key.empty() || out.empty()) throw Error(ErrorKind::usage, "--cert, --key and --out are required");
    auto chain = crypto::Certificate::load_all_file(cert);
    auto idevid_key = crypto::PrivateKey::load_file(key, std::nullopt);

    est::CoapClientOptions o;
    o.provisional = true;  // the pledge does not know its registrar yet: the voucher will say
    o.client_key = idevid_key;
    o.client_certificates = chain;
    o.max_fragment_length = 1024;
    o.timeout_ms = 20000;
    est::CoapClient client(uri, o);
    const crypto::Certificate registrar = name.empty() ? client.server_chain().at(0) : crypto::Certificate::load_all_file(name).at(0);

    Bytes spki = registrar.public_key().spki_der();
    std::string nonce = base64_encode(crypto::random_bytes(16));
    nlohmann::json d = {{"assertion", "proximity"}, {"nonce", nonce},
                        {"serial-number", chain.at(0).subject_attribute("serialNumber").value_or("")}};
    if (sha256) d["proximity-registrar-pubk-sha256"] = base64_encode(crypto::digest(crypto::Hash::sha256, spki));
    else d["proximity-registrar-pubk"] = base64_encode(spki);
    voucher::SignOptions so;
    so.format = voucher::Format::cose;
    Bytes pvr = voucher::sign(voucher::create(voucher::Kind::voucher_request, d), idevid_key, chain.at(0), so);

    auto r = client.request(est::CoapMethod::post, "/.well-known/brski/rv", pvr, est::coap_format::voucher_cose,
                            est::coap_format::voucher_cose);
    std::cerr << "code=" << est::code_string(r.code) << " cf=" << (r.content_format ? std::to_string(*r.content_format) : "none")
              << " bytes=" << r.payload.size() << " nonce=" << nonce << "\n";
    if (!r.success()) {
        std::cerr << std::string(r.payload.begin(), r.payload.end()) << "\n";
        return 1;
    }
    std::ofstream f(out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(r.payload.data()), static_cast<std::streamsize>(r.payload.size()));
    return f ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const Error& e) {
        std::cerr << "driver_cbrski_pledge: error: " << e.what() << "\n";
        return e.kind() == ErrorKind::usage ? 2 : e.kind() == ErrorKind::unreachable ? 69 : 1;
    }
}
