#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>

#include "iotops/core.hpp"
#include "iotops/crypto/jws.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::crypto;
using nlohmann::json;

namespace {

// A time inside every JWS vector certificate's validity (they run from 2024-11-29 to 2034 or later).
Time vector_time() { return parse_rfc3339("2025-06-01T00:00:00Z"); }

Certificate vector_cert(const std::string& name) { return Certificate::load(test::read_vector("voucher/jws/" + name)); }

// Runs fn and returns the Error it throws; fails the test when it throws nothing or something else.
Error error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("unexpected exception: " << e.what());
    }
    FAIL("no exception");
    return Error(ErrorKind::internal, "unreachable");
}

void check_malformed(const std::string& text) {
    Error e = error_of([&] { Jws::parse(text); });
    CHECK(e.kind() == ErrorKind::malformed);
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
    CHECK(std::string(e.what()).rfind("jws", 0) == 0);
}

Certificate self_signed(const PrivateKey& key, const std::string& cn) {
    CertificateSpec spec;
    spec.subject = {{"CN", cn}};
    spec.not_before = now() - std::chrono::hours(1);
    spec.not_after = now() + std::chrono::hours(24);
    return issue_certificate(spec, key.public_key(), key);
}

std::string b64url_json(const json& j) { return base64url_encode(as_bytes(j.dump())); }

struct VectorCase {
    const char* file;
    const char* signer;
    const char* ca;
    const char* root;  // top-level member of the payload
};

const VectorCase kVectors[] = {
    {"pvr.jws.json", "pledge.crt", "pledge-ca.crt", "ietf-voucher-request:voucher"},
    {"rvr.jws.json", "registrar.crt", "registrar-ca.crt", "ietf-voucher-request:voucher"},
    {"voucher.jws.json", "masa.crt", "masa-ca.crt", "ietf-voucher:voucher"},
};

}  // namespace

TEST_CASE("jws vectors parse and verify with their signer and chain") {
    for (const auto& v : kVectors) {
        CAPTURE(v.file);
        Jws jws = Jws::parse(test::read_vector_text(std::string("voucher/jws/") + v.file));
        CHECK(jws.form == JwsForm::general);
        REQUIRE(jws.signatures.size() == 1);
        const JwsSignature& sig = jws.signatures[0];
        CHECK(sig.alg == "ES256");
        CHECK(sig.typ() == std::optional<std::string>(jws_typ_voucher));
        CHECK(sig.signature.size() == 64);
        Certificate signer = vector_cert(v.signer);
        REQUIRE(sig.x5c.size() == 1);
        CHECK(sig.x5c[0] == signer);

        json payload = json::parse(to_string(jws.payload));
        CHECK(payload.at(v.root).at("serial-number") == "kit-987654321");
        CHECK(payload.at(v.root).at("nonce") == "TauvK+Y/cc2RfIFvpZzfKQ==");

        // With the signer certificate given explicitly.
        JwsVerifyOptions by_cert;
        by_cert.certificates = {signer};
        auto r = verify_jws(jws, by_cert);
        REQUIRE(r.size() == 1);
        CHECK(r[0].signature_valid);
        CHECK(r[0].signer == JwsSigner::certificate);
        CHECK(r[0].trusted());
        CHECK(r[0].reason.empty());

        // With the bare public key.
        auto by_key = verify_jws_signature(jws, 0, signer.public_key());
        CHECK(by_key.signature_valid);

        // With the x5c leaf chained to the right CA.
        JwsVerifyOptions by_chain;
        by_chain.chain = ChainOptions{};
        by_chain.chain->trust_anchors = {vector_cert(v.ca)};
        by_chain.chain->at = vector_time();
        r = verify_jws(jws, by_chain);
        CHECK(r[0].signature_valid);
        CHECK(r[0].signer == JwsSigner::x5c);
        CHECK(r[0].chain_valid == std::optional<bool>(true));
        CHECK(r[0].chain.size() == 2);
        CHECK(r[0].trusted());
        CHECK(all_trusted(r));
        CHECK(r[0].to_json().at("chain") == "valid");

        // x5c alone, no anchors: the signature checks out but nothing vouches for the key.
        r = verify_jws(jws, JwsVerifyOptions{});
        CHECK(r[0].signature_valid);
        CHECK_FALSE(r[0].chain_valid.has_value());
        CHECK_FALSE(r[0].trusted());
    }
}

