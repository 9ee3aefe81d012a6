#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <functional>
#include <thread>
#include <openssl/ecdsa.h>

#include "crypto/key_detail.hpp"
#include "crypto/native.hpp"
#include "iotops/core.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::crypto;
using iotops::test::read_vector;

namespace {

std::filesystem::path temp_dir() {
    char tmpl[] = "/tmp/iotops-keys-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return tmpl;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("key type names") {
    CHECK(parse_key_type("P-256") == KeyType::p256);
    CHECK(parse_key_type("prime256v1") == KeyType::p256);
    CHECK(parse_key_type("secp256r1") == KeyType::p256);
    CHECK(parse_key_type("p384") == KeyType::p384);
    CHECK(parse_key_type("secp384r1") == KeyType::p384);
    CHECK(parse_key_type("Ed25519") == KeyType::ed25519);
    CHECK(kind_of([] { parse_key_type("rsa"); }) == ErrorKind::usage);
    CHECK(key_type_name(KeyType::p384) == "P-384");
}

TEST_CASE("digests") {
    CHECK(hex_encode(digest(Hash::sha256, as_bytes("abc"))) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest(Hash::sha384, as_bytes("abc")).size() == 48);
    CHECK(digest(Hash::sha512, as_bytes("")).size() == 64);
    CHECK(digest_size(Hash::sha384) == 48);
}

TEST_CASE("generate, sign and verify for every key type") {
    struct Case {
        KeyType type;
        std::size_t sig_size;
        std::size_t raw_size;
    };
    for (Case c : {Case{KeyType::p256, 64, 65}, Case{KeyType::p384, 96, 97}, Case{KeyType::ed25519, 64, 32}}) {
        CAPTURE(key_type_name(c.type));
        PrivateKey key = PrivateKey::generate(c.type);
        CHECK(key.type() == c.type);
        PublicKey pub = key.public_key();
        CHECK(pub.type() == c.type);
        CHECK(pub.raw().size() == c.raw_size);
        Bytes msg = to_bytes("voucher payload");
        Hash h = c.type == KeyType::p384 ? Hash::sha384 : Hash::sha256;
        Bytes sig = key.sign(msg, h);
        CHECK(sig.size() == c.sig_size);
        CHECK(pub.verify(msg, sig, h));
        // Tampered message and tampered signature.
        Bytes bad_msg = msg;
        bad_msg[0] ^= 1;
        CHECK_FALSE(pub.verify(bad_msg, sig, h));
        Bytes bad_sig = sig;
        bad_sig[sig.size() / 2] ^= 0x40;
        CHECK_FALSE(pub.verify(msg, bad_sig, h));
        // Wrong lengths are a clean "no", not an exception.
        CHECK_FALSE(pub.verify(msg, ByteView(sig.data(), sig.size() - 1), h));
        CHECK_FALSE(pub.verify(msg, Bytes{}, h));
        // Another key does not verify it.
        CHECK_FALSE(PrivateKey::generate(c.type).public_key().verify(msg, sig, h));
        // Round trips through SPKI and raw.
        PublicKey again = PublicKey::load(pub.spki_der());
        CHECK(again == pub);
        CHECK(PublicKey::load(as_bytes(pub.spki_pem())) == pub);
        CHECK(PublicKey::from_raw(c.type, pub.raw()) == pub);
        CHECK(PrivateKey::load(key.pkcs8_der()).public_key() == pub);
        CHECK(PrivateKey::load(as_bytes(key.pkcs8_pem())).public_key() == pub);
    }
}

TEST_CASE("ECDSA hash is the caller's choice") {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    Bytes msg = to_bytes("m");
    Bytes sig = key.sign(msg, Hash::sha384);
    CHECK(key.public_key().verify(msg, sig, Hash::sha384));
    CHECK_FALSE(key.public_key().verify(msg, sig, Hash::sha256));
}

TEST_CASE("raw ECDSA signature converts to DER for verify_der") {
    PrivateKey key = PrivateKey::generate(KeyType::p384);
    Bytes msg = to_bytes("hello");
    Bytes raw = key.sign(msg, Hash::sha384);
    // Build DER r,s by hand via OpenSSL's ECDSA_SIG and check verify_der accepts it.
    ECDSA_SIG* s = ECDSA_SIG_new();
    ECDSA_SIG_set0(s, BN_bin2bn(raw.data(), 48, nullptr), BN_bin2bn(raw.data() + 48, 48, nullptr));
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(s, &der);
    Bytes d(der, der + len);
    OPENSSL_free(der);
    ECDSA_SIG_free(s);
    CHECK(key.public_key().verify_der(msg, d, Hash::sha384));
    d.back() ^= 1;
    CHECK_FALSE(key.public_key().verify_der(msg, d, Hash::sha384));
}

TEST_CASE("ECDSA r||s and DER convert as OpenSSL's ECDSA_SIG does") {
    auto openssl_der = [](const Bytes& raw, std::size_t width) {
        ECDSA_SIG* s = ECDSA_SIG_new();
        ECDSA_SIG_set0(s, BN_bin2bn(raw.data(), static_cast<int>(width), nullptr),
                       BN_bin2bn(raw.data() + width, static_cast<int>(width), nullptr));
        unsigned char* der = nullptr;
        int len = i2d_ECDSA_SIG(s, &der);
        Bytes d(der, der + len);
        OPENSSL_free(der);
        ECDSA_SIG_free(s);
        return d;
    };
    for (std::size_t width : {32, 48}) {
        Bytes high(2 * width, 0xff), zeros(2 * width, 0), mixed(2 * width, 0);
        mixed[width - 1] = 1;  // r = 1
        mixed[width] = 0x80;   // s has its top bit set
        mixed[2 * width - 1] = 0x7f;
        Bytes leading(2 * width, 0x11);
        leading[0] = leading[1] = leading[width] = 0;
        for (const Bytes& raw : {high, zeros, mixed, leading}) {
            Bytes der = openssl_der(raw, width);
            CHECK(crypto::ecdsa_raw_to_der(raw, width) == der);
            CHECK(crypto::ecdsa_der_to_raw(der, width) == raw);
        }
        CHECK_FALSE(crypto::ecdsa_raw_to_der(high, width + 1));
        CHECK_THROWS_AS(crypto::ecdsa_der_to_raw(openssl_der(high, width), width - 1), Error);
        Bytes cut = openssl_der(mixed, width);
        cut.pop_back();
        CHECK_THROWS_AS(crypto::ecdsa_der_to_raw(cut, width), Error);
    }
}

TEST_CASE("compressed EC point loads and raw() is uncompressed") {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    Bytes raw = key.public_key().raw();
    REQUIRE(raw.size() == 65);
    Bytes compressed(raw.begin(), raw.begin() + 33);
    compressed[0] = (raw.back() & 1) ? 0x03 : 0x02;
    PublicKey pub = PublicKey::from_raw(KeyType::p256, compressed);
    CHECK(pub.raw() == raw);
    Bytes off_curve = raw;
    off_curve[64] ^= 1;
    CHECK(kind_of([&] { PublicKey::from_raw(KeyType::p256, off_curve); }) == ErrorKind::malformed);
    CHECK(kind_of([] { PublicKey::from_raw(KeyType::ed25519, Bytes(31)); }) == ErrorKind::malformed);
}

TEST_CASE("vector keys load: SEC1 and PKCS#8, P-256 and P-384") {
    struct Case {
        const char* path;
        KeyType type;
    };
    for (Case c : {Case{"voucher/rfc8995/idevid_00-D0-E5-F2-00-02.key", KeyType::p256},  // SEC1
                   Case{"voucher/rfc8995/jrc_prime256v1.key", KeyType::p256},
                   Case{"voucher/rfc8995/masa.key", KeyType::p256},
                   Case{"voucher/rfc8995/vendor.key", KeyType::p384},
                   Case{"voucher/rfc8995/ownerca_secp384r1.key", KeyType::p384},
                   Case{"voucher/jws/pledge.key", KeyType::p256},  // PKCS#8 without public key
                   Case{"voucher/jws/masa.key", KeyType::p256},
                   Case{"voucher/jws/registrar.key", KeyType::p256},
                   Case{"voucher/cose/key-privkey_pledge.pem", KeyType::p256},
                   Case{"voucher/cose/key-privkey_registrar.pem", KeyType::p256},  // PKCS#8
                   Case{"voucher/cose/key-privkey_masa_ca.pem", KeyType::p256}}) {
        CAPTURE(c.path);
        PrivateKey key = PrivateKey::load(read_vector(c.path));
        CHECK(key.type() == c.type);
        Bytes sig = key.sign(to_bytes("x"), c.type == KeyType::p384 ? Hash::sha384 : Hash::sha256);
        CHECK(key.public_key().verify(to_bytes("x"), sig, c.type == KeyType::p384 ? Hash::sha384 : Hash::sha256));
        // DER forms (PKCS#8) load too.
        CHECK(PrivateKey::load(key.pkcs8_der()).public_key() == key.public_key());
    }
}

TEST_CASE("SEC1 DER loads") {
    PrivateKey key = PrivateKey::load(read_vector("voucher/rfc8995/masa.key"));
    unsigned char* der = nullptr;
    int len = i2d_PrivateKey(native(key), &der);  // SEC1 ECPrivateKey for EC keys
    REQUIRE(len > 0);
    Bytes d(der, der + len);
    OPENSSL_free(der);
    CHECK(PrivateKey::load(d).public_key() == key.public_key());
}

TEST_CASE("malformed and public-only inputs are rejected") {
    CHECK(kind_of([] { PrivateKey::load(to_bytes("not a key")); }) == ErrorKind::malformed);
    CHECK(kind_of([] { PrivateKey::load(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}); }) == ErrorKind::malformed);
    PublicKey pub = PrivateKey::generate(KeyType::p256).public_key();
    CHECK(kind_of([&] { PrivateKey::load(pub.spki_der()); }) == ErrorKind::malformed);
    CHECK(kind_of([&] { PrivateKey::load(as_bytes(pub.spki_pem())); }) == ErrorKind::malformed);
    CHECK(kind_of([] { PublicKey::load(to_bytes("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")); }) ==
          ErrorKind::malformed);
    Bytes der = pub.spki_der();
    der.push_back(0);
    CHECK(kind_of([&] { PublicKey::load(der); }) == ErrorKind::malformed);
    CHECK(kind_of([] { PrivateKey::load_file("/nonexistent/key.pem"); }) == ErrorKind::missing);
}

