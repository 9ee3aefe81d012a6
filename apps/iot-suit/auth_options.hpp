// Signing options shared by `create` and `sign`: keys loaded once, one COSE block per key.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/tool.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/suit/sign.hpp"

namespace iotops::suit_cli {

struct AuthOptions {
    std::vector<std::string> keys;      // private keys for COSE_Sign1
    std::vector<std::string> mac_keys;  // shared secrets for COSE_Mac0
    std::vector<std::string> certs;     // the i-th goes into the i-th signature's x5chain
    std::vector<std::string> kids;      // the i-th is the kid of the i-th block (keys, then MAC keys)
    std::string pass, alg;
};

void add_auth_options(CLI::App& verb, AuthOptions& o);

// The loaded keys. blocks() may be called from several threads at once: each call borrows a set
// of prepared signers from a pool.
class AuthSet {
public:
    explicit AuthSet(const AuthOptions& o);
    ~AuthSet();
    bool empty() const { return key_count_ == 0 && macs_.empty(); }
    std::vector<Bytes> blocks(ByteView digest_item);

private:
    struct Signers;
    std::unique_ptr<Signers> borrow();
    void give_back(std::unique_ptr<Signers> s);

    std::vector<crypto::PrivateKey> keys_;
    std::vector<crypto::cose::Algorithm> algs_;
    std::vector<suit::Authenticator> templates_;  // kid / x5chain / mac key per block, signer unset
    std::vector<Bytes> macs_;
    std::size_t key_count_ = 0;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Signers>> free_;
};

}  // namespace iotops::suit_cli