TEST_CASE("jws vectors fail with the wrong signer or the wrong anchor") {
    Jws pvr = Jws::parse(test::read_vector_text("voucher/jws/pvr.jws.json"));
    // registrar.crt is also P-256, so this reaches the signature check itself.
    auto r = verify_jws_signature(pvr, 0, vector_cert("registrar.crt").public_key());
    CHECK_FALSE(r.signature_valid);
    CHECK(r.reason == "signature does not verify");

    // (pledge-ca.crt and masa-ca.crt are the same manufacturer CA, so the registrar's CA is the wrong one.)
    JwsVerifyOptions wrong_anchor;
    wrong_anchor.chain = ChainOptions{};
    wrong_anchor.chain->trust_anchors = {vector_cert("registrar-ca.crt")};
    wrong_anchor.chain->at = vector_time();
    auto results = verify_jws(pvr, wrong_anchor);
    CHECK(results[0].signature_valid);
    CHECK(results[0].chain_valid == std::optional<bool>(false));
    CHECK_FALSE(results[0].trusted());
    CHECK(results[0].reason.rfind("certificate chain: ", 0) == 0);
    CHECK_FALSE(all_trusted(results));

    // An explicit key that does not verify is not replaced by x5c when the fallback is off.
    JwsVerifyOptions strict;
    strict.certificates = {vector_cert("masa.crt")};
    strict.use_x5c_fallback = false;
    results = verify_jws(pvr, strict);
    CHECK_FALSE(results[0].signature_valid);
    CHECK_FALSE(results[0].trusted());
}

TEST_CASE("the rvr's prior-signed-voucher-request is the pvr and verifies") {
    Jws rvr = Jws::parse(test::read_vector_text("voucher/jws/rvr.jws.json"));
    json payload = json::parse(to_string(rvr.payload));
    std::string prior = payload.at("ietf-voucher-request:voucher").at("prior-signed-voucher-request");
    Jws pvr = Jws::parse(base64_decode(prior));
    CHECK(verify_jws_signature(pvr, 0, vector_cert("pledge.crt").public_key()).signature_valid);
}

TEST_CASE("a changed character in payload, protected or signature never verifies") {
    const std::string text = test::read_vector_text("voucher/jws/pvr.jws.json");
    const Jws original = Jws::parse(text);
    const PublicKey key = vector_cert("pledge.crt").public_key();
    REQUIRE(verify_jws_signature(original, 0, key).signature_valid);

    struct Field {
        const char* name;
        std::string value;
    };
    const Field fields[] = {{"payload", original.payload_b64},
                            {"protected", original.signatures[0].protected_b64},
                            {"signature", original.signatures[0].signature_b64}};
    int rejected_by_signature = 0, rejected_as_malformed = 0;
    for (const auto& f : fields) {
        std::size_t start = text.find(f.value);
        REQUIRE(start != std::string::npos);
        // Positions spread over the string, including its first and last characters.
        for (std::size_t rel : {std::size_t{0}, std::size_t{1}, f.value.size() / 3, f.value.size() / 2,
                                f.value.size() * 2 / 3, f.value.size() - 2, f.value.size() - 1}) {
            for (char replacement : {'A', 'x', '*'}) {
                std::string changed = text;
                char& c = changed[start + rel];
                if (c == replacement) continue;
                c = replacement;
                CAPTURE(f.name);
                CAPTURE(rel);
                CAPTURE(replacement);
                Jws parsed;
                try {
                    parsed = Jws::parse(changed);
                } catch (const Error& e) {
                    CHECK(e.kind() == ErrorKind::malformed);
                    CHECK(std::string(e.what()).find('\n') == std::string::npos);
                    ++rejected_as_malformed;
                    continue;
                }
                CHECK_FALSE(verify_jws_signature(parsed, 0, key).signature_valid);
                JwsVerifyOptions by_x5c;
                for (const auto& r : verify_jws(parsed, by_x5c)) CHECK_FALSE(r.signature_valid);
                ++rejected_by_signature;
            }
        }
    }
    // Both paths must really have been taken.
    CHECK(rejected_by_signature > 10);
    CHECK(rejected_as_malformed > 3);
}