TEST_CASE("encrypted PKCS#8 round trip with right, wrong and missing passphrase") {
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        PrivateKey key = PrivateKey::generate(t);
        std::string pem = key.pkcs8_pem(std::string("correct horse"));
        CHECK(pem.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
        CHECK(PrivateKey::load(as_bytes(pem), std::string("correct horse")).public_key() == key.public_key());
        try {
            PrivateKey::load(as_bytes(pem), std::string("wrong"));
            FAIL("wrong passphrase accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::permission);
            CHECK(std::string(e.what()).find("wrong passphrase") != std::string::npos);
        }
        try {
            PrivateKey::load(as_bytes(pem));
            FAIL("missing passphrase accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::permission);
            CHECK(std::string(e.what()).find("no passphrase") != std::string::npos);
        }
        // An unencrypted key ignores a passphrase.
        CHECK(PrivateKey::load(as_bytes(key.pkcs8_pem()), std::string("unused")).type() == t);
    }
}

TEST_CASE("write_private_key_file is 0600 and atomic") {
    auto dir = temp_dir();
    std::string path = (dir / "k.pem").string();
    PrivateKey key = PrivateKey::generate(KeyType::ed25519);
    write_private_key_file(path, key);
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(PrivateKey::load_file(path).public_key() == key.public_key());
    // Overwrite with an encrypted key; no temporary files are left behind.
    write_private_key_file(path, key, std::string("pw"));
    CHECK(PrivateKey::load_file(path, std::string("pw")).public_key() == key.public_key());
    CHECK(kind_of([&] { PrivateKey::load_file(path); }) == ErrorKind::permission);
    int files = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++files;
    CHECK(files == 1);
    CHECK(kind_of([&] { write_private_key_file((dir / "no/such/dir/k.pem").string(), key); }) == ErrorKind::io);
    std::filesystem::remove_all(dir);
}

TEST_CASE("passphrase sources") {
    CHECK(read_passphrase("pass:s3cret:with:colons") == "s3cret:with:colons");
    setenv("IOTOPS_TEST_PASS", "from-env", 1);
    CHECK(read_passphrase("env:IOTOPS_TEST_PASS") == "from-env");
    unsetenv("IOTOPS_TEST_PASS_UNSET");
    CHECK(kind_of([] { read_passphrase("env:IOTOPS_TEST_PASS_UNSET"); }) == ErrorKind::missing);

    auto dir = temp_dir();
    std::string file = (dir / "pw").string();
    std::ofstream(file) << "first line\nsecond line\n";
    CHECK(read_passphrase("file:" + file) == "first line");
    std::ofstream(file, std::ios::trunc) << "no newline";
    CHECK(read_passphrase("file:" + file) == "no newline");
    CHECK(kind_of([&] { read_passphrase("file:" + (dir / "absent").string()); }) == ErrorKind::missing);

    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::string text = "piped pass\nrest";
    REQUIRE(write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(fds[1]);
    CHECK(read_passphrase("fd:" + std::to_string(fds[0])) == "piped pass");
    close(fds[0]);
    CHECK(kind_of([] { read_passphrase("fd:abc"); }) == ErrorKind::usage);
    CHECK(kind_of([] { read_passphrase("fd:987"); }) == ErrorKind::missing);

    CHECK(kind_of([] { read_passphrase("stdin"); }) == ErrorKind::usage);
    CHECK(kind_of([] { read_passphrase("http:x"); }) == ErrorKind::usage);
    std::filesystem::remove_all(dir);
}

TEST_CASE("other key types load but do not make raw signatures") {
    EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    REQUIRE(rsa != nullptr);
    PrivateKey key = wrap_private(PkeyPtr(rsa));
    PrivateKey loaded = PrivateKey::load(key.pkcs8_der());
    CHECK(loaded.type() == KeyType::other);
    CHECK(kind_of([&] { loaded.sign(to_bytes("x")); }) == ErrorKind::usage);
}

TEST_CASE("reused contexts: many signatures, failures in between, several threads") {
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        CAPTURE(key_type_name(t));
        PrivateKey key = PrivateKey::generate(t);
        PublicKey pub = key.public_key();
        Hash h = t == KeyType::p384 ? Hash::sha384 : Hash::sha256;
        std::atomic<int> good{0}, bad{0};
        auto work = [&](int id) {
            for (int i = 0; i < 20; ++i) {
                Bytes msg = to_bytes("message " + std::to_string(id) + "/" + std::to_string(i));
                Bytes sig = key.sign(msg, h);
                Bytes wrong = sig;
                wrong[3] ^= 0x10;
                // A rejected signature must not spoil the context for the next, valid one.
                if (!pub.verify(msg, wrong, h)) ++bad;
                if (pub.verify(msg, sig, h)) ++good;
            }
        };
        std::vector<std::thread> threads;
        for (int id = 0; id < 4; ++id) threads.emplace_back(work, id);
        for (auto& th : threads) th.join();
        CHECK(good == 80);
        CHECK(bad == 80);
    }
}

TEST_CASE("PEM readers never prompt for a passphrase") {
    // An encrypted private key given where a public key is expected is malformed input, not a tty prompt.
    std::string pem = PrivateKey::generate(KeyType::p256).pkcs8_pem(std::string("pw"));
    CHECK(kind_of([&] { PublicKey::load(as_bytes(pem)); }) == ErrorKind::malformed);
    std::string legacy =
        "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n"
        "AAAAAAAAAAAAAAAAAAAAAA==\n-----END PUBLIC KEY-----\n";
    CHECK(kind_of([&] { PublicKey::load(as_bytes(legacy)); }) == ErrorKind::malformed);
}
