// IDevID minting: serial and MASA URL rules, the certificate's contents, the chain, the device
// directory's all-or-nothing replacement and two threads racing for one serial.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/est/provision.hpp"

using namespace iotops;
namespace fs = std::filesystem;

namespace {

std::string temp_dir() {
    std::string t = (fs::temp_directory_path() / "iotops-provision-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    return t;
}

// A root and an issuing CA under it, as a manufacturer has them.
struct Pki {
    crypto::PrivateKey root_key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::Certificate root;
    est::ManufacturerCa ca;

    static crypto::CertificateSpec ca_spec(const char* cn) {
        crypto::CertificateSpec s;
        s.subject = {{"O", "Acme"}, {"CN", cn}};
        s.is_ca = true;
        s.key_usage = crypto::ku_key_cert_sign | crypto::ku_crl_sign;
        return s;
    }
    Pki()
        : root(crypto::issue_certificate(ca_spec("Root"), root_key.public_key(), root_key)),
          ca{root, root_key, {}} {
        auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
        ca = est::ManufacturerCa{crypto::issue_certificate(ca_spec("IDevID CA"), key.public_key(), root_key, &root), key, {}};
        ca.intermediates.push_back(ca.cert);
    }
};

fs::perms mode_of(const std::string& p) { return fs::status(p).permissions() & fs::perms::all; }

std::size_t entries(const std::string& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("serial numbers must name a directory and fit a PrintableString") {
    for (const char* good : {"JADA123456789", "00-D0-E5-F2-00-02", "kit-987654321", "A b(1)+2,3=4?5:6'"})
        CHECK_MESSAGE(!est::serial_number_problem(good), good);
    CHECK(est::serial_number_problem(std::string(64, 'A')) == std::nullopt);
    CHECK(est::serial_number_problem(std::string(65, 'A'))->find("64") != std::string::npos);
    CHECK(*est::serial_number_problem("") == "empty");
    CHECK(est::serial_number_problem("a/b")->find("'/'") != std::string::npos);
    CHECK(est::serial_number_problem("..")->find("'..'") != std::string::npos);
    CHECK(est::serial_number_problem(".x")->find("starts with '.'") != std::string::npos);
    CHECK(est::serial_number_problem("a\nb")->find("control") != std::string::npos);
    CHECK(est::serial_number_problem(std::string("a\0b", 3))->find("control") != std::string::npos);
    CHECK(est::serial_number_problem("x_y")->find("'_'") != std::string::npos);
    CHECK(est::serial_number_problem("caf\xc3\xa9")->find("non-ASCII") != std::string::npos);
    CHECK(est::serial_number_problem(" x")->find("space") != std::string::npos);
}

TEST_CASE("stream records: an object with serial-number, mud-url and id, or a string") {
    auto r = est::device_request_from_record(nlohmann::json::parse(R"({"serial-number":"A1","mud-url":"https://m/x","id":[1]})"));
    CHECK(r.serial == "A1");
    CHECK(r.mud_url == "https://m/x");
    CHECK(est::device_request_from_record("B2").serial == "B2");
    CHECK_FALSE(est::device_request_from_record("B2").mud_url);
    for (const char* bad : {R"({"id":1})", R"({"serial-number":1})", R"({"serial-number":"A","mud-url":null})",
                            R"({"serial-number":"A","serial":"B"})", "[\"A\"]", "7", "null"}) {
        try {
            est::device_request_from_record(nlohmann::json::parse(bad));
            FAIL("accepted " << bad);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
        }
    }
}

TEST_CASE("MASA URLs: the authority alone or an https URI, IA5 without spaces") {
    for (const char* good : {"masa.example.com", "highway-test.example.com:9443", "[2001:db8::1]:443",
                             "https://masa.example.com/.well-known/brski", "HTTPS://masa.example.com/x"})
        CHECK_MESSAGE(!est::masa_url_problem(good), good);
    for (const char* bad : {"", "http://masa.example.com/x", "ftp://m/x", "masa example", "https:///x", "https://",
                            "m\xc3\xa4sa", "masa?x", "/brski"})
        CHECK_MESSAGE(est::masa_url_problem(bad), bad);
}

TEST_CASE("an IDevID carries serialNumber and the MASA URL, no key usage, and chains to the root") {
    Pki pki;
    std::string out = temp_dir();
    est::ProvisionOptions opts;
    opts.out_dir = out + "/devices";  // created on demand
    opts.masa_url = "masa.example.com:9443";
    opts.mud_url = "https://mud.example.com/default.json";
    est::check_provision_options(pki.ca, opts);

    auto d = est::provision_device(pki.ca, opts, {"JADA123", "https://mud.example.com/jada.json"});
    CHECK(d.directory == out + "/devices/JADA123");
    CHECK(d.certificate.subject_attribute("serialNumber") == "JADA123");
    CHECK(d.certificate.subject_attribute("CN") == "JADA123");
    CHECK(d.certificate.masa_url() == "masa.example.com:9443");
    CHECK(d.certificate.mud_url() == "https://mud.example.com/jada.json");  // the record's wins
    CHECK(d.certificate.key_usage() == 0);
    CHECK(d.certificate.ext_key_usage().empty());
    CHECK_FALSE(d.certificate.is_ca());
    CHECK(format_rfc3339(d.certificate.not_after()) == "9999-12-31T23:59:59Z");
    CHECK(d.certificate.authority_key_id() == pki.ca.cert.subject_key_id());

    auto key = crypto::PrivateKey::load_file(d.key_path);
    CHECK(key.public_key() == d.certificate.public_key());
    CHECK(mode_of(d.key_path) == (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(mode_of(d.directory) == fs::perms::owner_all);
    CHECK(crypto::Certificate::load_file(d.cert_path) == d.certificate);

    auto chain = crypto::Certificate::load_all_file(d.chain_path);
    REQUIRE(chain.size() == 2);
    CHECK(chain[0] == d.certificate);
    CHECK(chain[1] == pki.ca.cert);
    crypto::ChainOptions co;
    co.trust_anchors = {pki.root};
    co.intermediates = {chain[1]};
    CHECK(crypto::verify_chain(d.certificate, co).ok);

    auto other = est::provision_device(pki.ca, opts, {"JADA124", std::nullopt});
    CHECK(other.certificate.mud_url() == "https://mud.example.com/default.json");
    CHECK(other.certificate.serial_hex() != d.certificate.serial_hex());
    CHECK(entries(opts.out_dir) == 2);  // no staging directory left
    fs::remove_all(out);
}

TEST_CASE("subject, key type and validity options") {
    Pki pki;
    std::string out = temp_dir();
    est::ProvisionOptions opts;
    opts.out_dir = out;
    opts.masa_url = "masa.example.com";
    opts.subject = crypto::parse_name("O=Acme,CN=Widget");
    opts.key_type = crypto::KeyType::ed25519;
    opts.valid = std::chrono::hours(24 * 365);
    auto d = est::provision_device(pki.ca, opts, {"W1", std::nullopt});
    CHECK(d.certificate.subject() == "serialNumber=W1,CN=Widget,O=Acme");
    CHECK(d.certificate.public_key().type() == crypto::KeyType::ed25519);
    auto left = d.certificate.not_after() - now();
    CHECK(left > std::chrono::hours(24 * 364));
    CHECK(left < std::chrono::hours(24 * 366));

    opts.subject = crypto::parse_name("commonName=Gadget");
    CHECK(est::provision_device(pki.ca, opts, {"W2", std::nullopt}).certificate.subject() == "serialNumber=W2,CN=Gadget");
    opts.subject = crypto::parse_name("O=Acme,serialNumber=1");
    CHECK_THROWS_WITH_AS(est::check_provision_options(pki.ca, opts), doctest::Contains("serialNumber"), Error);
    opts.subject = crypto::parse_name("NOPE=1");
    CHECK_THROWS_AS(est::check_provision_options(pki.ca, opts), Error);
    opts.subject = {};
    opts.masa_url = "http://masa.example.com/x";
    CHECK_THROWS_WITH_AS(est::check_provision_options(pki.ca, opts), doctest::Contains("HTTPS"), Error);
    fs::remove_all(out);
}

TEST_CASE("an existing device is refused without force and replaced whole with it") {
    Pki pki;
    std::string out = temp_dir();
    est::ProvisionOptions opts;
    opts.out_dir = out;
    opts.masa_url = "masa.example.com";
    auto first = est::provision_device(pki.ca, opts, {"SN1", std::nullopt});
    Bytes old_key = read_file(first.key_path);
    try {
        est::provision_device(pki.ca, opts, {"SN1", std::nullopt});
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("already provisioned") != std::string::npos);
    }
    CHECK(read_file(first.key_path) == old_key);

    std::ofstream(out + "/SN1/notes.txt") << "old";
    opts.force = true;
    auto second = est::provision_device(pki.ca, opts, {"SN1", std::nullopt});
    CHECK(read_file(second.key_path) != old_key);
    CHECK_FALSE(second.certificate == first.certificate);
    CHECK_FALSE(fs::exists(out + "/SN1/notes.txt"));  // the old directory went as a whole
    CHECK(entries(out) == 1);
    fs::remove_all(out);
}

TEST_CASE("bad serials and a MUD URL that breaks RFC 8520 are malformed, and write nothing") {
    Pki pki;
    std::string out = temp_dir();
    est::ProvisionOptions opts;
    opts.out_dir = out;
    opts.masa_url = "masa.example.com";
    for (const char* s : {"", "..", "a/b", "../x", ".ssh"}) {
        try {
            est::provision_device(pki.ca, opts, {s, std::nullopt});
            FAIL("no error for " << s);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
        }
    }
    CHECK_THROWS_AS(est::provision_device(pki.ca, opts, {"M1", "http://mud.example.com/x"}), Error);
    CHECK(entries(out) == 0);
    fs::remove_all(out);
}

TEST_CASE("two threads provisioning one serial: one wins, the other is refused") {
    Pki pki;
    std::string out = temp_dir();
    est::ProvisionOptions opts;
    opts.out_dir = out;
    opts.masa_url = "masa.example.com";
    for (int round = 0; round < 20; ++round) {
        std::string serial = "RACE-" + std::to_string(round);
        std::atomic<int> ok{0}, refused{0};
        auto run = [&] {
            try {
                est::provision_device(pki.ca, opts, {serial, std::nullopt});
                ++ok;
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::usage) ++refused;
            }
        };
        std::thread a(run), b(run);
        a.join();
        b.join();
        CHECK(ok == 1);
        CHECK(refused == 1);
        auto key = crypto::PrivateKey::load_file(out + "/" + serial + "/idevid.key");
        CHECK(key.public_key() == crypto::Certificate::load_file(out + "/" + serial + "/idevid.pem").public_key());
    }
    CHECK(entries(out) == 20);
    fs::remove_all(out);
}

TEST_CASE("loading the manufacturer CA checks key, CA flag and chain order") {
    Pki pki;
    std::string dir = temp_dir();
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir + "/" + name) << text;
        return dir + "/" + name;
    };
    std::string ca_pem = write("ca.pem", pki.ca.cert.pem());
    std::string ca_key = write("ca.key", pki.ca.key.pkcs8_pem());
    std::string root_pem = write("root.pem", pki.root.pem());
    std::string root_key = write("root.key", pki.root_key.pkcs8_pem());
    std::string enc_key = write("enc.key", pki.ca.key.pkcs8_pem(std::string("s3cret")));

    auto ca = est::load_manufacturer_ca(ca_pem, ca_key, std::nullopt, root_pem);
    REQUIRE(ca.intermediates.size() == 1);  // the issuing CA, not the self-signed root
    CHECK(ca.intermediates[0] == pki.ca.cert);
    CHECK(est::load_manufacturer_ca(root_pem, root_key, std::nullopt).intermediates.empty());
    CHECK(est::load_manufacturer_ca(ca_pem, enc_key, std::string("s3cret")).cert == pki.ca.cert);

    auto kind_of = [](auto fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.kind();
        }
        return ErrorKind::internal;
    };
    CHECK(kind_of([&] { est::load_manufacturer_ca(ca_pem, root_key, std::nullopt); }) == ErrorKind::usage);
    CHECK(kind_of([&] { est::load_manufacturer_ca(ca_pem, enc_key, std::string("wrong")); }) == ErrorKind::permission);
    CHECK(kind_of([&] { est::load_manufacturer_ca(ca_pem, dir + "/none.key", std::nullopt); }) == ErrorKind::missing);
    CHECK(kind_of([&] { est::load_manufacturer_ca(root_pem, root_key, std::nullopt, ca_pem); }) == ErrorKind::usage);

    auto spec = Pki::ca_spec("Expired CA");
    spec.not_before = parse_rfc3339("2020-01-01T00:00:00Z");
    spec.not_after = parse_rfc3339("2021-01-01T00:00:00Z");
    std::string old_pem = write("old.pem", crypto::issue_certificate(spec, pki.root_key.public_key(), pki.root_key).pem());
    try {
        est::load_manufacturer_ca(old_pem, root_key, std::nullopt);
        FAIL("an expired CA was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("2021-01-01T00:00:00Z") != std::string::npos);
    }
    fs::remove_all(dir);
}
