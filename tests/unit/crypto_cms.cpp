// CMS SignedData: public vectors (RFC 8995 Appendix C, Cisco MUD luminaire) and sign/verify round trips.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "crypto/native.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/cms.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::crypto;
using iotops::test::read_vector;
using iotops::test::read_vector_text;
using iotops::test::vector_path;

namespace {

const std::string rfc8995 = "voucher/rfc8995/";
const char* const kVoucher = "voucher_00-D0-E5-F2-00-02";
const char* const kVr = "vr_00-D0-E5-F2-00-02";
const char* const kParboiled = "parboiled_vr_00-D0-E5-F2-00-02";

Certificate vector_cert(const std::string& rel) { return Certificate::load(read_vector(rel)); }

// The RFC prints the JSON folded at 60 columns; the signed bytes have no newlines at all.
Bytes unfolded_json(const std::string& name) {
    std::string text = read_vector_text(rfc8995 + name + ".json");
    text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
    return to_bytes(text);
}

cms::VerifyOptions rfc8995_options(const std::string& name) {
    cms::VerifyOptions o;
    o.at = parse_rfc3339("2021-06-01T00:00:00Z");
    if (name == kParboiled) {
        o.trust_anchors = {vector_cert(rfc8995 + "ownerca_secp384r1.crt")};
    } else {
        o.trust_anchors = {vector_cert(rfc8995 + "vendor.crt")};
        if (name == kVoucher) o.intermediates = {vector_cert(rfc8995 + "masa.crt")};
    }
    return o;
}

// Flips one bit in the middle of the eContent inside the DER.
Bytes tamper_econtent(Bytes der, const Bytes& content) {
    auto it = std::search(der.begin(), der.end(), content.begin(), content.end());
    REQUIRE(it != der.end());
    *(it + static_cast<std::ptrdiff_t>(content.size() / 2)) ^= 0x01;
    return der;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::negative;  // "did not throw"
}

struct Pki {
    PrivateKey ca_key;
    Certificate ca;
    PrivateKey key;
    Certificate cert;
};

Pki make_pki(KeyType type, const std::string& ca_name = "CN=cms test ca") {
    Time t0 = now() - std::chrono::hours(1);
    PrivateKey ca_key = PrivateKey::generate(type);
    CertificateSpec ca_spec;
    ca_spec.subject = parse_name(ca_name);
    ca_spec.not_before = t0;
    ca_spec.not_after = t0 + std::chrono::hours(24 * 30);
    ca_spec.is_ca = true;
    ca_spec.key_usage = ku_key_cert_sign | ku_crl_sign;
    Certificate ca = issue_certificate(ca_spec, ca_key.public_key(), ca_key);

    PrivateKey key = PrivateKey::generate(type);
    CertificateSpec spec;
    spec.subject = parse_name("CN=cms test signer");
    spec.not_before = t0;
    spec.not_after = t0 + std::chrono::hours(24 * 7);
    spec.key_usage = ku_digital_signature;
    Certificate cert = issue_certificate(spec, key.public_key(), ca_key, &ca);
    return {ca_key, ca, key, cert};
}

}  // namespace

