// X.509 certificates and CSRs: parse, build, issue, verify chains at a chosen time.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

// Well-known OIDs used across the tools.
namespace oid {
inline constexpr const char* masa_url = "1.3.6.1.5.5.7.1.32";
inline constexpr const char* mud_url = "1.3.6.1.5.5.7.1.25";
inline constexpr const char* mud_signer = "1.3.6.1.5.5.7.1.30";
inline constexpr const char* kp_cmc_ra = "1.3.6.1.5.5.7.3.28";
inline constexpr const char* kp_server_auth = "1.3.6.1.5.5.7.3.1";
inline constexpr const char* kp_client_auth = "1.3.6.1.5.5.7.3.2";
inline constexpr const char* kp_code_signing = "1.3.6.1.5.5.7.3.3";
inline constexpr const char* kp_ocsp_signing = "1.3.6.1.5.5.7.3.9";
inline constexpr const char* id_data = "1.2.840.113549.1.7.1";
inline constexpr const char* ct_anima_json_voucher = "1.2.840.113549.1.9.16.1.40";
}  // namespace oid

// Key usage bits by RFC 5280 name.
enum KeyUsage : unsigned {
    ku_digital_signature = 1u << 0,
    ku_non_repudiation = 1u << 1,
    ku_key_encipherment = 1u << 2,
    ku_data_encipherment = 1u << 3,
    ku_key_agreement = 1u << 4,
    ku_key_cert_sign = 1u << 5,
    ku_crl_sign = 1u << 6,
};

// A distinguished name as ordered (attribute, value) pairs, e.g. {"CN","pledge"},{"serialNumber","JADA1"}.
// Attribute names are OpenSSL short names or dotted OIDs.
using Name = std::vector<std::pair<std::string, std::string>>;
Name parse_name(std::string_view text);  // "CN=x,O=y,serialNumber=z" (RFC 4514 order as written)

class Certificate {
public:
    static Certificate load(ByteView pem_or_der);                  // the first certificate
    static std::vector<Certificate> load_all(ByteView pem_or_der);  // every PEM block, or one DER
    static Certificate load_file(const std::string& path);
    static std::vector<Certificate> load_all_file(const std::string& path);
    // Every certificate of every file, in order (a repeatable --ca option).
    static std::vector<Certificate> load_all_files(const std::vector<std::string>& paths);

    Bytes der() const;
    std::string pem() const;
    std::string subject() const;  // RFC 2253 string
    Name subject_name() const;    // in encoding order, as Csr::subject_name
    std::string issuer() const;
    std::string subject_oneline() const;  // OpenSSL's one-line form, as index.txt holds it: /CN=a/serialNumber=b
    std::optional<std::string> subject_attribute(std::string_view short_name) const;  // e.g. "serialNumber"
    std::string serial_hex() const;  // upper-case hex, no separators
    Time not_before() const;
    Time not_after() const;
    PublicKey public_key() const;
    bool is_ca() const;
    unsigned key_usage() const;             // KeyUsage bits; 0 when absent
    std::vector<std::string> ext_key_usage() const;  // dotted OIDs
    std::optional<Bytes> subject_key_id() const;
    std::optional<Bytes> authority_key_id() const;  // the keyIdentifier
    // The AKI extension's extnValue as the DER OCTET STRING *including* its own tag and length,
    // e.g. 04 18 30 16 80 14 <20-byte keyIdentifier>: exactly what 8366bis puts in idevid-issuer
    // (erratum 7263). nullopt when the certificate has no AKI extension.
    // (extension_value() below returns the contents only, i.e. 30 16 80 14 ...)
    std::optional<Bytes> authority_key_id_extension_value() const;
    std::optional<std::string> masa_url() const;
    std::optional<std::string> mud_url() const;
    std::optional<std::string> mud_signer() const;  // RFC 2253 string of the signer's subject
    std::optional<Bytes> extension_value(std::string_view dotted_oid) const;  // raw extnValue contents
    Bytes fingerprint_sha256() const;
    bool self_signed() const;
    bool operator==(const Certificate& other) const;

    struct Impl;
    explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    const Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<const Impl> impl_;
};

// What a certificate to issue looks like. Serial is 16 random bytes when empty; SKI and AKI are added.
struct CertificateSpec {
    Name subject;
    Bytes serial;
    Time not_before;                // unset (the epoch): now
    std::optional<Time> not_after;  // none: 99991231235959Z (RFC 5280 4.1.2.5, device certificates)
    bool is_ca = false;
    std::optional<int> path_length;
    unsigned key_usage = 0;           // 0: no extension
    std::vector<std::string> ext_key_usage;  // dotted OIDs
    std::vector<std::string> dns_names;
    std::vector<std::string> uris;
    std::optional<std::string> masa_url;
    std::optional<std::string> mud_url;
    std::optional<Name> mud_signer;
    bool ocsp_nocheck = false;  // id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1), for delegated OCSP responders
    bool no_rev_avail = false;  // id-ce-noRevAvail (RFC 9608), for end-entity certificates without revocation
    Hash hash = Hash::sha256;  // ignored for Ed25519 issuers
};

// Issues a certificate for subject_key, signed by issuer_key. With no issuer certificate it is self-signed.
Certificate issue_certificate(const CertificateSpec& spec, const PublicKey& subject_key,
                              const PrivateKey& issuer_key, const Certificate* issuer = nullptr);

class Csr {
public:
    static Csr create(const Name& subject, const PrivateKey& key, const std::vector<std::string>& dns_names = {});
    static Csr load(ByteView pem_or_der);
    Bytes der() const;
    std::string pem() const;
    std::string subject() const;
    Name subject_name() const;
    PublicKey public_key() const;
    bool verify_signature() const;

    struct Impl;
    explicit Csr(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
    const Impl& impl() const { return *impl_; }

private:
    std::shared_ptr<const Impl> impl_;
};

struct ChainOptions {
    std::vector<Certificate> trust_anchors;
    std::vector<Certificate> intermediates;
    std::optional<Time> at;       // none: now
    bool any_purpose = true;      // no EKU purpose check unless required_eku is set
    std::optional<std::string> required_eku;  // dotted OID the leaf must carry
};

struct ChainResult {
    bool ok = false;
    std::string error;  // OpenSSL's reason when not ok, e.g. "certificate has expired"
    std::vector<Certificate> chain;  // leaf first, anchor last, when ok
};

ChainResult verify_chain(const Certificate& leaf, const ChainOptions& options);

}  // namespace iotops::crypto
