// The registrar's CoAPS resources called as plain functions: EST-coaps content-formats and
// refusals over the shared enrolment core, cBRSKI /rv through the voucher service to an
// in-process MASA, CBOR telemetry; multipart-core and the COSE voucher's x5bag stripping.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "brski_pki.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/pkcs7.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/est/multipart_core.hpp"
#include "iotops/est/registrar_coaps.hpp"
#include "masa_in_process.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::BrskiPki;
namespace cf = iotops::est::coap_format;

namespace {

std::string text_of(const CoapResponse& r) { return std::string(r.payload.begin(), r.payload.end()); }

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

struct Resources {
    std::vector<CoapResource> list;
    const CoapResource& at(const std::string& path) const {
        for (const auto& r : list)
            if (r.path == path) return r;
        FAIL("no resource " << path);
        throw std::logic_error("unreachable");
    }
    CoapResponse call(const std::string& path, CoapRequest req) const {
        req.path = path;
        return at(path).handler(req);
    }
};

struct EstFixture {
    BrskiPki pki;
    std::string dir;
    std::shared_ptr<Ca> ca;
    std::unique_ptr<Registrar> reg;
    Resources res;
    test::Identity pledge = pki.pledge("SN-0001", pki.vendor);

    explicit EstFixture(std::vector<crypto::CsrAttr> attrs = {}) {
        dir = (std::filesystem::temp_directory_path() / ("est_coaps_" + std::to_string(::getpid()))).string();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        ca = std::make_shared<Ca>(CaConfig{pki.domain_ca.cert, pki.domain_ca.key, {}, dir + "/index.txt", std::chrono::hours(24), ""});
        RegistrarConfig rc;
        rc.client_anchors = {pki.vendor.cert};
        rc.labels = {"factory"};
        rc.csr_attrs = std::move(attrs);
        rc.audit_log = dir + "/audit.ndjson";
        reg = std::make_unique<Registrar>(ca, rc);
        res.list = est_coap_resources(*reg);
    }
    ~EstFixture() { std::filesystem::remove_all(dir); }

    CoapRequest csr_request(const test::Identity& who, const crypto::PrivateKey& key, const crypto::Name& subject) const {
        CoapRequest r;
        r.method = CoapMethod::post;
        r.content_format = cf::pkcs10;
        r.payload = crypto::Csr::create(subject, key).der();
        r.peer_chain = {who.cert};
        r.remote_address = "127.0.0.1:5000";
        return r;
    }
};

CoapRequest get(std::optional<unsigned> accept = std::nullopt) {
    CoapRequest r;
    r.accept = accept;
    return r;
}

}  // namespace

TEST_CASE("coap codes for the core's HTTP statuses") {
    CHECK(code_string(coap_code_for_http(400)) == "4.00");
    CHECK(code_string(coap_code_for_http(401)) == "4.01");
    CHECK(code_string(coap_code_for_http(403)) == "4.03");
    CHECK(code_string(coap_code_for_http(404)) == "4.04");
    CHECK(code_string(coap_code_for_http(406)) == "4.06");
    CHECK(code_string(coap_code_for_http(413)) == "4.13");
    CHECK(code_string(coap_code_for_http(415)) == "4.15");
    CHECK(code_string(coap_code_for_http(409)) == "4.00");
    CHECK(code_string(coap_code_for_http(500)) == "5.00");
    CHECK(code_string(coap_code_for_http(502)) == "5.02");
    CHECK(code_string(coap_code_for_http(503)) == "5.03");
}