TEST_CASE("malformed changes give clean errors naming the place") {
    const std::string text = test::read_vector_text("voucher/jws/pvr.jws.json");
    const Jws original = Jws::parse(text);
    const std::string& sig = original.signatures[0].signature_b64;

    // A non-zero unused tail bit would decode to the same bytes: refused, not silently accepted.
    std::string tail = text;
    std::size_t last = tail.find(sig) + sig.size() - 1;
    REQUIRE(tail[last] == 'A');
    tail[last] = 'B';
    Error e = error_of([&] { Jws::parse(tail); });
    CHECK(e.kind() == ErrorKind::malformed);
    CHECK(std::string(e.what()).find("non-canonical") != std::string::npos);

    std::string bad_char = text;
    bad_char[bad_char.find(original.payload_b64) + 5] = '*';
    e = error_of([&] { Jws::parse(bad_char); });
    CHECK(std::string(e.what()) == "jws: payload: base64url: invalid character at offset 5");

    std::string broken_json = text;
    broken_json[broken_json.find("\"signatures\"") + 12] = ';';
    e = error_of([&] { Jws::parse(broken_json); });
    CHECK(e.kind() == ErrorKind::malformed);
    CHECK(std::string(e.what()).find("jws: invalid json at byte " + std::to_string(text.find("\"signatures\"") + 12)) == 0);

    check_malformed("");
    check_malformed("   \n");
    check_malformed("{");
    check_malformed("[1,2]");
    check_malformed(R"({"payload":"e30"})");
    check_malformed(R"({"payload":"e30","signatures":[]})");
    check_malformed(R"({"signatures":[{"protected":"e30","signature":""}]})");
    check_malformed("a.b");
    check_malformed("a.b.c.d");
    check_malformed(".e30.AAAA");
    // nlohmann reports a too-large number as out_of_range, not parse_error; it is still malformed.
    check_malformed(R"({"payload":"e30","signatures":1E999})");
    check_malformed(R"({"payload":"e30","signatures":[{"protected":")" +
                    base64url_encode(to_bytes(R"({"alg":"ES256","n":-1e400})")) + R"(","signature":""}]})");
}

TEST_CASE("alg none, unknown crit and header overlaps are refused") {
    const std::string payload = base64url_encode(to_bytes("{}"));
    const std::string sig = base64url_encode(Bytes(64, 1));
    auto general = [&](const json& prot, const json& header = json::object()) {
        json s = {{"protected", b64url_json(prot)}, {"signature", sig}};
        if (!header.empty()) s["header"] = header;
        return json{{"payload", payload}, {"signatures", json::array({s})}}.dump();
    };

    Error e = error_of([&] { Jws::parse(general({{"alg", "none"}})); });
    CHECK(e.kind() == ErrorKind::malformed);
    CHECK(std::string(e.what()) == "jws: signature 0: alg \"none\" is not allowed");
    // Unsecured JWS in compact form: empty signature part.
    check_malformed(b64url_json({{"alg", "none"}}) + "." + payload + ".");
    check_malformed(general({{"typ", "JWT"}}));                       // no alg
    check_malformed(general({{"alg", 7}}));                           // alg not a string
    check_malformed(general({{"alg", "ES256"}, {"crit", {"b64"}}, {"b64", false}}));
    check_malformed(general({{"alg", "ES256"}}, {{"crit", {"exp"}}}));
    check_malformed(general({{"alg", "ES256"}}, {{"alg", "ES384"}}));  // in both headers
    check_malformed(general({{"alg", "ES256"}, {"x5c", {"not base64!"}}}));
    check_malformed(general({{"alg", "ES256"}, {"x5c", {"AAAA"}}}));   // base64 but not a certificate
    check_malformed(general({{"alg", "ES256"}, {"x5c", json::array()}}));
    check_malformed(general({{"alg", "ES256"}, {"typ", 1}}));
    check_malformed(general({{"alg", "ES256"}}, {{"kid", json::array()}}));

    // The unprotected header alone may carry alg (RFC 7515 7.2.1); it parses.
    Jws only_unprotected = Jws::parse(general(json::object(), {{"alg", "ES256"}, {"kid", "k1"}}));
    CHECK(only_unprotected.signatures[0].alg == "ES256");
    CHECK(only_unprotected.signatures[0].kid() == std::optional<std::string>("k1"));
}

