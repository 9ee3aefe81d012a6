// Factory provisioning of IDevIDs (RFC 8995 section 2.3, IEEE 802.1AR): for each device a new key
// and a certificate from the manufacturer CA with the device serial in the subject serialNumber and
// the MASA URL extension, written as one device directory that appears whole or not at all.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"

namespace iotops::est {

// The files of a device directory <out>/<serial>/.
inline constexpr const char* idevid_key_file = "idevid.key";   // PKCS#8 PEM, mode 0600
inline constexpr const char* idevid_cert_file = "idevid.pem";  // the IDevID certificate
inline constexpr const char* idevid_chain_file = "chain.pem";  // IDevID then the intermediates, no root

// The manufacturer CA, loaded once for a whole run.
struct ManufacturerCa {
    crypto::Certificate cert;
    crypto::PrivateKey key;
    // What a pledge presents in TLS above its IDevID: the issuing CA when it is not self-signed,
    // then the --ca-chain certificates that are not self-signed, in the order given.
    std::vector<crypto::Certificate> intermediates;
};

// Loads the CA certificate, its key (passphrase for an encrypted key) and the optional chain file.
// Throws Error(usage) when the key does not belong to the certificate, the certificate is not a CA
// or not valid now, or a chain certificate is not the issuer of the one before it; file errors as
// read_file.
ManufacturerCa load_manufacturer_ca(const std::string& cert_path, const std::string& key_path,
                                    std::optional<std::string> passphrase, const std::string& chain_path = {});

// Why text cannot be a device serial number, or nullopt when it can: it names a directory and is an
// X520SerialNumber (PrintableString, 1 to 64 characters) without '/', a leading '.', or leading or
// trailing spaces.
std::optional<std::string> serial_number_problem(std::string_view serial);
// Why text cannot go in id-pe-masa-url (an IA5String URI, RFC 8995 section 2.3.2), or nullopt: the
// authority alone ("masa.example.com:9443", the recommended form) or an absolute https:// URI.
std::optional<std::string> masa_url_problem(std::string_view url);

// The same for every device of a run.
struct ProvisionOptions {
    std::string out_dir;  // created when missing
    crypto::KeyType key_type = crypto::KeyType::p256;
    std::string masa_url;
    std::optional<std::string> mud_url;          // default for devices that name none
    crypto::Name subject;                        // RDNs before serialNumber; CN=<serial> when it has no CN
    std::optional<std::chrono::seconds> valid;   // none: notAfter 99991231235959Z
    bool force = false;                          // replace an existing device directory
};

struct DeviceRequest {
    std::string serial;
    std::optional<std::string> mud_url;  // overrides ProvisionOptions::mud_url
};

// A device of a bulk run: {"serial-number": S, "mud-url"?: U, "id"?: any} (id is the caller's to
// copy) or the string S. Throws Error(malformed) for any other shape, a member that is not a string,
// or an unknown member. The serial number itself is checked by provision_device.
DeviceRequest device_request_from_record(const nlohmann::json& record);

struct ProvisionedDevice {
    std::string serial;
    std::string directory;
    std::string key_path;
    std::string cert_path;
    std::string chain_path;
    crypto::Certificate certificate;
};

// Checks the options once for a run: Error(usage) for a bad MASA or MUD URL, a subject that sets
// serialNumber itself or that OpenSSL refuses, or an unsupported key type.
void check_provision_options(const ManufacturerCa& ca, const ProvisionOptions& opts);

// Mints one IDevID. The device directory is built under a temporary name and renamed into place,
// so a failure leaves no key without its certificate. Errors: malformed (bad serial or MUD URL),
// usage (the directory exists and force is off), io/permission (writing).
// Safe to call from several threads at once with the same CA.
ProvisionedDevice provision_device(const ManufacturerCa& ca, const ProvisionOptions& opts, const DeviceRequest& device);

}  // namespace iotops::est