TEST_CASE("multipart-core: encode, decode and refusals") {
    std::vector<CorePart> parts{{cf::pkcs8, Bytes{1, 2}}, {cf::pkcs7_certs_only, Bytes{}}, {0, std::nullopt}};
    Bytes enc = encode_multipart_core(parts);
    CHECK(cbor::diagnostic(cbor::decode(enc)) == "[284, h'0102', 281, h'', 0, null]");
    auto back = decode_multipart_core(enc);
    REQUIRE(back.size() == 3);
    CHECK(back[0].content_format == cf::pkcs8);
    CHECK(back[0].data == Bytes{1, 2});
    CHECK(!back[2].data);
    CHECK(decode_multipart_core(cbor::encode(cbor::Value::array())).empty());
    auto bad = [](const cbor::Value& v, const std::string& part) {
        try {
            decode_multipart_core(cbor::encode(v));
            FAIL("accepted " << cbor::diagnostic(v));
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
            CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
        }
    };
    bad(cbor::Value::map(), "not a CBOR array");
    bad(cbor::Value::array({cbor::Value::uint(287)}), "not content-format and representation pairs");
    bad(cbor::Value::array({cbor::Value::uint(70000), cbor::Value::bytes({})}), "part 0: the content-format");
    bad(cbor::Value::array({cbor::Value::text("287"), cbor::Value::bytes({})}), "part 0: the content-format");
    bad(cbor::Value::array({cbor::Value::uint(287), cbor::Value::bytes({}), cbor::Value::uint(287), cbor::Value::text("x")}),
        "part 1: the representation");
    CHECK_THROWS_AS(decode_multipart_core(Bytes{0x82, 0x01}), Error);  // truncated
    CHECK_THROWS_AS(encode_multipart_core({{65536, Bytes{}}}), Error);
}

TEST_CASE("EST-coaps crts: 281 by default, 62 and 287 by Accept, 4.06 otherwise") {
    EstFixture f;
    auto def = f.res.call("/.well-known/est/crts", get());
    CHECK(def.code == coap_code::content);
    CHECK(def.content_format == cf::pkcs7_certs_only);
    auto certs = crypto::parse_certs_only(def.payload);
    REQUIRE(certs.size() == 1);
    CHECK(certs[0] == f.pki.domain_ca.cert);
    CHECK(f.res.call("/.well-known/est/crts", get(cf::pkcs7_certs_only)).payload == def.payload);
    auto one = f.res.call("/.well-known/est/crts", get(cf::pkix_cert));
    CHECK(one.content_format == cf::pkix_cert);
    CHECK(one.payload == f.pki.domain_ca.cert.der());
    auto multi = f.res.call("/.well-known/est/crts", get(cf::multipart_core));
    CHECK(multi.content_format == cf::multipart_core);
    auto parts = decode_multipart_core(multi.payload);
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].content_format == cf::pkix_cert);
    CHECK(parts[0].data == f.pki.domain_ca.cert.der());
    auto no = f.res.call("/.well-known/est/crts", get(cf::json));
    CHECK(no.code == coap_code::not_acceptable);
    CHECK(no.content_format == cf::text_plain);
    CHECK(text_of(no).find("not Accept 50") != std::string::npos);
    // The label's resources answer alike; discovery attributes as the contract says.
    CHECK(f.res.call("/.well-known/est/factory/crts", get()).payload == def.payload);
    CHECK(f.res.at("/.well-known/est/crts").ct == std::vector<unsigned>{62, 281, 287});
    CHECK(f.res.at("/.well-known/est").rt == std::vector<std::string>{"ace.est"});
    CHECK(f.res.at("/.well-known/est/skg").rt == std::vector<std::string>{"ace.est.skg"});
}

