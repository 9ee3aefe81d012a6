// PKCS#7 / CMS "certs-only" messages (a degenerate SignedData without signers, RFC 5652 5.1 and
// RFC 7030 4.1.3): how EST carries CA certificates and issued certificates.
#pragma once
#include <string>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"

namespace iotops::crypto {

// DER of a ContentInfo holding SignedData with the certificates in the given order and no signers.
Bytes certs_only(const std::vector<Certificate>& certificates);

// The certificates of a certs-only message (DER; BER is accepted), in their order. Throws
// Error(malformed) for anything else, including a SignedData that carries signers or content.
std::vector<Certificate> parse_certs_only(ByteView der);

// RFC 7030 4.5.2 CSR attributes: a SEQUENCE of AttrOrOID. Each entry is an OID alone, or an
// attribute type with values given as dotted OIDs (e.g. extensionRequest carrying EKU OIDs is
// not expressible; values are OBJECT IDENTIFIERs, the common use such as ecPublicKey -> P-256).
struct CsrAttr {
    std::string oid;                  // dotted
    std::vector<std::string> values;  // empty: the OID alone; else an Attribute with OID values
};
Bytes encode_csr_attrs(const std::vector<CsrAttr>& attrs);
// Parses csrattrs DER. Attribute values that are not OIDs are skipped. Throws Error(malformed).
std::vector<CsrAttr> parse_csr_attrs(ByteView der);

}  // namespace iotops::crypto
