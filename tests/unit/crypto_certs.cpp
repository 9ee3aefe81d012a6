#include <doctest/doctest.h>

#include <functional>

#include "iotops/core.hpp"
#include "iotops/crypto/certificate.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::crypto;
using iotops::test::read_vector;
using iotops::test::vector_path;

namespace {

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::internal;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("RFC 8995 IDevID: MASA URL, serialNumber, SKI, no AKI") {
    Certificate c = Certificate::load_file(vector_path("voucher/rfc8995/idevid_00-D0-E5-F2-00-02.crt"));
    CHECK(c.subject() == "serialNumber=00-D0-E5-F2-00-02");
    CHECK(c.issuer() == "CN=highway-test.example.com CA");
    CHECK(c.subject_attribute("serialNumber") == "00-D0-E5-F2-00-02");
    CHECK_FALSE(c.subject_attribute("CN").has_value());
    CHECK(c.masa_url() == "highway-test.example.com:9443");
    CHECK_FALSE(c.mud_url().has_value());
    CHECK(c.serial_hex() == "1F18FEE7");
    CHECK(format_rfc3339(c.not_before()) == "2021-04-27T18:29:30Z");
    CHECK(format_rfc3339(c.not_after()) == "2999-12-31T00:00:00Z");
    CHECK(hex_encode(*c.subject_key_id(), true) == "4588CC9696006437B0BA236564645408066C56AD");
    CHECK_FALSE(c.authority_key_id().has_value());
    CHECK_FALSE(c.authority_key_id_extension_value().has_value());
    CHECK_FALSE(c.is_ca());
    CHECK(c.public_key().type() == KeyType::p256);
    // DER and PEM round trips give the same certificate.
    CHECK(Certificate::load(c.der()) == c);
    CHECK(Certificate::load(as_bytes(c.pem())).der() == c.der());
    CHECK(c.fingerprint_sha256() == digest(Hash::sha256, c.der()));
    CHECK_FALSE(c.self_signed());
}

TEST_CASE("cBRSKI pledge: serialNumber, key usage, MASA URL") {
    Certificate c = Certificate::load(read_vector("voucher/cose/pledge.pem"));
    CHECK(c.subject_attribute("serialNumber") == "JADA123456789");
    CHECK(c.subject() == "serialNumber=JADA123456789,CN=Stok IoT sensor Y-42");
    CHECK(c.masa_url() == "masa.stok.nl");
    CHECK(c.serial_hex() == "7EAD");
    CHECK(c.key_usage() == (ku_digital_signature | ku_non_repudiation | ku_key_encipherment | ku_data_encipherment));
    CHECK(hex_encode(*c.authority_key_id(), true) == "CB8D98CA74C51B58DDE7ACEF869A9443A8D666A6");
    // The DER file is the same certificate.
    CHECK(Certificate::load(read_vector("voucher/cose/pledge.der")) == c);
}

TEST_CASE("registrar certificates carry EKU cmcRA") {
    for (const char* path : {"voucher/jws/registrar.crt", "voucher/cose/registrar.pem", "voucher/rfc8995/jrc_prime256v1.crt"}) {
        CAPTURE(path);
        Certificate c = Certificate::load(read_vector(path));
        CHECK(contains(c.ext_key_usage(), oid::kp_cmc_ra));
    }
    Certificate pledge = Certificate::load(read_vector("voucher/jws/pledge.crt"));
    CHECK(pledge.ext_key_usage() == std::vector<std::string>{oid::kp_client_auth});
    CHECK(pledge.key_usage() == ku_digital_signature);
    CHECK(pledge.masa_url() == "masa-test.xyzmanufacturer.com:9443");
    CHECK(pledge.subject_attribute("serialNumber") == "kit-987654321");
}

TEST_CASE("load_all reads every PEM block; bad input is malformed") {
    std::string two = to_string(read_vector("voucher/jws/pledge.crt")) + "\n" +
                      to_string(read_vector("voucher/jws/pledge-ca.crt"));
    auto all = Certificate::load_all(as_bytes(two));
    REQUIRE(all.size() == 2);
    CHECK(all[1].is_ca());
    CHECK(all[1].self_signed());
    CHECK(Certificate::load(as_bytes(two)) == all[0]);
    CHECK(Certificate::load_all(read_vector("voucher/cose/pledge.der")).size() == 1);
    CHECK(kind_of([] { Certificate::load(to_bytes("garbage")); }) == ErrorKind::malformed);
    CHECK(kind_of([] { Certificate::load_all(to_bytes("-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n")); }) ==
          ErrorKind::malformed);
    Bytes der = read_vector("voucher/cose/pledge.der");
    der.push_back(0);
    CHECK(kind_of([&] { Certificate::load(der); }) == ErrorKind::malformed);
    der.resize(der.size() - 10);
    CHECK(kind_of([&] { Certificate::load(der); }) == ErrorKind::malformed);
    CHECK(kind_of([] { Certificate::load_file("/nonexistent.pem"); }) == ErrorKind::missing);
}