TEST_CASE("EST-coaps sen: an IDevID enrols; 281 or 287 by Accept; the audit line says coaps") {
    EstFixture f;
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::Name subject{{"CN", "pledge"}, {"serialNumber", "SN-0001"}};
    auto a = f.res.call("/.well-known/est/sen", f.csr_request(f.pledge, key, subject));
    REQUIRE_MESSAGE(a.code == coap_code::changed, text_of(a));
    CHECK(a.content_format == cf::pkcs7_certs_only);
    auto issued = crypto::parse_certs_only(a.payload);
    REQUIRE(issued.size() == 1);
    CHECK(issued[0].public_key() == key.public_key());
    CHECK(issued[0].issuer() == f.pki.domain_ca.cert.subject());

    auto req = f.csr_request(f.pledge, key, subject);
    req.accept = cf::pkix_cert;
    auto b = f.res.call("/.well-known/est/sen", req);
    REQUIRE_MESSAGE(b.code == coap_code::changed, text_of(b));
    CHECK(b.content_format == cf::pkix_cert);
    CHECK(crypto::Certificate::load(b.payload).public_key() == key.public_key());

    auto log = lines_of(f.dir + "/audit.ndjson");
    REQUIRE(log.size() == 2);
    auto line = nlohmann::json::parse(log[0]);
    CHECK(line["transport"] == "coaps");
    CHECK(line["operation"] == "simpleenroll");
    CHECK(line["result"] == "issued");
    CHECK(line["remote"] == "127.0.0.1:5000");

    // sren with the LDevID it got: the same subject renews.
    test::Identity ldevid{key, issued[0]};
    auto r = f.res.call("/.well-known/est/sren", f.csr_request(ldevid, key, subject));
    CHECK_MESSAGE(r.code == coap_code::changed, text_of(r));
}

TEST_CASE("EST-coaps sen refusals: 4.15, 4.01, 4.03, 4.00, 4.06") {
    EstFixture f;
    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    crypto::Name subject{{"CN", "pledge"}, {"serialNumber", "SN-0001"}};
    auto check = [&](const std::string& path, CoapRequest req, unsigned code, const std::string& part) {
        auto a = f.res.call(path, std::move(req));
        CHECK(code_string(a.code) == code_string(code));
        CHECK(a.content_format == cf::text_plain);
        CHECK_MESSAGE(text_of(a).find(part) != std::string::npos, text_of(a));
        CHECK(text_of(a).find('\n') == std::string::npos);
    };
    auto r = f.csr_request(f.pledge, key, subject);
    r.content_format = cf::cbor;
    check("/.well-known/est/sen", r, coap_code::unsupported_content_format, "must be content-format 286");
    r.content_format.reset();
    check("/.well-known/est/sen", r, coap_code::unsupported_content_format, "not none");
    r = f.csr_request(f.pledge, key, subject);
    r.peer_chain.clear();
    check("/.well-known/est/sen", r, coap_code::unauthorized, "no client certificate");
    r.peer_chain = {f.pki.other_registrar.cert};
    check("/.well-known/est/sen", r, coap_code::unauthorized, "is not trusted");
    r = f.csr_request(f.pledge, key, subject);
    r.payload = to_bytes("not a CSR");
    check("/.well-known/est/sen", r, coap_code::bad_request, "malformed CSR");
    r.payload.clear();
    check("/.well-known/est/sen", r, coap_code::bad_request, "empty payload");
    r = f.csr_request(f.pledge, key, subject);
    r.accept = cf::multipart_core;
    check("/.well-known/est/sen", r, coap_code::not_acceptable, "281 or 287");
    // An IDevID cannot renew: reenrolment needs a certificate this CA issued.
    check("/.well-known/est/sren", f.csr_request(f.pledge, key, subject), coap_code::forbidden, "simplereenroll needs");
    // Nothing was issued; each refusal with an authenticated peer is one audit line.
    for (const auto& l : lines_of(f.dir + "/audit.ndjson")) CHECK(nlohmann::json::parse(l)["result"] == "refused");
}