TEST_CASE("alg and key must match; unsupported algs never verify") {
    PrivateKey p256 = PrivateKey::generate(KeyType::p256);
    PrivateKey p384 = PrivateKey::generate(KeyType::p384);
    Jws es256 = Jws::sign(to_bytes("hello"), p256);
    auto r = verify_jws_signature(es256, 0, p384.public_key());
    CHECK_FALSE(r.signature_valid);
    CHECK(r.reason == "alg ES256 needs a P-256 key, not P-384");
    JwsVerifyOptions wrong_type;
    wrong_type.keys = {p384.public_key()};
    auto all = verify_jws(es256, wrong_type);
    CHECK_FALSE(all[0].signature_valid);
    CHECK(all[0].reason == "no given key or certificate fits alg ES256");

    // A header claiming EdDSA over an ECDSA signature, checked with the x5c leaf (a P-256 key).
    Certificate cert = self_signed(p256, "mismatch");
    std::string payload = base64url_encode(to_bytes("hello"));
    json prot = {{"alg", "EdDSA"}, {"x5c", {base64_encode(cert.der())}}};
    std::string prot_b64 = b64url_json(prot);
    Bytes s = p256.sign(as_bytes(prot_b64 + "." + payload), Hash::sha256);
    Jws lying = Jws::parse(prot_b64 + "." + payload + "." + base64url_encode(s));
    CHECK(lying.form == JwsForm::compact);
    auto results = verify_jws(lying, JwsVerifyOptions{});
    CHECK_FALSE(results[0].signature_valid);
    CHECK(results[0].reason == "alg EdDSA needs a Ed25519 key, not P-256");

    // HS256 parses (so it can be inspected) but is never verified.
    std::string hs = b64url_json({{"alg", "HS256"}});
    Jws hmac = Jws::parse(hs + "." + payload + "." + base64url_encode(Bytes(32, 7)));
    r = verify_jws_signature(hmac, 0, p256.public_key());
    CHECK_FALSE(r.signature_valid);
    CHECK(r.reason == "unsupported alg \"HS256\"");
    CHECK_FALSE(parse_jws_alg("none").has_value());
    CHECK_FALSE(parse_jws_alg("es256").has_value());
}

TEST_CASE("sign and verify round trips for ES256, ES384 and EdDSA") {
    const Bytes payload = to_bytes(R"({"ietf-voucher:voucher":{"serial-number":"JADA123456789"}})");
    struct Case {
        KeyType type;
        const char* alg;
        std::size_t sig_size;
    };
    for (const Case& c : {Case{KeyType::p256, "ES256", 64}, Case{KeyType::p384, "ES384", 96},
                          Case{KeyType::ed25519, "EdDSA", 64}}) {
        CAPTURE(c.alg);
        PrivateKey key = PrivateKey::generate(c.type);
        Certificate cert = self_signed(key, std::string("jws ") + c.alg);
        JwsSignOptions opts;
        opts.typ = jws_typ_voucher;
        opts.x5c = {cert};
        opts.kid = "k-1";
        std::string text = Jws::sign(payload, key, opts).serialize();

        Jws jws = Jws::parse(text);
        CHECK(jws.form == JwsForm::general);
        CHECK(jws.payload == payload);
        REQUIRE(jws.signatures.size() == 1);
        const JwsSignature& sig = jws.signatures[0];
        CHECK(sig.alg == c.alg);
        CHECK(sig.signature.size() == c.sig_size);
        CHECK(sig.typ() == std::optional<std::string>("voucher-jws+json"));
        CHECK(sig.kid() == std::optional<std::string>("k-1"));
        REQUIRE(sig.x5c.size() == 1);
        CHECK(sig.x5c[0] == cert);

        // x5c is standard base64 DER, not base64url (RFC 7515 4.1.6).
        const std::string& x5c0 = sig.protected_header.at("x5c").at(0).get_ref<const std::string&>();
        CHECK(x5c0.find('-') == std::string::npos);
        CHECK(x5c0.find('_') == std::string::npos);
        CHECK(x5c0 == base64_encode(cert.der()));
        CHECK(base64_decode(x5c0) == cert.der());

        CHECK(verify_jws_signature(jws, 0, key.public_key()).signature_valid);
        CHECK_FALSE(verify_jws_signature(jws, 0, PrivateKey::generate(c.type).public_key()).signature_valid);

        JwsVerifyOptions chained;
        chained.chain = ChainOptions{};
        chained.chain->trust_anchors = {cert};
        auto r = verify_jws(jws, chained);
        CHECK(r[0].trusted());
        CHECK(r[0].signer == JwsSigner::x5c);

        // The compact form carries the same signature.
        Jws compact = Jws::parse(jws.serialize_compact());
        CHECK(compact.form == JwsForm::compact);
        CHECK(verify_jws_signature(compact, 0, key.public_key()).signature_valid);

        // A flattened form made by hand parses and verifies too.
        json flat = {{"payload", jws.payload_b64}, {"protected", sig.protected_b64}, {"signature", sig.signature_b64}};
        Jws flattened = Jws::parse(flat.dump());
        CHECK(flattened.form == JwsForm::flattened);
        CHECK(verify_jws_signature(flattened, 0, key.public_key()).signature_valid);
    }
}

