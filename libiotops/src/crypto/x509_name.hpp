// Conversions between the public Name, RFC 2253 strings and X509_NAME.
#pragma once
#include "crypto/native.hpp"

namespace iotops::crypto {

X509NamePtr to_x509_name(const Name& name);
Name from_x509_name(const X509_NAME* name);
std::string rfc2253(const X509_NAME* name);
Bytes name_der(const X509_NAME* name);

}  // namespace iotops::crypto
