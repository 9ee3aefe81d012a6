// crypto: the only area that touches OpenSSL. Keys, certificates, CSRs, chains, CMS, COSE, JWS.
#pragma once
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/jws.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/crypto/passphrase.hpp"
