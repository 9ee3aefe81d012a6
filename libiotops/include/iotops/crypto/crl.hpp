// X.509 v2 CRLs (RFC 5280 section 5): building and signing full and delta CRLs fast over millions
// of entries (the DER is written directly), and parsing CRLs to look a serial up.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

struct CrlEntry {
    std::string serial_hex;  // upper-case hex, even length
    Time revoked;
    std::optional<int> reason;  // RFC 5280 CRLReason code
    std::optional<Time> invalidity;
    std::optional<std::string> hold_instruction_oid;  // dotted
};

struct CrlSpec {
    Time this_update;
    Time next_update;
    std::string crl_number_hex;                // CRL Number (RFC 5280 5.2.3)
    std::optional<std::string> delta_base_hex;  // set: a delta CRL with this BaseCRLNumber
    std::vector<std::string> idp_uris;          // Issuing Distribution Point fullName URIs
    Hash hash = Hash::sha256;                   // ignored for Ed25519
};

// The signed CRL as DER. The issuer name and the authority key identifier come from `signer`
// (the CA itself, or a CRL signer certificate with the CA's name); `key` is the signer's key.
Bytes build_crl(const CrlSpec& spec, const std::vector<CrlEntry>& entries, const Certificate& signer,
                const PrivateKey& key);
// The same over entries made one at a time: `next` fills in the next entry and returns false at the
// end, so a CRL over millions of database entries needs no second copy of them. `count_hint`
// (how many there may be) sizes the buffer.
using CrlEntrySource = std::function<bool(CrlEntry&)>;
Bytes build_crl(const CrlSpec& spec, const CrlEntrySource& next, std::size_t count_hint, const Certificate& signer,
                const PrivateKey& key);
std::string crl_pem(ByteView der);

class Crl {
public:
    // PEM or DER. Throws Error(malformed).
    static Crl load(ByteView pem_or_der);

    Bytes der() const;
    std::string issuer() const;  // RFC 2253
    Time this_update() const;
    std::optional<Time> next_update() const;
    std::optional<std::string> number_hex() const;
    std::optional<std::string> delta_base_hex() const;
    // The signature verifies with the certificate's key and the CRL's issuer is its subject.
    bool issued_by(const Certificate& ca) const;
    std::optional<CrlEntry> find(const std::string& serial_hex) const;
    std::vector<CrlEntry> entries() const;

    struct Impl;
    explicit Crl(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    const Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<const Impl> impl_;
};

}  // namespace iotops::crypto
