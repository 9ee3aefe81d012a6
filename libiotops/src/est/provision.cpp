// IDevID minting. RFC 8995 section 2.3 recommends no key usage restrictions in an IDevID, so the
// certificate carries none (no keyUsage, no extendedKeyUsage); section 2.3.1 puts the device serial
// in the subject serialNumber; section 2.3.2 defines id-pe-masa-url.
#include "iotops/est/provision.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "est/provision_dir.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/mud/url.hpp"

namespace iotops::est {

namespace {

constexpr std::size_t max_serial_length = 64;  // ub-serial-number, RFC 5280 appendix A.1

// The PrintableString alphabet (X.680 section 41.4): X520SerialNumber is a PrintableString.
bool printable_string_char(unsigned char c) {
    return std::isalnum(c) || c == ' ' || c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' || c == '-' ||
           c == '.' || c == '/' || c == ':' || c == '=' || c == '?';
}

bool ieq(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

bool is_serial_number_attribute(std::string_view attr) { return ieq(attr, "serialNumber") || attr == "2.5.4.5"; }

// A JSON string literal: quotes, escapes control characters, keeps the error message on one line.
std::string json_quoted(std::string_view s) {
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

crypto::Name subject_for(const crypto::Name& extra, const std::string& serial) {
    crypto::Name name = extra;
    bool has_cn = std::any_of(name.begin(), name.end(), [](const auto& rdn) {
        return ieq(rdn.first, "CN") || ieq(rdn.first, "commonName") || rdn.first == "2.5.4.3";
    });
    if (!has_cn) name.emplace_back("CN", serial);
    name.emplace_back("serialNumber", serial);
    return name;
}

crypto::Certificate mint(const ManufacturerCa& ca, const ProvisionOptions& opts, const std::string& serial,
                         const std::optional<std::string>& mud_url, const crypto::PublicKey& device_key) {
    crypto::CertificateSpec spec;
    spec.subject = subject_for(opts.subject, serial);
    spec.masa_url = opts.masa_url;
    spec.mud_url = mud_url;
    if (opts.valid) spec.not_after = now() + *opts.valid;
    spec.hash = ca.key.type() == crypto::KeyType::p384 ? crypto::Hash::sha384 : crypto::Hash::sha256;
    return crypto::issue_certificate(spec, device_key, ca.key, &ca.cert);
}

}  // namespace

ManufacturerCa load_manufacturer_ca(const std::string& cert_path, const std::string& key_path,
                                    std::optional<std::string> passphrase, const std::string& chain_path) {
    auto cert = crypto::Certificate::load_file(cert_path);
    auto key = crypto::PrivateKey::load_file(key_path, std::move(passphrase));
    if (!(key.public_key() == cert.public_key()))
        throw Error(ErrorKind::usage, "the CA key " + key_path + " does not belong to the CA certificate " + cert_path);
    if (!cert.is_ca())
        throw Error(ErrorKind::usage, cert_path + ": " + cert.subject() + " is not a CA certificate (basicConstraints cA is not set)");
    if (cert.key_usage() != 0 && !(cert.key_usage() & crypto::ku_key_cert_sign))
        throw Error(ErrorKind::usage, cert_path + ": " + cert.subject() + " may not sign certificates (keyUsage lacks keyCertSign)");
    if (Time t = now(); cert.not_after() < t || cert.not_before() > t)
        throw Error(ErrorKind::usage, cert_path + ": " + cert.subject() + " is valid only from " +
                                          format_rfc3339(cert.not_before()) + " to " + format_rfc3339(cert.not_after()) +
                                          "; devices would carry certificates that do not verify");
    ManufacturerCa ca{cert, key, {}};
    if (!cert.self_signed()) ca.intermediates.push_back(cert);
    if (chain_path.empty()) return ca;
    auto chain = crypto::Certificate::load_all_file(chain_path);
    if (chain.empty()) throw Error(ErrorKind::malformed, chain_path + ": no certificate");
    const crypto::Certificate* below = &cert;
    for (const auto& c : chain) {
        if (below->issuer() != c.subject())
            throw Error(ErrorKind::usage, chain_path + ": " + c.subject() + " is not the issuer of " + below->subject(),
                        "list the chain in order, from the issuer of the CA certificate upwards");
        if (!c.self_signed()) ca.intermediates.push_back(c);  // the root is the verifier's, not the pledge's
        below = &c;
    }
    return ca;
}

std::optional<std::string> serial_number_problem(std::string_view serial) {
    if (serial.empty()) return "empty";
    for (unsigned char c : serial) {
        if (c < 0x20 || c == 0x7f) return "contains a control character";
        if (c == '/') return "contains '/', and it names the device directory";
        if (!printable_string_char(c)) {
            std::string shown = c < 0x80 ? "'" + std::string(1, static_cast<char>(c)) + "'" : "a non-ASCII byte";
            return "contains " + shown + ", which a PrintableString (X520SerialNumber) cannot hold";
        }
    }
    if (serial == "." || serial == "..") return "is '" + std::string(serial) + "', not a directory name";
    if (serial.front() == '.') return "starts with '.' (device directories are not hidden)";
    if (serial.front() == ' ' || serial.back() == ' ') return "begins or ends with a space";
    if (serial.size() > max_serial_length) return "longer than 64 characters (ub-serial-number, RFC 5280)";
    return std::nullopt;
}

std::optional<std::string> masa_url_problem(std::string_view url) {
    if (url.empty()) return "empty";
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7f) return "only printable ASCII without spaces fits its IA5String";
    if (url.find('/') == std::string_view::npos) {
        // The authority alone: https://<authority>/.well-known/brski is implied.
        if (url.find_first_of("?#") != std::string_view::npos) return "an authority alone has no query or fragment";
        return std::nullopt;
    }
    if (url.size() < 8 || !ieq(url.substr(0, 8), "https://"))
        return "give the authority alone (masa.example.com:9443) or an https:// URI: the registrar must reach the "
               "MASA over HTTPS (RFC 8995 section 2.3.2)";
    if (url.size() == 8 || url[8] == '/') return "no authority after https://";
    return std::nullopt;
}

DeviceRequest device_request_from_record(const nlohmann::json& record) {
    DeviceRequest req;
    if (record.is_string()) {
        req.serial = record.get<std::string>();
        return req;
    }
    if (!record.is_object()) throw Error(ErrorKind::malformed, "expected {\"serial-number\": ...} or a string");
    bool has_serial = false;
    for (const auto& [key, value] : record.items()) {
        if (key == "id") continue;
        if (key != "serial-number" && key != "mud-url")
            throw Error(ErrorKind::malformed, "unknown member " + json_quoted(key),
                        "a record holds serial-number, and optionally mud-url and id");
        if (!value.is_string()) throw Error(ErrorKind::malformed, key + " is not a string");
        if (key == "serial-number") {
            req.serial = value.get<std::string>();
            has_serial = true;
        } else {
            req.mud_url = value.get<std::string>();
        }
    }
    if (!has_serial) throw Error(ErrorKind::malformed, "no serial-number");
    return req;
}

void check_provision_options(const ManufacturerCa& ca, const ProvisionOptions& opts) {
    if (auto p = masa_url_problem(opts.masa_url)) throw Error(ErrorKind::usage, "MASA URL " + json_quoted(opts.masa_url) + ": " + *p);
    if (opts.mud_url) {
        try {
            mud::check_mud_url(*opts.mud_url);
        } catch (const Error& e) {
            throw Error(ErrorKind::usage, e.what(), e.hint());
        }
    }
    for (const auto& [attr, value] : opts.subject)
        if (is_serial_number_attribute(attr))
            throw Error(ErrorKind::usage, "subject: serialNumber comes from each device's serial number, not from the subject");
    if (opts.key_type == crypto::KeyType::other)
        throw Error(ErrorKind::usage, "device keys are P-256, P-384 or Ed25519");
    if (opts.valid && opts.valid->count() <= 0) throw Error(ErrorKind::usage, "the validity must be positive");
    // One throwaway certificate, so that a subject OpenSSL refuses fails the run once, not every device.
    mint(ca, opts, "check", opts.mud_url, crypto::PrivateKey::generate(opts.key_type).public_key());
}

ProvisionedDevice provision_device(const ManufacturerCa& ca, const ProvisionOptions& opts, const DeviceRequest& device) {
    if (auto p = serial_number_problem(device.serial))
        throw Error(ErrorKind::malformed, "serial-number " + json_quoted(device.serial) + ": " + *p);
    std::optional<std::string> mud_url = device.mud_url ? device.mud_url : opts.mud_url;
    if (device.mud_url) mud::check_mud_url(*device.mud_url);
    ensure_directory(opts.out_dir);
    std::string directory = join_path(opts.out_dir, device.serial);
    // Fail before spending a key; the rename below is what really decides.
    if (!opts.force) refuse_existing_device(directory);

    auto key = crypto::PrivateKey::generate(opts.key_type);
    auto cert = mint(ca, opts, device.serial, mud_url, key.public_key());
    std::string chain = cert.pem();
    for (const auto& c : ca.intermediates) chain += c.pem();

    StagedDirectory stage(opts.out_dir, device.serial);
    // Mode 0600 from creation, in a 0700 directory nobody else has seen yet; the directory's rename
    // is the atomic step, so the key needs no temporary name of its own (one fsync less per device).
    stage.write_file(idevid_key_file, key.pkcs8_pem(), 0600);
    stage.write_file(idevid_cert_file, cert.pem());
    stage.write_file(idevid_chain_file, chain);
    stage.commit(opts.force);
    return ProvisionedDevice{device.serial,
                             directory,
                             join_path(directory, idevid_key_file),
                             join_path(directory, idevid_cert_file),
                             join_path(directory, idevid_chain_file),
                             cert};
}

}  // namespace iotops::est