TEST_CASE("EST-coaps att and skg") {
    {
        EstFixture f;
        auto a = f.res.call("/.well-known/est/att", get());
        CHECK(a.code == coap_code::not_found);
    }
    EstFixture f({crypto::CsrAttr{"1.2.840.10045.4.3.2", {}}});
    auto a = f.res.call("/.well-known/est/att", get());
    CHECK(a.code == coap_code::content);
    CHECK(a.content_format == cf::csrattrs);
    CHECK(a.payload == crypto::encode_csr_attrs(f.reg->csr_attrs()));
    CHECK(f.res.call("/.well-known/est/att", get(cf::cbor)).code == coap_code::not_acceptable);

    auto key = crypto::PrivateKey::generate(crypto::KeyType::p256);
    auto s = f.res.call("/.well-known/est/skg", f.csr_request(f.pledge, key, {{"CN", "pledge"}, {"serialNumber", "SN-0001"}}));
    REQUIRE_MESSAGE(s.code == coap_code::changed, text_of(s));
    CHECK(s.content_format == cf::multipart_core);
    auto parts = decode_multipart_core(s.payload);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].content_format == cf::pkcs8);
    CHECK(parts[1].content_format == cf::pkcs7_certs_only);
    auto generated = crypto::PrivateKey::load(*parts[0].data);
    auto cert = crypto::parse_certs_only(*parts[1].data);
    REQUIRE(cert.size() == 1);
    CHECK(cert[0].public_key() == generated.public_key());
    CHECK(!(cert[0].public_key() == key.public_key()));
    auto req = f.csr_request(f.pledge, key, {{"CN", "pledge"}});
    req.accept = cf::pkcs7_certs_only;
    CHECK(f.res.call("/.well-known/est/skg", req).code == coap_code::not_acceptable);
}

TEST_CASE("strip_unprotected_certificates keeps the signature and drops x5bag and x5chain") {
    BrskiPki pki;
    auto pledge = pki.pledge("SN-0001", pki.vendor);
    // A voucher-request: voucher::sign puts its certificate in the unprotected x5bag.
    Bytes signed_pvr = BrskiPki::pvr(pledge, pki.registrar.cert, voucher::Format::cose);
    auto msg = crypto::cose::Sign1::parse(signed_pvr);
    REQUIRE(msg.unprotected_header().contains(crypto::cose::label::x5bag));
    msg.unprotected_header().set_x5chain({pledge.cert});
    msg.unprotected_header().set_kid(Bytes{7});
    Bytes with_both = msg.encode();

    Bytes stripped = voucher::strip_unprotected_certificates(with_both);
    auto s = crypto::cose::Sign1::parse(stripped);
    CHECK(s.tagged());
    CHECK(!s.unprotected_header().contains(crypto::cose::label::x5bag));
    CHECK(!s.unprotected_header().contains(crypto::cose::label::x5chain));
    CHECK(s.unprotected_header().kid() == Bytes{7});
    CHECK(s.protected_bytes() == msg.protected_bytes());
    CHECK(s.payload() == msg.payload());
    CHECK(s.verify(pledge.cert).ok);
    CHECK(stripped.size() < with_both.size());
    // Untagged stays untagged; nothing to strip is a no-op.
    Bytes untagged = msg.encode(crypto::cose::Form::untagged);
    CHECK(!crypto::cose::Sign1::parse(voucher::strip_unprotected_certificates(untagged)).tagged());
    CHECK(voucher::strip_unprotected_certificates(stripped) == stripped);
    CHECK_THROWS_AS(voucher::strip_unprotected_certificates(to_bytes("{}")), Error);
    CHECK_THROWS_AS(voucher::strip_unprotected_certificates(BrskiPki::pvr(pledge, pki.registrar.cert)), Error);  // CMS
}

namespace {

struct BrskiFixture {
    BrskiPki pki;
    test::Identity pledge = pki.pledge("SN-0001", pki.vendor);
    Masa masa{[this] {
        MasaConfig c{pki.masa.key, pki.masa.cert};
        c.idevid_anchors = {pki.vendor.cert};
        return c;
    }()};
    std::vector<MasaCall> calls;
    std::string dir;
    bool masa_adds_x5bag = true;

