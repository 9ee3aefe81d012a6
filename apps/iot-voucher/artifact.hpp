// What several iot-voucher verbs share: reading one artifact (size-capped), descriptions in JSON
// or YAML, loading a signer, and leaves given as files.
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/input.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/voucher.hpp"

namespace iotops::voucher_cli {

// Vouchers are a few kilobytes; anything past this is refused before it is read.
inline constexpr std::size_t max_artifact_size = std::size_t{1} << 20;

// The whole input, refused (malformed, 65) when larger than max_artifact_size.
Bytes read_artifact(const cli::InputOptions& in);
// read_artifact, then voucher::open with --in-format (auto sniffs).
voucher::Envelope open_artifact(const cli::InputOptions& in);
// The encoding --in-format names for a single artifact.
codec::Format artifact_format(const std::string& in_format);

// A description (YANG-JSON instance or flat leaves) from a file or "-": JSON, or YAML
// (in_format "yaml", or "auto" when the text does not start with '{').
nlohmann::json read_description(const std::string& path, const std::string& in_format);

// The signing options every signing verb takes: --format, --key, --cert, --chain, --pass, --alg.
struct SignerOptions {
    std::string format = "cms", key, cert, pass, alg;
    std::vector<std::string> chain;
};
void add_signer_options(CLI::App& verb, SignerOptions& o, bool required);

struct Signer {
    crypto::PrivateKey key;
    crypto::Certificate cert;
    voucher::SignOptions options;
    // COSE reuses one key context per thread (streams sign on several).
    Bytes sign(const voucher::Voucher& v) const;
};
// Loads key, certificate and chain once; Error(usage) when the certificate is not the key's.
Signer load_signer(const SignerOptions& o);

// A certificate file as the base64 DER a binary leaf holds.
std::string certificate_leaf(const std::string& path);
// A public key or certificate file as base64 SubjectPublicKeyInfo DER, or its SHA-256.
std::string public_key_leaf(const std::string& path, bool sha256);

}  // namespace iotops::voucher_cli