TEST_CASE("rfc 8995 vectors: parse reports id-data, version 1, content and signer") {
    for (const char* name : {kVoucher, kVr, kParboiled}) {
        CAPTURE(name);
        cms::SignedData sd = cms::parse(read_vector(rfc8995 + name + ".pkcs"));
        CHECK(sd.econtent_type == oid::id_data);
        CHECK(sd.version == 1);
        CHECK_FALSE(sd.detached);
        REQUIRE(sd.content.has_value());
        CHECK(*sd.content == unfolded_json(name));
        REQUIRE(sd.signers.size() == 1);
        const cms::SignerInfo& si = sd.signers[0];
        CHECK(si.digest_algorithm.oid == "2.16.840.1.101.3.4.2.1");
        CHECK(si.digest_algorithm.name == "sha256");
        CHECK(si.signature_algorithm.name == "ecdsa-with-SHA256");
        CHECK(si.has_signed_attributes);
        REQUIRE(si.issuer.has_value());
        REQUIRE(si.serial_hex.has_value());
        CHECK_FALSE(si.subject_key_id.has_value());
        REQUIRE(si.signing_time.has_value());
        CHECK(format_rfc3339(*si.signing_time).substr(0, 10) == "2021-04-13");
        // The signer's certificate is among those carried, matched by issuer and serial.
        bool found = std::any_of(sd.certificates.begin(), sd.certificates.end(), [&](const Certificate& c) {
            return c.issuer() == *si.issuer && c.serial_hex() == *si.serial_hex;
        });
        CHECK(found);
    }
    cms::SignedData voucher = cms::parse(read_vector(rfc8995 + kVoucher + ".pkcs"));
    CHECK(*voucher.signers[0].issuer == "CN=highway-test.example.com CA");
    CHECK(format_rfc3339(*voucher.signers[0].signing_time) == "2021-04-13T21:43:24Z");
}

TEST_CASE("rfc 8995 vectors verify at 2021-06-01") {
    for (const char* name : {kVoucher, kVr, kParboiled}) {
        CAPTURE(name);
        cms::VerifyResult r = cms::verify(read_vector(rfc8995 + name + ".pkcs"), rfc8995_options(name));
        CHECK_MESSAGE(r.signature_valid, r.signature_error);
        CHECK_MESSAGE(r.chain_valid, r.chain_error);
        CHECK(r.ok());
        CHECK(r.econtent_type == oid::id_data);
        CHECK(r.content == unfolded_json(name));
        REQUIRE(r.signers.size() == 1);
        CHECK(r.chain.size() >= 2);
        CHECK(r.chain.front() == r.signers[0]);
    }
    cms::VerifyResult voucher = cms::verify(read_vector(rfc8995 + kVoucher + ".pkcs"), rfc8995_options(kVoucher));
    CHECK(voucher.signers[0].subject() == "CN=highway-test.example.com MASA");
}

TEST_CASE("rfc 8995 vectors today: signature valid, chain expired") {
    for (const char* name : {kVoucher, kVr, kParboiled}) {
        CAPTURE(name);
        cms::VerifyOptions o = rfc8995_options(name);
        o.at.reset();
        cms::VerifyResult r = cms::verify(read_vector(rfc8995 + name + ".pkcs"), o);
        CHECK(r.signature_valid);
        CHECK_FALSE(r.chain_valid);
        CHECK_FALSE(r.ok());
        CHECK(r.chain_error.find("expired") != std::string::npos);
        CHECK(r.chain.empty());
    }
}

TEST_CASE("rfc 8995 vectors: a changed byte in the eContent fails the signature") {
    for (const char* name : {kVoucher, kVr, kParboiled}) {
        CAPTURE(name);
        Bytes der = cms::to_der(read_vector(rfc8995 + name + ".pkcs"));
        Bytes bad = tamper_econtent(der, unfolded_json(name));
        cms::VerifyResult r = cms::verify(bad, rfc8995_options(name));
        CHECK_FALSE(r.signature_valid);
        CHECK_FALSE(r.ok());
        CHECK(r.signature_error == "content does not match the signed message digest");
        CHECK(r.chain_valid);  // the certificates are untouched
    }
}

TEST_CASE("rfc 8995 voucher with the wrong anchor fails the chain only") {
    cms::VerifyOptions o = rfc8995_options(kVoucher);
    o.trust_anchors = {vector_cert(rfc8995 + "ownerca_secp384r1.crt")};
    cms::VerifyResult r = cms::verify(read_vector(rfc8995 + kVoucher + ".pkcs"), o);
    CHECK(r.signature_valid);
    CHECK_FALSE(r.chain_valid);
    CHECK_FALSE(r.chain_error.empty());
}