    BrskiFixture() {
        dir = (std::filesystem::temp_directory_path() / ("brski_coaps_" + std::to_string(::getpid()))).string();
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~BrskiFixture() { std::filesystem::remove_all(dir); }

    // The registrar signs RVRs with `signer`; its (D)TLS certificate is `tls`.
    Resources resources(const test::Identity& signer, const crypto::Certificate& tls) {
        RegistrarVoucherConfig c{signer.key, signer.cert};
        c.chain = {pki.domain_ca.cert};
        c.tls_certificate = tls;
        c.manufacturers = {Manufacturer{"test vendor", {pki.vendor.cert}, {"SN-*"}, std::nullopt}};
        c.masa_anchors = {pki.vendor.cert};
        auto service = std::make_shared<const RegistrarVoucherService>(c, [this](const MasaCall& call) {
            calls.push_back(call);
            MasaAnswer a = test::answer_in_process(masa, call);
            // A MASA that sends its certificate along for the registrar, as cBRSKI allows.
            if (masa_adds_x5bag && a.status == 200) {
                auto m = crypto::cose::Sign1::parse(a.body);
                m.unprotected_header().set_x5bag({pki.masa.cert});
                a.body = m.encode();
            }
            return a;
        });
        return Resources{brski_coap_resources(service, AuditLog(dir + "/audit.ndjson"))};
    }

    // The cBRSKI PVR: COSE, the registrar named by its public key (or its SHA-256).
    Bytes pvr(const crypto::Certificate& registrar, bool sha256 = false) const {
        Bytes spki = registrar.public_key().spki_der();
        nlohmann::json d = {{"assertion", "proximity"}, {"nonce", "AAECAwQFBgcICQoLDA0ODw=="}, {"serial-number", "SN-0001"}};
        if (sha256) d["proximity-registrar-pubk-sha256"] = base64_encode(crypto::digest(crypto::Hash::sha256, spki));
        else d["proximity-registrar-pubk"] = base64_encode(spki);
        voucher::SignOptions o;
        o.format = voucher::Format::cose;
        return voucher::sign(voucher::create(voucher::Kind::voucher_request, d), pledge.key, pledge.cert, o);
    }
    CoapRequest rv(Bytes body) const {
        CoapRequest r;
        r.method = CoapMethod::post;
        r.content_format = cf::voucher_cose;
        r.payload = std::move(body);
        r.peer_chain = {pledge.cert};
        return r;
    }
};

}  // namespace

TEST_CASE("cBRSKI rv: COSE PVR to the MASA, the voucher back without x5bag") {
    BrskiFixture f;
    auto res = f.resources(f.pki.registrar, f.pki.registrar.cert);
    auto a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.registrar.cert)));
    REQUIRE_MESSAGE(a.code == coap_code::changed, text_of(a));
    CHECK(a.content_format == cf::voucher_cose);
    auto m = crypto::cose::Sign1::parse(a.payload);
    CHECK(!m.unprotected_header().contains(crypto::cose::label::x5bag));
    CHECK(!m.unprotected_header().contains(crypto::cose::label::x5chain));
    voucher::VerifyOptions o;
    o.signer = f.pki.masa.cert;
    o.anchors = {f.pki.vendor.cert};
    o.idevid = f.pledge.cert;
    o.nonce = base64_decode("AAECAwQFBgcICQoLDA0ODw==");
    o.pinned = f.pki.domain_ca.cert;
    auto report = voucher::verify(a.payload, o);
    CHECK_MESSAGE(report.ok(), report.to_json().dump());
    // The RVR went as COSE with the registrar's chain and the pledge's certificate in its x5bag.
    REQUIRE(f.calls.size() == 1);
    CHECK(f.calls[0].content_type == media_voucher_cose);
    auto rvr = voucher::open(f.calls[0].body);
    auto has = [&](const crypto::Certificate& c) { return std::find(rvr.certificates.begin(), rvr.certificates.end(), c) != rvr.certificates.end(); };
    CHECK(has(f.pki.registrar.cert));
    CHECK(has(f.pki.domain_ca.cert));
    CHECK(has(f.pledge.cert));
    auto log = lines_of(f.dir + "/audit.ndjson");
    REQUIRE(log.size() == 1);
    auto line = nlohmann::json::parse(log[0]);
    CHECK(line["operation"] == "requestvoucher");
    CHECK(line["transport"] == "coaps");
    CHECK(line["coap-code"] == "2.04");
    CHECK(line["serial-number"] == "SN-0001");
}

