#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "iotops/core.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "crypto/native.hpp"
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

TEST_CASE("idevid-issuer is the AKI extnValue OCTET STRING (JWS rvr vector)") {
    auto jws = nlohmann::json::parse(to_string(read_vector("voucher/jws/rvr.jws.json")));
    auto payload = nlohmann::json::parse(to_string(base64_decode(jws["payload"].get<std::string>())));
    std::string expected = payload["ietf-voucher-request:voucher"]["idevid-issuer"].get<std::string>();
    CHECK(expected == "BBgwFoAUlU7Vft0KvopLzyjGaNB2fcQyB/U=");
    Certificate pledge = Certificate::load(read_vector("voucher/jws/pledge.crt"));
    auto value = pledge.authority_key_id_extension_value();
    REQUIRE(value.has_value());
    CHECK(base64_encode(*value) == expected);
    CHECK((*value)[0] == 0x04);
    CHECK((*value)[1] == 0x18);
    // extension_value gives the contents only; the keyIdentifier is the last 20 bytes.
    auto contents = pledge.extension_value("2.5.29.35");
    REQUIRE(contents.has_value());
    CHECK(Bytes(value->begin() + 2, value->end()) == *contents);
    CHECK(Bytes(value->end() - 20, value->end()) == *pledge.authority_key_id());
}