TEST_CASE("multi-signature: adding a signature keeps the first one byte for byte") {
    PrivateKey masa = PrivateKey::generate(KeyType::p256);
    PrivateKey registrar = PrivateKey::generate(KeyType::p384);
    JwsSignOptions masa_opts;
    masa_opts.typ = jws_typ_voucher;
    Jws jws = Jws::sign(to_bytes("{\"v\":1}"), masa, masa_opts);
    const std::string first_protected = jws.signatures[0].protected_b64;
    const std::string first_signature = jws.signatures[0].signature_b64;

    JwsSignOptions reg_opts;
    reg_opts.header = {{"kid", "registrar"}};
    jws.add_signature(registrar, reg_opts);
    Jws both = Jws::parse(jws.serialize(true));
    REQUIRE(both.signatures.size() == 2);
    CHECK(both.signatures[0].protected_b64 == first_protected);
    CHECK(both.signatures[0].signature_b64 == first_signature);
    CHECK(both.signatures[1].alg == "ES384");
    CHECK(both.signatures[1].kid() == std::optional<std::string>("registrar"));
    CHECK(both.signatures[1].header.at("kid") == "registrar");

    JwsVerifyOptions opts;
    opts.keys = {masa.public_key(), registrar.public_key()};
    auto r = verify_jws(both, opts);
    REQUIRE(r.size() == 2);
    CHECK(r[0].trusted());
    CHECK(r[1].trusted());
    CHECK(all_trusted(r));

    opts.keys = {masa.public_key()};
    r = verify_jws(both, opts);
    CHECK(r[0].trusted());
    CHECK_FALSE(r[1].trusted());
    CHECK_FALSE(all_trusted(r));

    // Two signatures cannot be written compactly.
    CHECK(error_of([&] { (void)both.serialize_compact(); }).kind() == ErrorKind::usage);
}

TEST_CASE("a registrar countersigns the MASA's voucher vector") {
    const std::string text = test::read_vector_text("voucher/jws/voucher.jws.json");
    Jws voucher = Jws::parse(text);
    PrivateKey registrar = PrivateKey::generate(KeyType::ed25519);
    Certificate registrar_cert = self_signed(registrar, "registrar");
    JwsSignOptions opts;
    opts.typ = jws_typ_voucher;
    opts.x5c = {registrar_cert};
    voucher.add_signature(registrar, opts);

    Jws both = Jws::parse(voucher.serialize());
    REQUIRE(both.signatures.size() == 2);
    JwsVerifyOptions v;
    v.certificates = {vector_cert("masa.crt"), registrar_cert};
    auto r = verify_jws(both, v);
    CHECK(r[0].signature_valid);
    CHECK(r[0].signer_certificate == std::optional<Certificate>(vector_cert("masa.crt")));
    CHECK(r[1].signature_valid);
    CHECK(r[1].alg == "EdDSA");
    CHECK(all_trusted(r));
}