TEST_CASE("cBRSKI rv: a DTLS certificate that does not sign the RVR goes in its x5bag, and the MASA accepts it") {
    BrskiFixture f;
    // not_registrar: the domain's DTLS server certificate; registrar: the RVR signer (id-kp-cmcRA).
    auto res = f.resources(f.pki.registrar, f.pki.not_registrar.cert);
    auto a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.not_registrar.cert, true)));
    REQUIRE_MESSAGE(a.code == coap_code::changed, text_of(a));
    auto rvr = voucher::open(f.calls.at(0).body);
    CHECK(std::find(rvr.certificates.begin(), rvr.certificates.end(), f.pki.not_registrar.cert) != rvr.certificates.end());
    // The PVR names the signer's key, not the DTLS certificate's: the registrar refuses (4.01).
    auto b = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.registrar.cert)));
    CHECK(b.code == coap_code::unauthorized);
    CHECK(text_of(b).find("proximity-registrar-pubk is not this registrar's TLS key") != std::string::npos);
}

TEST_CASE("cBRSKI rv: the MASA refuses a DTLS certificate of another domain in the x5bag") {
    BrskiFixture f;
    auto res = f.resources(f.pki.registrar, f.pki.other_registrar.cert);
    auto a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.other_registrar.cert)));
    CHECK(a.code == coap_code::forbidden);
    CHECK_MESSAGE(text_of(a).find("the MASA refused") != std::string::npos, text_of(a));
    CHECK_MESSAGE(text_of(a).find("proximity-registrar-pubk is not a key of the registrar's chain") != std::string::npos, text_of(a));
}

TEST_CASE("cBRSKI rv refusals") {
    BrskiFixture f;
    auto res = f.resources(f.pki.registrar, f.pki.registrar.cert);
    auto check = [&](CoapRequest r, unsigned code, const std::string& part) {
        auto a = res.call("/.well-known/brski/rv", std::move(r));
        CHECK(code_string(a.code) == code_string(code));
        CHECK(a.content_format == cf::text_plain);
        CHECK_MESSAGE(text_of(a).find(part) != std::string::npos, text_of(a));
        CHECK(text_of(a).find('\n') == std::string::npos);
    };
    auto r = f.rv(f.pvr(f.pki.registrar.cert));
    r.content_format = cf::cbor;
    check(r, coap_code::unsupported_content_format, "must be content-format 836");
    r = f.rv(f.pvr(f.pki.registrar.cert));
    r.accept = cf::cbor;
    check(r, coap_code::not_acceptable, "836");
    r = f.rv(f.pvr(f.pki.registrar.cert));
    r.peer_chain.clear();
    check(r, coap_code::forbidden, "no TLS client certificate");
    check(f.rv(f.pvr(f.pki.other_registrar.cert)), coap_code::unauthorized, "proximity-registrar-pubk");
    check(f.rv(to_bytes("garbage")), coap_code::bad_request, "malformed voucher-request");
    auto other = f.pki.pledge("SN-0001", f.pki.other_vendor);
    r = f.rv(f.pvr(f.pki.registrar.cert));
    r.peer_chain = {other.cert};
    check(r, coap_code::forbidden, "not by the TLS client certificate");
    CHECK(f.calls.empty());
    CHECK(lines_of(f.dir + "/audit.ndjson").size() == 6);
}