TEST_CASE("cisco luminaire: detached mud signature in binary mode") {
    const std::string dir = "mud/cisco-luminaire/";
    Bytes p7s = read_vector(dir + "Luminaire_150.p7s");
    Bytes json = read_vector(dir + "Luminaire_150.json");

    cms::SignedData sd = cms::parse(p7s);
    CHECK(sd.detached);
    CHECK_FALSE(sd.content.has_value());
    CHECK(sd.econtent_type == oid::id_data);
    REQUIRE(sd.signers.size() == 1);
    CHECK(sd.signers[0].has_signed_attributes);  // so the strict default applies
    REQUIRE(sd.signers[0].signing_time.has_value());
    CHECK(format_rfc3339(*sd.signers[0].signing_time) == "2018-09-17T22:20:06Z");

    cms::VerifyOptions o;
    o.trust_anchors = {vector_cert(dir + "luminaire-cacert.pem")};
    o.at = parse_rfc3339("2018-09-18T00:00:00Z");
    cms::VerifyResult r = cms::verify(p7s, o, ByteView(json));
    CHECK_MESSAGE(r.signature_valid, r.signature_error);
    CHECK_MESSAGE(r.chain_valid, r.chain_error);
    CHECK(r.content == json);
    REQUIRE(r.signers.size() == 1);
    CHECK(r.signers[0].subject() == "CN=luminaire.example.com,O=Demo Luminaire Manufacturer");

    Bytes bad = json;
    bad[bad.size() / 2] ^= 0x20;
    cms::VerifyResult rb = cms::verify(p7s, o, ByteView(bad));
    CHECK_FALSE(rb.signature_valid);
    CHECK(rb.signature_error == "content does not match the signed message digest");

    // Detached needs the content; attached refuses a second one.
    CHECK(kind_of([&] { cms::verify(p7s, o); }) == ErrorKind::usage);
    CHECK(kind_of([&] { cms::verify(read_vector(rfc8995 + kVr + ".pkcs"), o, ByteView(json)); }) ==
          ErrorKind::usage);
}

