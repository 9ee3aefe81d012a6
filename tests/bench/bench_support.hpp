// What the benchmark programs share: their CPU clock and a throwaway CA.
#pragma once
#include <sys/resource.h>

#include <chrono>
#include <string>

#include "iotops/core/time.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::bench {

// User CPU seconds of this process: the rate's denominator, steadier than wall time on a busy machine.
inline double user_cpu_seconds() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return static_cast<double>(r.ru_utime.tv_sec) + static_cast<double>(r.ru_utime.tv_usec) / 1e6;
}

// A self-signed CA for a year.
inline crypto::Certificate make_ca(const crypto::PrivateKey& key, const char* cn) {
    crypto::CertificateSpec s;
    s.subject = crypto::parse_name(std::string("CN=") + cn);
    s.is_ca = true;
    s.key_usage = crypto::ku_key_cert_sign | crypto::ku_crl_sign;
    s.not_after = now() + std::chrono::hours(24 * 365);
    return crypto::issue_certificate(s, key.public_key(), key);
}

}  // namespace iotops::bench
