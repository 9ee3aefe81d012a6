#include "auth_options.hpp"

#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/passphrase.hpp"

namespace iotops::suit_cli {

void add_auth_options(CLI::App& verb, AuthOptions& o) {
    verb.add_option("--key", o.keys, "Private key (PEM or DER) that signs with COSE_Sign1; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--mac-key", o.mac_keys, "File holding a shared secret (>= 32 bytes) for COSE_Mac0 HMAC 256/256; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--cert", o.certs, "Certificate of the i-th --key, put in its x5chain header; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--kid", o.kids, "Key identifier (text) of the i-th block, keys first then MAC keys; repeatable")
        ->allow_extra_args(false);
    verb.add_option("--pass", o.pass, "Passphrase source for encrypted keys: pass:, env:, file:, fd:");
    verb.add_option("--alg", o.alg, "COSE algorithm for every --key: ES256, ESP256, EdDSA, Ed25519; default from the key");
}

struct AuthSet::Signers {
    std::vector<crypto::cose::Signer> signers;
};

AuthSet::~AuthSet() = default;

AuthSet::AuthSet(const AuthOptions& o) {
    if (o.certs.size() > o.keys.size())
        throw Error(ErrorKind::usage, "--cert given " + std::to_string(o.certs.size()) + " times for " +
                                          std::to_string(o.keys.size()) + " --key");
    if (o.kids.size() > o.keys.size() + o.mac_keys.size())
        throw Error(ErrorKind::usage, "more --kid than --key and --mac-key");
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    for (std::size_t i = 0; i < o.keys.size(); ++i) {
        keys_.push_back(crypto::PrivateKey::load_file(o.keys[i], pass));
        crypto::cose::Algorithm alg = o.alg.empty() ? crypto::cose::default_algorithm(keys_.back().type())
                                                    : crypto::cose::parse_algorithm(o.alg);
        if (!crypto::cose::is_signature_algorithm(alg))
            throw Error(ErrorKind::usage, "--alg " + o.alg + " is not a signature algorithm", "MAC keys go in --mac-key");
        crypto::cose::Signer check(keys_.back(), alg);  // Error(usage) when key and alg do not fit
        algs_.push_back(alg);
        suit::Authenticator a;
        if (i < o.certs.size()) {
            a.x5chain = crypto::Certificate::load_all_file(o.certs[i]);
            if (a.x5chain.empty() || !(a.x5chain.front().public_key() == keys_.back().public_key()))
                throw Error(ErrorKind::usage, "--cert " + o.certs[i] + " does not belong to --key " + o.keys[i]);
        }
        templates_.push_back(std::move(a));
    }
    key_count_ = keys_.size();
    for (const auto& path : o.mac_keys) {
        Bytes secret = read_file(path);
        if (secret.size() < 32)
            throw Error(ErrorKind::usage, "--mac-key " + path + ": the secret has " + std::to_string(secret.size()) +
                                              " bytes, HMAC 256/256 needs at least 32");
        suit::Authenticator a;
        a.mac_key = secret;
        templates_.push_back(std::move(a));
        macs_.push_back(std::move(secret));
    }
    for (std::size_t i = 0; i < o.kids.size(); ++i) templates_[i].kid = Bytes(o.kids[i].begin(), o.kids[i].end());
}

std::unique_ptr<AuthSet::Signers> AuthSet::borrow() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!free_.empty()) {
            auto s = std::move(free_.back());
            free_.pop_back();
            return s;
        }
    }
    auto s = std::make_unique<Signers>();
    for (std::size_t i = 0; i < keys_.size(); ++i) s->signers.emplace_back(keys_[i], algs_[i]);
    return s;
}

void AuthSet::give_back(std::unique_ptr<Signers> s) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(s));
}

std::vector<Bytes> AuthSet::blocks(ByteView digest_item) {
    auto s = borrow();
    std::vector<Bytes> out;
    try {
        for (std::size_t i = 0; i < templates_.size(); ++i) {
            suit::Authenticator a = templates_[i];
            if (i < key_count_) a.signer = &s->signers[i];
            out.push_back(suit::authentication_block(a, digest_item));
        }
    } catch (...) {
        give_back(std::move(s));
        throw;
    }
    give_back(std::move(s));
    return out;
}

}  // namespace iotops::suit_cli