TEST_CASE("malformed input is Error(malformed)") {
    Bytes der = cms::to_der(read_vector(rfc8995 + kVr + ".pkcs"));
    cms::VerifyOptions none;
    CHECK(kind_of([&] { cms::parse(Bytes{}); }) == ErrorKind::malformed);
    CHECK(kind_of([&] { cms::parse(to_bytes("hello")); }) == ErrorKind::malformed);
    CHECK(kind_of([&] { cms::parse(ByteView(der).first(der.size() - 10)); }) == ErrorKind::malformed);
    CHECK(kind_of([&] { cms::verify(ByteView(der).first(100), none); }) == ErrorKind::malformed);
    Bytes trailing = der;
    trailing.push_back(0);
    try {
        cms::parse(trailing);
        FAIL("trailing byte accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::malformed);
        CHECK(std::string(e.what()) == "cms: 1 trailing bytes at offset " + std::to_string(der.size()));
    }
    // A certificate is DER and PEM, but not a ContentInfo.
    CHECK(kind_of([&] { cms::parse(read_vector(rfc8995 + "vendor.crt")); }) == ErrorKind::malformed);
}

TEST_CASE("pem, pkcs7 label and base64 forms decode to the same der") {
    Bytes pem = read_vector(rfc8995 + kVr + ".pkcs");
    Bytes der = cms::to_der(pem);
    CHECK(der.front() == 0x30);
    std::string armoured = cms::to_pem(der);
    CHECK(armoured.rfind("-----BEGIN CMS-----\n", 0) == 0);
    CHECK(cms::to_der(as_bytes(armoured)) == der);
    std::string pkcs7 = armoured;
    pkcs7.replace(pkcs7.find("BEGIN CMS"), 9, "BEGIN PKCS7");
    pkcs7.replace(pkcs7.find("END CMS"), 7, "END PKCS7");
    CHECK(cms::to_der(as_bytes(pkcs7)) == der);
    CHECK(cms::to_der(as_bytes(base64_encode(der))) == der);
    std::string wrong = armoured;
    wrong.replace(wrong.find("BEGIN CMS"), 9, "BEGIN X509");
    wrong.replace(wrong.find("END CMS"), 7, "END X509");
    CHECK(kind_of([&] { cms::to_der(as_bytes(wrong)); }) == ErrorKind::malformed);
}

TEST_CASE("sign and verify round trips") {
    const Bytes content = to_bytes(R"({"ietf-voucher:voucher":{"serial-number":"JADA123456789"}})");
    for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        CAPTURE(key_type_name(type));
        Pki pki = make_pki(type);
        const char* digest = type == KeyType::p256 ? "sha256" : type == KeyType::p384 ? "sha384" : "sha512";
        cms::VerifyOptions vo;
        vo.trust_anchors = {pki.ca};

        SUBCASE("attached, animaJSONVoucher") {
            cms::SignOptions so;
            so.econtent_type = oid::ct_anima_json_voucher;
            Bytes der = cms::sign(content, pki.key, pki.cert, so);
            cms::SignedData sd = cms::parse(der);
            CHECK(sd.version == 3);
            CHECK(sd.econtent_type == "1.2.840.113549.1.9.16.1.40");
            CHECK(sd.content == content);
            REQUIRE(sd.certificates.size() == 1);
            CHECK(sd.certificates[0] == pki.cert);
            REQUIRE(sd.signers.size() == 1);
            CHECK(sd.signers[0].digest_algorithm.name == digest);
            CHECK(sd.signers[0].has_signed_attributes);
            CHECK(sd.signers[0].issuer == pki.ca.subject());
            CHECK(sd.signers[0].serial_hex == pki.cert.serial_hex());
            REQUIRE(sd.signers[0].signing_time.has_value());
            CHECK(std::chrono::abs(*sd.signers[0].signing_time - now()) < std::chrono::minutes(5));

            cms::VerifyResult r = cms::verify(der, vo);
            CHECK_MESSAGE(r.signature_valid, r.signature_error);
            CHECK_MESSAGE(r.chain_valid, r.chain_error);
            CHECK(r.econtent_type == oid::ct_anima_json_voucher);
            CHECK(r.content == content);
            REQUIRE(r.chain.size() == 2);
            CHECK(r.chain[1] == pki.ca);

            cms::VerifyResult bad = cms::verify(tamper_econtent(der, content), vo);
            CHECK_FALSE(bad.signature_valid);
            CHECK(bad.chain_valid);
        }
        SUBCASE("attached, id-data, pem") {
            Bytes der = cms::sign(content, pki.key, pki.cert);
            cms::SignedData sd = cms::parse(der);
            CHECK(sd.version == 1);
            CHECK(sd.econtent_type == oid::id_data);
            CHECK(cms::verify(as_bytes(cms::to_pem(der)), vo).ok());
        }
        SUBCASE("detached") {
            cms::SignOptions so;
            so.detached = true;
            Bytes der = cms::sign(content, pki.key, pki.cert, so);
            cms::SignedData sd = cms::parse(der);
            CHECK(sd.detached);
            CHECK_FALSE(sd.content.has_value());
            CHECK(std::search(der.begin(), der.end(), content.begin(), content.end()) == der.end());
            cms::VerifyResult r = cms::verify(der, vo, ByteView(content));
            CHECK(r.ok());
            CHECK(r.content == content);
            Bytes other = content;
            other.back() ^= 0x01;
            CHECK_FALSE(cms::verify(der, vo, ByteView(other)).signature_valid);
        }
        SUBCASE("wrong anchor fails the chain, not the signature") {
            Bytes der = cms::sign(content, pki.key, pki.cert);
            Pki other = make_pki(type, "CN=cms other ca");
            cms::VerifyOptions wrong;
            wrong.trust_anchors = {other.ca};
            cms::VerifyResult r = cms::verify(der, wrong);
            CHECK(r.signature_valid);
            CHECK_FALSE(r.chain_valid);
            CHECK_FALSE(r.chain_error.empty());
            cms::VerifyResult none = cms::verify(der, cms::VerifyOptions{});
            CHECK(none.signature_valid);
            CHECK(none.chain_error == "no trust anchors given");
        }
        SUBCASE("chain outside its validity fails") {
            Bytes der = cms::sign(content, pki.key, pki.cert);
            cms::VerifyOptions later = vo;
            later.at = now() + std::chrono::hours(24 * 8);  // signer expired, CA still valid
            cms::VerifyResult r = cms::verify(der, later);
            CHECK(r.signature_valid);
            CHECK_FALSE(r.chain_valid);
            CHECK(r.chain_error.find("expired") != std::string::npos);
            cms::VerifyOptions earlier = vo;
            earlier.at = now() - std::chrono::hours(24);
            cms::VerifyResult e = cms::verify(der, earlier);
            CHECK_FALSE(e.chain_valid);
            CHECK(e.chain_error.find("not yet valid") != std::string::npos);
        }
    }
}

