// iot-voucher sign: a JSON voucher or voucher-request signed as CMS, JWS or COSE.
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/voucher.hpp"
#include "verbs.hpp"

namespace iotops::voucher_cli {

void add_sign(cli::Tool& tool) {
    struct Opts {
        cli::InputOptions in;
        cli::OutputOptions out;
        std::string format = "cms", key, cert, pass, alg;
        std::vector<std::string> chain;
    };
    auto o = std::make_shared<Opts>();
    auto& verb = tool.add_verb(
        "sign", "Sign a JSON voucher or voucher-request as CMS, JWS or COSE", [o](cli::Context&) {
            voucher::SignOptions s;
            s.format = voucher::parse_format(o->format);
            if (!o->alg.empty()) s.cose_alg = crypto::cose::parse_algorithm(o->alg);
            for (const auto& p : o->chain) {
                auto certs = crypto::Certificate::load_all_file(p);
                s.chain.insert(s.chain.end(), certs.begin(), certs.end());
            }
            std::optional<std::string> pass;
            if (!o->pass.empty()) pass = crypto::read_passphrase(o->pass);
            auto key = crypto::PrivateKey::load_file(o->key, pass);
            auto cert = crypto::Certificate::load_file(o->cert);
            if (!(cert.public_key() == key.public_key()))
                throw Error(ErrorKind::usage, "sign: the certificate does not belong to the key");
            auto input = cli::read_input(o->in);
            auto e = voucher::open(input.data);
            if (e.format != voucher::Format::json && e.format != voucher::Format::cbor)
                throw Error(ErrorKind::malformed, "sign: input is already signed (" +
                                                      std::string(voucher::format_name(e.format)) + "); give a bare voucher");
            // A MASA must not sign what breaks the artifact's own rules.
            for (const auto& c : voucher::check_rules(e.voucher))
                if (!c.ok) throw Error(ErrorKind::malformed, "sign: " + c.name + ": " + c.message);
            auto signed_bytes = voucher::sign(e.voucher, key, cert, s);
            cli::write_output(o->out, signed_bytes,
                              s.format == voucher::Format::jws ? cli::Content::text : cli::Content::binary);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--format", o->format, "Signature format: cms (default), jws or cose")
        ->check(CLI::IsMember({"cms", "jws", "cose"}));
    verb.add_option("--key", o->key, "Signer's private key file (PEM or DER)")->required();
    verb.add_option("--cert", o->cert, "Signer's certificate file")->required();
    verb.add_option("--chain", o->chain, "Intermediate certificates to include; repeatable")->allow_extra_args(false);
    verb.add_option("--pass", o->pass, "Passphrase source for an encrypted key: pass:, env:, file:, fd:");
    verb.add_option("--alg", o->alg, "COSE algorithm (ES256, ES384, EdDSA...); default from the key");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::voucher_cli
