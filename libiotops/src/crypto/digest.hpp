// Message digests for the crypto area: the EVP_MD of a Hash, fetched once per process.
#pragma once
#include <openssl/evp.h>

#include "iotops/crypto/key.hpp"

namespace iotops::crypto {

// Never null; fetched on first use and kept for the life of the process (no per-call name lookup).
const EVP_MD* evp_md(Hash h);

}  // namespace iotops::crypto