TEST_CASE("sign options: key id, signing time, extra certificates, capabilities") {
    Pki root = make_pki(KeyType::p256);
    // Treat root.cert as an intermediate-less signer, but add an unrelated certificate to be carried.
    Pki other = make_pki(KeyType::p256, "CN=cms other ca");
    cms::SignOptions so;
    so.signer_key_id = true;
    so.signing_time = parse_rfc3339("2030-01-02T03:04:05Z");
    so.extra_certificates = {other.ca, root.cert};  // the signer's own is not repeated
    so.smime_capabilities = true;
    Bytes der = cms::sign(to_bytes("x"), root.key, root.cert, so);
    cms::SignedData sd = cms::parse(der);
    CHECK(sd.version == 3);  // subjectKeyIdentifier makes SignerInfo v3 and SignedData v3
    CHECK(sd.certificates.size() == 2);
    REQUIRE(sd.signers.size() == 1);
    CHECK(sd.signers[0].subject_key_id == root.cert.subject_key_id());
    CHECK_FALSE(sd.signers[0].issuer.has_value());
    REQUIRE(sd.signers[0].signing_time.has_value());
    CHECK(format_rfc3339(*sd.signers[0].signing_time) == "2030-01-02T03:04:05Z");

    cms::VerifyOptions vo;
    vo.trust_anchors = {root.ca};
    cms::VerifyResult r = cms::verify(der, vo);
    CHECK_MESSAGE(r.ok(), r.signature_error, r.chain_error);

    // Without its certificate inside, the signer is found among the caller's intermediates.
    cms::SignOptions bare;
    bare.include_signer_certificate = false;
    Bytes no_cert = cms::sign(to_bytes("x"), root.key, root.cert, bare);
    CHECK(cms::parse(no_cert).certificates.empty());
    cms::VerifyResult missing = cms::verify(no_cert, vo);
    CHECK_FALSE(missing.signature_valid);
    CHECK(missing.signature_error == "signer certificate not found");
    CHECK_FALSE(missing.chain_valid);
    vo.intermediates = {root.cert};
    CHECK(cms::verify(no_cert, vo).ok());

    // A key that is not the certificate's.
    CHECK(kind_of([&] { cms::sign(to_bytes("x"), other.key, root.cert); }) == ErrorKind::usage);
    CHECK(kind_of([&] {
              cms::SignOptions bad;
              bad.econtent_type = "not an oid";
              cms::sign(to_bytes("x"), root.key, root.cert, bad);
          }) == ErrorKind::usage);
}

TEST_CASE("der whose content is pem text is still read as der") {
    Pki pki = make_pki(KeyType::p256);
    Bytes content = to_bytes(pki.ca.pem());
    Bytes der = cms::sign(content, pki.key, pki.cert);
    CHECK(cms::parse(der).content == content);
    cms::VerifyOptions vo;
    vo.trust_anchors = {pki.ca};
    CHECK(cms::verify(der, vo).ok());
    CHECK(cms::parse(as_bytes(cms::to_pem(der))).content == content);
}