TEST_CASE("cBRSKI vs and es: CBOR and JSON, 2.04 empty; 4.00 and 4.15 with a reason") {
    BrskiFixture f;
    auto res = f.resources(f.pki.registrar, f.pki.registrar.cert);
    auto post = [&](const std::string& path, std::optional<unsigned> format, Bytes body) {
        CoapRequest r;
        r.method = CoapMethod::post;
        r.content_format = format;
        r.payload = std::move(body);
        r.peer_chain = {f.pledge.cert};
        return res.call(path, r);
    };
    cbor::Value ok = cbor::Value::map({{cbor::Value::text("version"), cbor::Value::uint(1)},
                                       {cbor::Value::text("status"), cbor::Value::boolean(false)},
                                       {cbor::Value::text("reason"), cbor::Value::text("bad nonce")},
                                       {cbor::Value::text("reason-context"), cbor::Value::map({{cbor::Value::text("n"), cbor::Value::bytes({1, 2})}})}});
    auto a = post("/.well-known/brski/vs", cf::cbor, cbor::encode(ok));
    CHECK_MESSAGE(a.code == coap_code::changed, text_of(a));
    CHECK(a.payload.empty());
    auto b = post("/.well-known/brski/es", cf::json, to_bytes(R"({"version":1,"status":true})"));
    CHECK(b.code == coap_code::changed);
    auto log = lines_of(f.dir + "/audit.ndjson");
    REQUIRE(log.size() == 2);
    auto vs = nlohmann::json::parse(log[0]);
    CHECK(vs["operation"] == "voucher_status");
    CHECK(vs["status"] == false);
    CHECK(vs["reason"] == "bad nonce");
    CHECK(vs["reason-context"]["n"] == "AQI=");
    CHECK(vs["serial-number"] == "SN-0001");
    CHECK(vs["transport"] == "coaps");
    CHECK(vs["coap-code"] == "2.04");
    CHECK(nlohmann::json::parse(log[1])["operation"] == "enrollstatus");

    auto bad = [&](std::optional<unsigned> format, Bytes body, unsigned code, const std::string& part) {
        auto r = post("/.well-known/brski/es", format, std::move(body));
        CHECK(code_string(r.code) == code_string(code));
        CHECK(r.content_format == cf::text_plain);
        CHECK_MESSAGE(text_of(r).find(part) != std::string::npos, text_of(r));
    };
    bad(cf::text_plain, to_bytes("{}"), coap_code::unsupported_content_format, "send content-format 60 (CBOR) or 50 (JSON), not content-format 0");
    bad(std::nullopt, cbor::encode(ok), coap_code::unsupported_content_format, "not no content-format");
    bad(cf::cbor, Bytes{0xa1, 0x01}, coap_code::bad_request, "enrollstatus: CBOR:");
    bad(cf::cbor, cbor::encode(cbor::Value::array()), coap_code::bad_request, "a CBOR map is expected");
    bad(cf::cbor, cbor::encode(cbor::Value::map({{cbor::Value::uint(1), cbor::Value::uint(1)}})), coap_code::bad_request, "not text");
    bad(cf::cbor, cbor::encode(cbor::Value::map({{cbor::Value::text("version"), cbor::Value::uint(1)}})), coap_code::bad_request,
        "status is missing");
    bad(cf::json, to_bytes("{"), coap_code::bad_request, "enrollstatus");
}

TEST_CASE("cBRSKI rv: a MASA's refusal and failure reach the pledge as one line with the mapped code") {
    BrskiFixture f;
    RegistrarVoucherConfig c{f.pki.registrar.key, f.pki.registrar.cert};
    c.tls_certificate = f.pki.registrar.cert;
    c.manufacturers = {Manufacturer{"test vendor", {f.pki.vendor.cert}, {"SN-*"}, std::nullopt}};
    int status = 403;
    auto service = std::make_shared<const RegistrarVoucherService>(c, [&](const MasaCall&) {
        if (status == 0) throw Error(ErrorKind::unreachable, "connection refused");
        return MasaAnswer{status, "text/plain", to_bytes("serial SN-0001 is on the deny list\nsee the audit log\n")};
    });
    Resources res{brski_coap_resources(service, AuditLog())};
    auto a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.registrar.cert)));
    CHECK(code_string(a.code) == "4.03");
    CHECK(text_of(a) == "the MASA refused the voucher-request (HTTP 403): serial SN-0001 is on the deny list see the audit log");
    status = 500;
    a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.registrar.cert)));
    CHECK(code_string(a.code) == "5.02");
    CHECK(text_of(a).find("the MASA failed (HTTP 500)") == 0);
    status = 0;
    a = res.call("/.well-known/brski/rv", f.rv(f.pvr(f.pki.registrar.cert)));
    CHECK(code_string(a.code) == "5.02");
    CHECK_MESSAGE(text_of(a).find("could not be asked: connection refused") != std::string::npos, text_of(a));
}
