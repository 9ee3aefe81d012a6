// The registrar's embedded CA: issues LDevIDs from PKCS#10 requests and records each one in an
// OpenSSL-`ca`-format database (the one iot-revoke revokes from and answers OCSP for).
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "iotops/ca/database.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::est {

struct CaConfig {
    crypto::Certificate certificate;
    crypto::PrivateKey key;
    std::vector<crypto::Certificate> chain;  // above the CA certificate, towards the root
    std::string database;                    // index.txt; created (empty) when missing
    std::chrono::seconds validity{std::chrono::hours(24 * 365)};
    std::string certs_dir;  // when set, each issued certificate is also written there as <SERIAL>.pem
};

class Ca {
public:
    explicit Ca(CaConfig config);

    // The CA certificate then its chain: what /cacerts answers.
    std::vector<crypto::Certificate> certificates() const;
    const crypto::Certificate& certificate() const { return config_.certificate; }

    // Issues a certificate for the CSR: its subject as given (serialNumber included), its key,
    // a random serial, EKU clientAuth, `validity` from now (capped at the CA's notAfter).
    // The CSR signature is checked first (Error(malformed)). The certificate is returned only
    // after its index.txt line is durably written; Error(negative) when the database refuses it
    // (unique_subject and a valid certificate with this subject exists).
    crypto::Certificate issue(const crypto::Csr& csr) const;
    // The same for a key that is not the CSR's (server-side key generation); no CSR check.
    crypto::Certificate issue_for(const crypto::Name& subject, const crypto::PublicKey& key) const;

    // True when the certificate was signed by this CA and its database entry is valid (not
    // revoked, not expired).
    bool issued_and_valid(const crypto::Certificate& cert) const;

private:
    // Group commit: concurrent enrolments share one locked read-modify-write of index.txt (and
    // its fsyncs); each caller returns once its own line is durable, or with its own error.
    struct Pending;
    void record(const ca::Entry& entry) const;

    CaConfig config_;
    ca::Database db_;
    mutable std::mutex queue_mutex_;
    mutable std::condition_variable queue_done_;
    mutable std::vector<Pending*> queue_;
    mutable bool writing_ = false;
};

}  // namespace iotops::est
