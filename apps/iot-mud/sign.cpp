// iot-mud sign: a detached DER CMS signature over the MUD file's exact bytes (RFC 8520 section 13).
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "iotops/mud/signature.hpp"
#include "iotops/mud/validate.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::OutputOptions out;
    std::string key, cert, pass, content_type = "data";
    std::vector<std::string> chain;
    bool compat = false;
};

}  // namespace

void add_sign(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "sign", "Sign a MUD file: detached CMS in DER over its exact bytes", [o](cli::Context&) {
            cli::Input in = cli::read_input(o->in);
            mud::ValidateOptions vo;
            vo.compat = o->compat;
            mud::load(in.data, vo);  // never sign what does not validate
            std::optional<std::string> pass;
            if (!o->pass.empty()) pass = crypto::read_passphrase(o->pass);
            auto key = crypto::PrivateKey::load_file(o->key, pass);
            auto cert = crypto::Certificate::load_file(o->cert);
            mud::SignOptions so;
            so.mud_content_type = o->content_type == "mud";
            so.chain = crypto::Certificate::load_all_files(o->chain);
            Bytes sig = mud::sign(in.data, key, cert, so);
            cli::write_output(o->out, sig, cli::Content::binary);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--key", o->key, "Signer's private key file (PEM or DER)")->required();
    verb.add_option("--cert", o->cert, "Signer's certificate (key usage must allow digitalSignature)")->required();
    verb.add_option("--chain", o->chain, "Intermediate certificates to include; repeatable")->allow_extra_args(false);
    verb.add_option("--pass", o->pass, "Passphrase source for an encrypted key: pass:, env:, file:, fd:");
    verb.add_option("--content-type", o->content_type, "eContentType: data (id-data, default) or mud (id-ct-mudtype)")
        ->check(CLI::IsMember({"data", "mud"}));
    verb.add_flag("--compat", o->compat, "Sign a file that validates only with --compat");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::mud_cli