TEST_CASE("required eku") {
    Pki pki = make_pki(KeyType::p256);
    Bytes der = cms::sign(to_bytes("x"), pki.key, pki.cert);
    cms::VerifyOptions vo;
    vo.trust_anchors = {pki.ca};
    CHECK(cms::verify(der, vo).ok());  // any purpose by default
    vo.required_eku = oid::kp_code_signing;
    cms::VerifyResult r = cms::verify(der, vo);
    CHECK(r.signature_valid);
    CHECK_FALSE(r.chain_valid);

    // A signer that carries the EKU passes.
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    CertificateSpec spec;
    spec.subject = parse_name("CN=cms code signer");
    spec.not_before = now() - std::chrono::hours(1);
    spec.not_after = now() + std::chrono::hours(24);
    spec.key_usage = ku_digital_signature;
    spec.ext_key_usage = {oid::kp_code_signing};
    Certificate cert = issue_certificate(spec, key.public_key(), pki.ca_key, &pki.ca);
    cms::VerifyResult with_eku = cms::verify(cms::sign(to_bytes("x"), key, cert), vo);
    CHECK_MESSAGE(with_eku.ok(), with_eku.chain_error);
}

TEST_CASE("signed attributes are required unless relaxed") {
    // OpenSSL itself can make a SignerInfo without signed attributes (signature over the content).
    Pki pki = make_pki(KeyType::p256);
    Bytes content = to_bytes("mud file");
    BioPtr in = memory_bio(content);
    CmsPtr raw(CMS_sign(native(pki.cert), native(pki.key), nullptr, in.get(), CMS_BINARY | CMS_NOATTR));
    REQUIRE(raw);
    int len = i2d_CMS_ContentInfo(raw.get(), nullptr);
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_CMS_ContentInfo(raw.get(), &p);

    CHECK_FALSE(cms::parse(der).signers.at(0).has_signed_attributes);
    cms::VerifyOptions vo;
    vo.trust_anchors = {pki.ca};
    cms::VerifyResult strict = cms::verify(der, vo);
    CHECK_FALSE(strict.signature_valid);
    CHECK(strict.signature_error.find("no signed attributes") != std::string::npos);
    CHECK(strict.chain_valid);

    vo.require_signed_attributes = false;
    cms::VerifyResult relaxed = cms::verify(der, vo);
    CHECK_MESSAGE(relaxed.ok(), relaxed.signature_error);
    CHECK_FALSE(cms::verify(tamper_econtent(der, content), vo).signature_valid);
}

TEST_CASE("signed contentType must equal eContentType (RFC 5652 11.1)") {
    // Sign as id-data, then relabel the eContent as a voucher: every signature still verifies, which
    // OpenSSL's CMS_verify accepts, but the signed attributes no longer describe the content.
    Pki pki = make_pki(KeyType::p256);
    Bytes content = to_bytes("relabelled");
    BioPtr in = memory_bio(content);  // borrows content
    unsigned int flags = CMS_BINARY | CMS_NOSMIMECAP;
    CmsPtr raw(CMS_sign(native(pki.cert), native(pki.key), nullptr, in.get(), flags));
    REQUIRE(raw);
    AsnObjPtr voucher(OBJ_txt2obj(oid::ct_anima_json_voucher, 1));
    REQUIRE(CMS_set1_eContentType(raw.get(), voucher.get()) == 1);
    int len = i2d_CMS_ContentInfo(raw.get(), nullptr);
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_CMS_ContentInfo(raw.get(), &p);

    cms::VerifyOptions vo;
    vo.trust_anchors = {pki.ca};
    cms::VerifyResult r = cms::verify(der, vo);
    CHECK(r.econtent_type == oid::ct_anima_json_voucher);
    CHECK_FALSE(r.signature_valid);
    CHECK(r.signature_error ==
          "signed contentType 1.2.840.113549.1.7.1 differs from eContentType 1.2.840.113549.1.9.16.1.40");
}