TEST_CASE("signing refuses options that would make a wrong header") {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    JwsSignOptions clash;
    clash.typ = "JOSE";
    clash.header = {{"typ", "other"}};
    CHECK(error_of([&] { Jws::sign(to_bytes("x"), key, clash); }).kind() == ErrorKind::usage);
    JwsSignOptions alg_extra;
    alg_extra.extra_protected = {{"alg", "none"}};
    CHECK(error_of([&] { Jws::sign(to_bytes("x"), key, alg_extra); }).kind() == ErrorKind::usage);
    JwsSignOptions extra;
    extra.extra_protected = {{"x-note", "kept"}};
    Jws jws = Jws::parse(Jws::sign(to_bytes("x"), key, extra).serialize());
    CHECK(jws.signatures[0].protected_header.at("x-note") == "kept");
    CHECK(verify_jws_signature(jws, 0, key.public_key()).signature_valid);
}

TEST_CASE("escaped slashes in x5c and leading whitespace are tolerated") {
    PrivateKey key = PrivateKey::generate(KeyType::p256);
    Certificate cert = self_signed(key, "escapes");
    std::string x5c = base64_encode(cert.der());
    // Standard base64 of a DER certificate nearly always has a '/'; make sure this one does.
    for (int tries = 0; x5c.find('/') == std::string::npos && tries < 20; ++tries) {
        cert = self_signed(key, "escapes " + std::to_string(tries));
        x5c = base64_encode(cert.der());
    }
    REQUIRE(x5c.find('/') != std::string::npos);
    // JSON text with "\/" escapes, as some JSON writers emit.
    std::string escaped;
    for (char c : x5c) escaped += c == '/' ? std::string("\\/") : std::string(1, c);
    std::string header_text = "{\"alg\":\"ES256\",\"x5c\":[\"" + escaped + "\"]}";
    std::string prot = base64url_encode(as_bytes(header_text));
    std::string payload = base64url_encode(to_bytes("{}"));
    std::string sig = base64url_encode(key.sign(as_bytes(prot + "." + payload), Hash::sha256));
    std::string text = "\n  {\"payload\":\"" + payload + "\",\"signatures\":[{\"protected\":\"" + prot +
                       "\",\"signature\":\"" + sig + "\"}]}\n";
    Jws jws = Jws::parse(text);
    REQUIRE(jws.signatures[0].x5c.size() == 1);
    CHECK(jws.signatures[0].x5c[0] == cert);
    // The signing input is the protected string as received, escapes and all.
    CHECK(jws.signing_input(0) == prot + "." + payload);
    auto r = verify_jws(jws, JwsVerifyOptions{});
    CHECK(r[0].signature_valid);

    // x5c in the unprotected header is used too.
    json unprot = {{"payload", payload},
                   {"signatures", {{{"protected", b64url_json({{"alg", "ES256"}})}, {"header", {{"x5c", {x5c}}}}}}}};
    std::string prot2 = unprot["signatures"][0]["protected"];
    unprot["signatures"][0]["signature"] = base64url_encode(key.sign(as_bytes(prot2 + "." + payload), Hash::sha256));
    Jws from_header = Jws::parse(unprot.dump());
    CHECK(from_header.signatures[0].x5c.size() == 1);
    CHECK(verify_jws(from_header, JwsVerifyOptions{})[0].signature_valid);

    // Offsets in JSON errors count from the start of the input, leading whitespace included.
    Error e = error_of([] { Jws::parse("  {\"payload\" 1}"); });
    CHECK(std::string(e.what()).rfind("jws: invalid json at byte 13:", 0) == 0);
}

TEST_CASE("describe decodes the payload and headers for inspect") {
    Jws jws = Jws::parse(test::read_vector_text("voucher/jws/voucher.jws.json"));
    json d = jws.describe();
    CHECK(d.at("form") == "general");
    CHECK(d.at("payload").at("ietf-voucher:voucher").at("assertion") == "logged");
    CHECK(d.at("signatures").at(0).at("protected").at("typ") == "voucher-jws+json");
    CHECK(d.at("signatures").at(0).at("x5c-certificates").at(0).at("subject").get<std::string>().find(
              "CN=Manufacturer Voucher Signing Key") != std::string::npos);
    PrivateKey key = PrivateKey::generate(KeyType::ed25519);
    Bytes binary{0xff, 0x00, 0x01};
    json b = Jws::sign(binary, key).describe();
    CHECK(b.at("payload-base64url") == base64url_encode(binary));
    CHECK_FALSE(b.contains("payload"));
}