TEST_CASE("idevid-issuer matches the cBRSKI rvr-nonsigned payload") {
    std::string hex = to_string(read_vector("voucher/cose/rvr-nonsigned.hex"));
    hex.erase(std::remove_if(hex.begin(), hex.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
              hex.end());
    Certificate pledge = Certificate::load(read_vector("voucher/cose/pledge.pem"));
    auto value = pledge.authority_key_id_extension_value();
    REQUIRE(value.has_value());
    // Delta key 5 (idevid-issuer), byte string of 26 bytes, then the value.
    CHECK(hex.find("05581A" + hex_encode(*value, true)) != std::string::npos);
    CHECK(hex_encode(*value, true) == "041830168014CB8D98CA74C51B58DDE7ACEF869A9443A8D666A6");
}

TEST_CASE("chain verification of vector certificates at a chosen time") {
    Certificate idevid = Certificate::load(read_vector("voucher/rfc8995/idevid_00-D0-E5-F2-00-02.crt"));
    Certificate vendor = Certificate::load(read_vector("voucher/rfc8995/vendor.crt"));
    ChainOptions opts;
    opts.trust_anchors = {vendor};
    opts.at = parse_rfc3339("2021-06-01T00:00:00Z");
    ChainResult ok = verify_chain(idevid, opts);
    CHECK_MESSAGE(ok.ok, ok.error);
    REQUIRE(ok.chain.size() == 2);
    CHECK(ok.chain[0] == idevid);
    CHECK(ok.chain[1] == vendor);
    CHECK(vendor.public_key().type() == KeyType::p384);

    opts.at.reset();  // now: the vendor CA has expired
    ChainResult expired = verify_chain(idevid, opts);
    CHECK_FALSE(expired.ok);
    CHECK(expired.error.find("expired") != std::string::npos);
    CHECK(expired.chain.empty());

    Certificate pledge = Certificate::load(read_vector("voucher/jws/pledge.crt"));
    ChainOptions jws;
    jws.trust_anchors = {Certificate::load(read_vector("voucher/jws/pledge-ca.crt"))};
    ChainResult now_ok = verify_chain(pledge, jws);
    CHECK_MESSAGE(now_ok.ok, now_ok.error);
    // Wrong anchor.
    jws.trust_anchors = {Certificate::load(read_vector("voucher/jws/registrar-ca.crt"))};
    ChainResult wrong = verify_chain(pledge, jws);
    CHECK_FALSE(wrong.ok);
    CHECK(wrong.error == "unable to get local issuer certificate");
    // Required EKU: the pledge is clientAuth, not cmcRA.
    jws.trust_anchors = {Certificate::load(read_vector("voucher/jws/pledge-ca.crt"))};
    jws.required_eku = oid::kp_client_auth;
    CHECK(verify_chain(pledge, jws).ok);
    jws.required_eku = oid::kp_cmc_ra;
    ChainResult no_eku = verify_chain(pledge, jws);
    CHECK_FALSE(no_eku.ok);
    CHECK(no_eku.error.find("1.3.6.1.5.5.7.3.28") != std::string::npos);
}

TEST_CASE("issue a CA, an intermediate and a leaf with every extension") {
    PrivateKey root_key = PrivateKey::generate(KeyType::p384);
    PrivateKey sub_key = PrivateKey::generate(KeyType::p256);
    PrivateKey leaf_key = PrivateKey::generate(KeyType::p256);

    CertificateSpec root_spec;
    root_spec.subject = parse_name("CN=Test Root,O=iotops");
    root_spec.not_before = parse_rfc3339("2024-01-01T00:00:00Z");
    root_spec.not_after = parse_rfc3339("2060-01-01T00:00:00Z");
    root_spec.is_ca = true;
    root_spec.path_length = 1;
    root_spec.key_usage = ku_key_cert_sign | ku_crl_sign;
    root_spec.hash = Hash::sha384;
    Certificate root = issue_certificate(root_spec, root_key.public_key(), root_key);
    CHECK(root.self_signed());
    CHECK(root.is_ca());
    CHECK(root.subject() == "O=iotops,CN=Test Root");
    CHECK(root.subject() == root.issuer());
    CHECK(root.key_usage() == (ku_key_cert_sign | ku_crl_sign));
    CHECK(root.serial_hex().size() == 32);  // 16 random bytes, positive
    CHECK(root.authority_key_id() == root.subject_key_id());
    CHECK(format_rfc3339(root.not_after()) == "2060-01-01T00:00:00Z");
    CHECK(X509_get_signature_nid(native(root)) == NID_ecdsa_with_SHA384);
    // SKI is RFC 5280 method 1: SHA-1 over the subjectPublicKey bits (the raw EC point).
    Bytes sha1(20);
    unsigned int sha1_len = 0;
    Bytes point = root_key.public_key().raw();
    EVP_Digest(point.data(), point.size(), sha1.data(), &sha1_len, EVP_sha1(), nullptr);
    CHECK(*root.subject_key_id() == sha1);

    CertificateSpec sub_spec;
    sub_spec.subject = {{"CN", "Test Sub CA"}};
    sub_spec.not_before = parse_rfc3339("2024-01-01T00:00:00Z");
    sub_spec.not_after = parse_rfc3339("2050-01-01T00:00:00Z");
    sub_spec.is_ca = true;
    sub_spec.path_length = 0;
    sub_spec.key_usage = ku_key_cert_sign;
    sub_spec.hash = Hash::sha384;  // signed by the P-384 root
    Certificate sub = issue_certificate(sub_spec, sub_key.public_key(), root_key, &root);
    CHECK(sub.issuer() == root.subject());
    CHECK(sub.authority_key_id() == root.subject_key_id());
    CHECK_FALSE(sub.self_signed());

    CertificateSpec leaf_spec;
    leaf_spec.subject = {{"CN", "pledge"}, {"serialNumber", "JADA-0001"}};
    leaf_spec.serial = {0x01, 0x02, 0x03};
    leaf_spec.not_before = parse_rfc3339("2024-06-01T00:00:00Z");
    leaf_spec.key_usage = ku_digital_signature;
    leaf_spec.ext_key_usage = {oid::kp_client_auth, oid::kp_cmc_ra};
    leaf_spec.dns_names = {"pledge.example.com"};
    leaf_spec.uris = {"urn:example:pledge"};
    leaf_spec.masa_url = "masa.example.com:9443";
    leaf_spec.mud_url = "https://mud.example.com/pledge.json";
    leaf_spec.mud_signer = Name{{"C", "NL"}, {"CN", "MUD Signer"}};
    Certificate leaf = issue_certificate(leaf_spec, leaf_key.public_key(), sub_key, &sub);

    CHECK(leaf.serial_hex() == "010203");
    CHECK(leaf.subject_attribute("serialNumber") == "JADA-0001");
    CHECK(leaf.subject() == "serialNumber=JADA-0001,CN=pledge");
    CHECK_FALSE(leaf.is_ca());
    CHECK(leaf.key_usage() == ku_digital_signature);
    CHECK(leaf.ext_key_usage() == std::vector<std::string>{oid::kp_client_auth, oid::kp_cmc_ra});
    CHECK(leaf.masa_url() == "masa.example.com:9443");
    CHECK(leaf.mud_url() == "https://mud.example.com/pledge.json");
    CHECK(leaf.mud_signer() == "CN=MUD Signer,C=NL");
    CHECK(leaf.authority_key_id() == sub.subject_key_id());
    CHECK(leaf.public_key() == leaf_key.public_key());
    CHECK(format_rfc3339(leaf.not_before()) == "2024-06-01T00:00:00Z");
    CHECK(format_rfc3339(leaf.not_after()) == "9999-12-31T23:59:59Z");
    CHECK(ASN1_STRING_type(X509_get0_notAfter(native(leaf))) == V_ASN1_GENERALIZEDTIME);
    CHECK(X509_get_signature_nid(native(leaf)) == NID_ecdsa_with_SHA256);
    // Raw extension bytes: the MASA URL is an IA5String (tag 0x16), the MUD signer a Name (SEQUENCE).
    auto masa = leaf.extension_value(oid::masa_url);
    REQUIRE(masa.has_value());
    CHECK((*masa)[0] == 0x16);
    CHECK(to_string(ByteView(*masa).subspan(2)) == "masa.example.com:9443");
    CHECK((*leaf.extension_value(oid::mud_signer))[0] == 0x30);
    auto aki = leaf.authority_key_id_extension_value();
    REQUIRE(aki.has_value());
    CHECK(hex_encode(ByteView(*aki).first(6)) == "041830168014");
    // Criticality as RFC 5280 wants.
    X509* x = native(leaf);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(x, X509_get_ext_by_NID(x, NID_key_usage, -1))) == 1);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(x, X509_get_ext_by_NID(x, NID_basic_constraints, -1))) == 0);
    X509* r = native(root);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(r, X509_get_ext_by_NID(r, NID_basic_constraints, -1))) == 1);
    // Subject alternative names.
    auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
    REQUIRE(sans != nullptr);
    CHECK(sk_GENERAL_NAME_num(sans) == 2);
    CHECK(sk_GENERAL_NAME_value(sans, 0)->type == GEN_DNS);
    CHECK(sk_GENERAL_NAME_value(sans, 1)->type == GEN_URI);
    GENERAL_NAMES_free(sans);

    // The issued chain verifies; PEM and DER round trips keep it.
    ChainOptions opts;
    opts.trust_anchors = {root};
    opts.intermediates = {sub};
    opts.at = parse_rfc3339("2025-01-01T00:00:00Z");
    opts.required_eku = oid::kp_cmc_ra;
    ChainResult res = verify_chain(Certificate::load(as_bytes(leaf.pem())), opts);
    CHECK_MESSAGE(res.ok, res.error);
    CHECK(res.chain.size() == 3);
    // The intermediate alone is an acceptable anchor (partial chains allowed).
    ChainOptions sub_only;
    sub_only.trust_anchors = {sub};
    sub_only.at = opts.at;
    CHECK(verify_chain(leaf, sub_only).ok);
    // Missing intermediate, wrong anchor, too early.
    ChainOptions no_sub = opts;
    no_sub.intermediates.clear();
    CHECK_FALSE(verify_chain(leaf, no_sub).ok);
    ChainOptions other = opts;
    PrivateKey other_key = PrivateKey::generate(KeyType::p256);
    other.trust_anchors = {issue_certificate(root_spec, other_key.public_key(), other_key)};
    CHECK_FALSE(verify_chain(leaf, other).ok);
    ChainOptions early = opts;
    early.at = parse_rfc3339("2024-03-01T00:00:00Z");
    ChainResult not_yet = verify_chain(leaf, early);
    CHECK_FALSE(not_yet.ok);
    CHECK(not_yet.error == "certificate is not yet valid");
    // An issuer key that does not match the issuer certificate is refused.
    CHECK(kind_of([&] { issue_certificate(leaf_spec, leaf_key.public_key(), leaf_key, &sub); }) == ErrorKind::usage);
}

