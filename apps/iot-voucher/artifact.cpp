#include "artifact.hpp"

#include "common/reader.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/codec/yaml.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/passphrase.hpp"

namespace iotops::voucher_cli {
namespace {

[[noreturn]] void too_large(const std::string& name, std::uint64_t size) {
    throw Error(ErrorKind::malformed, "voucher: " + name + " is " + std::to_string(size) +
                                          " bytes; a voucher artifact is at most " + std::to_string(max_artifact_size) +
                                          " bytes (1 MiB)");
}

}  // namespace

Bytes read_artifact(const cli::InputOptions& in) {
    auto r = cli::Reader::open(in.path);
    // A regular file is judged by its size, so a huge one is refused without reading it.
    if (auto size = r.size(); size && *size > max_artifact_size) too_large(r.name(), *size);
    Bytes out;
    while (r.peek() >= 0) {
        if (out.size() >= max_artifact_size) too_large(r.name(), out.size() + 1);
        int c = r.get();
        out.push_back(static_cast<std::uint8_t>(c));
    }
    return out;
}

codec::Format artifact_format(const std::string& f) {
    if (f == "json") return codec::Format::json;
    if (f == "cbor") return codec::Format::cbor;
    if (f == "pem") return codec::Format::pem;
    if (f == "der") return codec::Format::der;
    if (f == "base64") return codec::Format::base64;
    return codec::Format::unknown;
}

voucher::Envelope open_artifact(const cli::InputOptions& in) {
    return voucher::open(read_artifact(in), artifact_format(in.format));
}

nlohmann::json read_description(const std::string& path, const std::string& in_format) {
    cli::InputOptions in;
    in.path = path;
    Bytes data = read_artifact(in);
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) throw_malformed("description: empty input");
    bool json = in_format == "json" || (in_format != "yaml" && text[first] == '{');
    auto j = json ? codec::parse_json(text, "description") : codec::parse_yaml(text, "description");
    if (!j.is_object()) throw_malformed("description: not a mapping of leaf names to values");
    return j;
}

void add_signer_options(CLI::App& verb, SignerOptions& o, bool required) {
    verb.add_option("--format", o.format, "Signature format: cms (default), jws or cose")
        ->check(CLI::IsMember({"cms", "jws", "cose"}));
    auto* key = verb.add_option("--key", o.key, "Signer's private key file (PEM or DER)");
    auto* cert = verb.add_option("--cert", o.cert, "Signer's certificate file");
    if (required) {
        key->required();
        cert->required();
    }
    verb.add_option("--chain", o.chain, "Intermediate certificates to include; repeatable")->allow_extra_args(false);
    verb.add_option("--pass", o.pass, "Passphrase source for an encrypted key: pass:, env:, file:, fd:");
    verb.add_option("--alg", o.alg, "COSE algorithm (ES256, ES384, EdDSA...); default from the key");
}

Bytes Signer::sign(const voucher::Voucher& v) const {
    if (options.format != voucher::Format::cose) return voucher::sign(v, key, cert, options);
    thread_local const Signer* owner = nullptr;
    thread_local std::optional<crypto::cose::Signer> cose;
    if (owner != this || !cose) {
        cose.emplace(key, options.cose_alg.value_or(crypto::cose::default_algorithm(key.type())));
        owner = this;
    }
    return voucher::sign_cose(v, *cose, cert, options);
}

Signer load_signer(const SignerOptions& o) {
    if (o.key.empty() || o.cert.empty()) throw Error(ErrorKind::usage, "sign: --key and --cert go together");
    voucher::SignOptions s;
    s.format = voucher::parse_format(o.format);
    if (!o.alg.empty()) s.cose_alg = crypto::cose::parse_algorithm(o.alg);
    for (const auto& p : o.chain) {
        auto certs = crypto::Certificate::load_all_file(p);
        s.chain.insert(s.chain.end(), certs.begin(), certs.end());
    }
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    auto key = crypto::PrivateKey::load_file(o.key, pass);
    auto cert = crypto::Certificate::load_file(o.cert);
    if (!(cert.public_key() == key.public_key()))
        throw Error(ErrorKind::usage, "sign: the certificate does not belong to the key");
    return Signer{std::move(key), std::move(cert), std::move(s)};
}

std::string certificate_leaf(const std::string& path) { return base64_encode(crypto::Certificate::load_file(path).der()); }

std::string public_key_leaf(const std::string& path, bool sha256) {
    Bytes data = read_file(path);
    Bytes spki;
    try {
        spki = crypto::Certificate::load(data).public_key().spki_der();
    } catch (const Error&) {
        spki = crypto::PublicKey::load(data).spki_der();
    }
    return base64_encode(sha256 ? crypto::digest(crypto::Hash::sha256, spki) : spki);
}

}  // namespace iotops::voucher_cli
