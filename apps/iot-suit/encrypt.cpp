// iot-suit encrypt: encrypt a payload for SUIT devices; writes the ciphertext and the
// SUIT_Encryption_Info to put in suit-parameter-encryption-info.
#include <memory>

#include "common/output.hpp"
#include "common/reader.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/suit/encryption.hpp"
#include "verbs.hpp"

namespace iotops::suit_cli {
namespace {

struct Opts {
    std::string input = "-";
    cli::OutputOptions out;
    std::string info_path;
    std::string alg = "A128GCM";
    std::vector<std::string> keks;
    std::vector<std::string> recipients;
    std::string kid;
};

}  // namespace

void add_encrypt(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "encrypt", "Encrypt a payload (A128KW or ECDH-ES+A128KW; A128CTR or A128GCM) and write its SUIT_Encryption_Info",
        [o](cli::Context&) {
            std::vector<suit::EncryptRecipient> to;
            for (const auto& path : o->keks) {
                Bytes kek = read_file(path);
                if (kek.size() != 16)
                    throw Error(ErrorKind::usage, "--kek " + path + ": " + std::to_string(kek.size()) +
                                                      " bytes, A128KW needs exactly 16");
                to.push_back({kek, std::nullopt, to_bytes(o->kid)});
            }
            for (const auto& path : o->recipients) {
                crypto::PublicKey k = crypto::PublicKey::load_file(path);
                if (k.type() != crypto::KeyType::p256)
                    throw Error(ErrorKind::usage, "--recipient " + path + ": ECDH-ES+A128KW needs a P-256 public key");
                to.push_back({std::nullopt, k, to_bytes(o->kid)});
            }
            if (to.empty())
                throw Error(ErrorKind::usage, "encrypt: no recipient",
                            "give --kek SECRET (16 bytes, A128KW) or --recipient DEVICE-PUBLIC.pem (ECDH-ES+A128KW)");
            Bytes plain = cli::Reader::open(o->input).read_all();
            std::int64_t alg = o->alg == "A128CTR" ? suit::alg_a128ctr : suit::alg_a128gcm;
            suit::EncryptedPayload enc = suit::encrypt_payload(plain, alg, to);
            // Both outputs are staged; neither appears unless both could be written.
            cli::OutputSink payload(o->out, cli::Content::binary);
            cli::OutputSink info(cli::OutputOptions{o->info_path, true}, cli::Content::binary);
            payload.write(enc.ciphertext);
            info.write(enc.encryption_info);
            info.commit();
            payload.commit();
            return 0;
        });
    verb.add_option("FILE", o->input, "Payload to encrypt ('-' for stdin)");
    cli::add_output_options(verb, o->out);
    verb.add_option("--encryption-info", o->info_path, "Where to write the SUIT_Encryption_Info (CBOR COSE_Encrypt)")
        ->required();
    verb.add_option("--alg", o->alg, "Content encryption: A128GCM (default) or A128CTR")
        ->check(CLI::IsMember({"A128GCM", "A128CTR"}));
    verb.add_option("--kek", o->keks, "File with a 16-byte shared key-encryption key (A128KW); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--recipient", o->recipients, "Device P-256 public key (ECDH-ES+A128KW); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--kid", o->kid, "Key identifier to put in each recipient");
}

}  // namespace iotops::suit_cli