TEST_CASE("Ed25519 issuer and subject") {
    PrivateKey key = PrivateKey::generate(KeyType::ed25519);
    CertificateSpec spec;
    spec.subject = parse_name("CN=ed,O=x\\,y");
    spec.is_ca = true;
    spec.key_usage = ku_key_cert_sign;
    Certificate c = issue_certificate(spec, key.public_key(), key);
    CHECK(c.self_signed());
    CHECK(c.subject_attribute("O") == "x,y");
    CHECK(X509_get_signature_nid(native(c)) == NID_ED25519);
    ChainOptions opts;
    opts.trust_anchors = {c};
    CHECK(verify_chain(c, opts).ok);
}

TEST_CASE("parse_name") {
    CHECK(parse_name("CN=pledge, serialNumber=JADA1") == Name{{"CN", "pledge"}, {"serialNumber", "JADA1"}});
    CHECK(parse_name("CN=a\\,b\\=c") == Name{{"CN", "a,b=c"}});
    CHECK(parse_name("") == Name{});
    CHECK(kind_of([] { parse_name("CN"); }) == ErrorKind::malformed);
    CHECK(kind_of([] { parse_name("CN=x,=y"); }) == ErrorKind::malformed);
}

TEST_CASE("CSR round trip and tampering") {
    for (KeyType t : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
        CAPTURE(key_type_name(t));
        PrivateKey key = PrivateKey::generate(t);
        Csr csr = Csr::create({{"CN", "pledge"}, {"serialNumber", "JADA123"}}, key, {"pledge.local"});
        CHECK(csr.verify_signature());
        CHECK(csr.subject() == "serialNumber=JADA123,CN=pledge");
        CHECK(csr.subject_name() == Name{{"CN", "pledge"}, {"serialNumber", "JADA123"}});
        CHECK(csr.public_key() == key.public_key());
        Csr again = Csr::load(csr.der());
        CHECK(again.verify_signature());
        CHECK(Csr::load(as_bytes(csr.pem())).der() == csr.der());
        CHECK(csr.pem().find("BEGIN CERTIFICATE REQUEST") != std::string::npos);
        // Flip a byte of the subject's serialNumber: still parses, signature fails.
        Bytes der = csr.der();
        std::string text(der.begin(), der.end());
        auto at = text.find("JADA123");
        REQUIRE(at != std::string::npos);
        der[at] = 'K';
        Csr tampered = Csr::load(der);
        CHECK_FALSE(tampered.verify_signature());
    }
    CHECK(kind_of([] { Csr::load(to_bytes("nope")); }) == ErrorKind::malformed);
}
