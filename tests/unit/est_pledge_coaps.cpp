// The cBRSKI pledge (run_pledge over coaps://) against a registrar faked in the process: every
// step of the happy path and what went over the wire, then each way it can fail with the step
// and the failure kind (the exit code) it must end with.
#include <doctest/doctest.h>

#include <thread>

#include "iotops/codec/cbor.hpp"
#include "iotops/est/pledge.hpp"
#include "support/fake_coaps_registrar.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::BrskiPki;
using iotops::test::FakeCoapsRegistrar;
using nlohmann::json;

namespace {

const BrskiPki& pki() {
    static BrskiPki p;
    return p;
}

PledgeIdentity identity(const std::string& serial) {
    auto id = pki().pledge(serial, pki().vendor);
    return {id.key, {id.cert, pki().vendor.cert}};
}

PledgeOptions options(const FakeCoapsRegistrar& srv) {
    PledgeOptions o;
    o.registrar = srv.uri();
    o.masa_anchors = {pki().vendor.cert};
    o.masa_signers = {pki().masa.cert};
    o.timeout_seconds = 10;
    return o;
}

std::vector<std::string> step_names(const json& t) {
    std::vector<std::string> out;
    for (const auto& s : t["steps"]) out.push_back(s["step"]);
    return out;
}

const json& step(const json& t, const std::string& name) {
    for (const auto& s : t["steps"])
        if (s["step"] == name) return s;
    FAIL("no step " << name);
    static json none;
    return none;
}

const std::vector<std::string> all_steps = {"provisional-tls", "voucher-request", "requestvoucher", "voucher",
                                            "registrar-certificate", "voucher_status", "cacerts", "simpleenroll",
                                            "enrollstatus"};

}  // namespace

TEST_CASE("cbrski pledge: every step over CoAPS, with what went over the wire") {
    FakeCoapsRegistrar srv(pki());
    srv.start();
    auto id = identity("CB-1");
    auto o = options(srv);
    o.record_exchanges = true;
    PledgeOutcome r = run_pledge(id, o);
    INFO(r.transcript.dump(2));
    REQUIRE(r.enrolled());
    const json& t = r.transcript;
    CHECK(t["result"] == "enrolled");
    CHECK(t["transport"] == "coaps");
    CHECK(t["serial-number"] == "CB-1");
    CHECK(step_names(t) == all_steps);
    CHECK(step(t, "provisional-tls")["max-fragment-length"] == 1024);
    CHECK(step(t, "provisional-tls")["registrar-certificate"]["subject"] == "CN=registrar");
    CHECK(step(t, "voucher-request")["format"] == "cose");
    CHECK(step(t, "requestvoucher")["coap-code"] == "2.04");
    CHECK(step(t, "requestvoucher")["content-format"] == 836);
    CHECK(step(t, "voucher")["format"] == "cose");
    CHECK(step(t, "voucher_status")["coap-code"] == "2.04");
    CHECK(step(t, "cacerts")["coap-code"] == "2.05");
    CHECK(step(t, "simpleenroll")["coap-code"] == "2.04");
    CHECK(step(t, "enrollstatus")["coap-code"] == "2.04");
    // --verbose: each CoAP exchange under its step.
    const json& rv = step(t, "requestvoucher")["coap"];
    REQUIRE(rv.size() == 1);
    CHECK(rv[0]["request"]["method"] == "POST");
    CHECK(rv[0]["request"]["uri"] == srv.uri() + "/.well-known/brski/rv");
    CHECK(rv[0]["request"]["content-format"] == 836);
    CHECK(rv[0]["request"]["accept"] == 836);
    CHECK(rv[0]["response"]["code"] == "2.04");
    CHECK(step(t, "cacerts")["coap"][0]["request"]["accept"] == 62);

    // The PVR: COSE, naming the registrar's DTLS key, over a session with the IDevID.
    auto pvr_req = srv.request("POST /.well-known/brski/rv");
    REQUIRE(pvr_req);
    CHECK(pvr_req->content_format == coap_format::voucher_cose);
    CHECK(pvr_req->peer_chain.front() == id.certificates.front());
    auto pvr = voucher::open(pvr_req->payload);
    CHECK(pvr.format == voucher::Format::cose);
    CHECK(pvr.voucher.kind() == voucher::Kind::voucher_request);
    CHECK(pvr.voucher.text("assertion") == "proximity");
    CHECK(pvr.voucher.text("serial-number") == "CB-1");
    CHECK(pvr.voucher.binary("proximity-registrar-pubk") == pki().registrar.cert.public_key().spki_der());
    CHECK(pvr.voucher.binary("nonce")->size() == 16);

    // Telemetry in CBOR (60) with text keys.
    for (const char* p : {"POST /.well-known/brski/vs", "POST /.well-known/brski/es"}) {
        CAPTURE(p);
        auto s = srv.request(p);
        REQUIRE(s);
        CHECK(s->content_format == coap_format::cbor);
        auto m = cbor::decode(s->payload);
        CHECK(m.find("version")->as_uint() == 1);
        CHECK(m.find("status")->as_bool());
        CHECK(m.find("reason")->is_text());
    }
    // EST: multipart-core CA certificates, then the LDevID for a key made here.
    CHECK(srv.request("GET /.well-known/est/crts")->accept == coap_format::multipart_core);
    CHECK(srv.request("POST /.well-known/est/sen")->content_format == coap_format::pkcs10);
    CHECK(r.domain_anchors == std::vector<crypto::Certificate>{pki().domain_ca.cert});
    REQUIRE(r.ldevid_key);
    CHECK(r.ldevid.front().public_key() == r.ldevid_key->public_key());
    CHECK(r.ldevid.front().subject_attribute("serialNumber") == "CB-1");
    CHECK(r.ldevid.front().subject() == id.certificates.front().subject());  // cBRSKI: the IDevID's subject
    CHECK(voucher::open(r.voucher).format == voucher::Format::cose);
}

TEST_CASE("cbrski pledge: max_fragment_length 512 and a MASA signer found in --masa-ca") {
    FakeCoapsRegistrar srv(pki());
    srv.start();
    auto o = options(srv);
    o.max_fragment_length = 512;
    o.masa_signers.clear();
    o.masa_anchors = {pki().vendor.cert, pki().masa.cert};
    PledgeOutcome r = run_pledge(identity("CB-2"), o);
    INFO(r.transcript.dump(2));
    CHECK(r.enrolled());
    CHECK(step(r.transcript, "provisional-tls")["max-fragment-length"] == 512);
}

TEST_CASE("cbrski pledge: failures end at their step with their kind") {
    namespace cf = coap_format;
    struct Case {
        std::string name;
        std::function<void(FakeCoapsRegistrar&)> setup;
        std::string failed_step;
        ErrorKind kind;
        std::string message;
    };
    std::vector<Case> cases = {
        {"voucher in the wrong content-format",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/brski/rv"] = [](const CoapRequest&) {
                 return CoapResponse{coap_code::changed, cf::cbor, Bytes{0xa0}};
             };
         },
         "requestvoucher", ErrorKind::protocol, "the registrar answered content-format 60, not 836 (application/voucher+cose)"},
        {"a truncated voucher",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/brski/rv"] = [](const CoapRequest&) {
                 return CoapResponse{coap_code::changed, cf::voucher_cose, Bytes{0xd2, 0x84, 0x43, 0xa1}};
             };
         },
         "voucher", ErrorKind::protocol, "the registrar's answer is not a voucher"},
        {"a voucher for another nonce",
         [](FakeCoapsRegistrar& s) { s.tweak_voucher = [](json& v) { v["nonce"] = "AAECAwQFBgcICQoLDA0ODw=="; }; },
         "voucher", ErrorKind::negative, "voucher check nonce failed"},
        {"a voucher for another pledge",
         [](FakeCoapsRegistrar& s) { s.tweak_voucher = [](json& v) { v["serial-number"] = "SOMEONE-ELSE"; }; },
         "voucher", ErrorKind::negative, "voucher check serial-number failed"},
        {"a voucher pinning another domain",
         [](FakeCoapsRegistrar& s) {
             s.tweak_voucher = [&s](json& v) { v["pinned-domain-cert"] = base64_encode(s.pki.other_domain_ca.cert.der()); };
         },
         "registrar-certificate", ErrorKind::negative, "does not chain to the voucher's pinned-domain-cert"},
        {"the registrar refuses the PVR",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/brski/rv"] = [](const CoapRequest&) {
                 return CoapResponse::text(coap_code::forbidden, "unknown manufacturer");
             };
         },
         "requestvoucher", ErrorKind::negative, "the registrar answered 4.03: unknown manufacturer"},
        {"the MASA is not there",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/brski/rv"] = [](const CoapRequest&) {
                 return CoapResponse::text(coap_code::bad_gateway, "MASA unreachable");
             };
         },
         "requestvoucher", ErrorKind::unreachable, "the registrar answered 5.02: MASA unreachable"},
        {"crts in the wrong format",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/est/crts"] = [&s](const CoapRequest&) {
                 return CoapResponse{coap_code::content, cf::pkix_cert, s.pki.domain_ca.cert.der()};
             };
         },
         "cacerts", ErrorKind::protocol, "EST-coaps crts: the answer has content-format 287, not 62"},
        {"an LDevID from another CA",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/est/sen"] = [&s](const CoapRequest& r) {
                 auto csr = crypto::Csr::load(r.payload);
                 auto cert = crypto::issue_certificate(iotops::test::leaf_spec(csr.subject_name()), csr.public_key(),
                                                       s.pki.other_domain_ca.key, &s.pki.other_domain_ca.cert);
                 return CoapResponse{coap_code::changed, cf::pkcs7_certs_only, crypto::certs_only({cert})};
             };
         },
         "simpleenroll", ErrorKind::negative, "the LDevID does not chain to the domain's CA certificates"},
        {"an LDevID for another key",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/est/sen"] = [&s](const CoapRequest& r) {
                 auto cert = crypto::issue_certificate(iotops::test::leaf_spec(crypto::Csr::load(r.payload).subject_name()),
                                                       s.pki.registrar.cert.public_key(), s.pki.domain_ca.key, &s.pki.domain_ca.cert);
                 return CoapResponse{coap_code::changed, cf::pkcs7_certs_only, crypto::certs_only({cert})};
             };
         },
         "simpleenroll", ErrorKind::protocol, "the certificate returned is not for the key sent"},
        {"a registrar that stops answering",
         [](FakeCoapsRegistrar& s) {
             s.replace["/.well-known/est/sen"] = [](const CoapRequest&) -> CoapResponse {
                 std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                 return CoapResponse::text(coap_code::internal_server_error, "too late");
             };
         },
         "simpleenroll", ErrorKind::unreachable, "no answer to POST /.well-known/est/sen within 1000 ms"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        FakeCoapsRegistrar srv(pki());
        c.setup(srv);
        srv.start();
        auto o = options(srv);
        if (c.name == "a registrar that stops answering") o.timeout_seconds = 1;
        PledgeOutcome r = run_pledge(identity("CB-3"), o);
        INFO(r.transcript.dump(2));
        REQUIRE_FALSE(r.enrolled());
        CHECK(r.transcript["failed-step"] == c.failed_step);
        CHECK(*r.failure == c.kind);
        CHECK(r.transcript["error"].get<std::string>().find(c.message) != std::string::npos);
        CHECK(r.transcript["transport"] == "coaps");
        // Voucher failures are reported to the registrar; enrolment failures too.
        if (c.failed_step == "voucher" || c.failed_step == "registrar-certificate") {
            auto vs = srv.request("POST /.well-known/brski/vs");
            REQUIRE(vs);
            auto m = cbor::decode(vs->payload);
            CHECK_FALSE(m.find("status")->as_bool());
            CHECK(m.find("reason")->as_text().find(c.message) != std::string::npos);
            CHECK_FALSE(srv.request("GET /.well-known/est/crts"));
        }
        if (c.failed_step == "simpleenroll" && c.kind != ErrorKind::unreachable) {
            auto es = srv.request("POST /.well-known/brski/es");
            REQUIRE(es);
            CHECK_FALSE(cbor::decode(es->payload).find("status")->as_bool());
        }
    }
}

TEST_CASE("cbrski pledge: nobody at the port, and telemetry the registrar refuses") {
    int port = 0;
    {
        iotops::est::CoapServer gone({{pki().registrar.cert}, pki().registrar.key, true});
        port = gone.bind("127.0.0.1", 0);
    }
    PledgeOptions o;
    o.registrar = "coaps://127.0.0.1:" + std::to_string(port);
    o.masa_anchors = {pki().vendor.cert};
    o.timeout_seconds = 5;
    PledgeOutcome r = run_pledge(identity("CB-4"), o);
    CHECK(r.failure == ErrorKind::unreachable);
    CHECK(r.transcript["failed-step"] == "provisional-tls");
    CHECK(r.transcript["steps"].size() == 1);
    CHECK(r.transcript["error"].get<std::string>().find("Connection refused") != std::string::npos);

    FakeCoapsRegistrar srv(pki());
    srv.replace["/.well-known/brski/vs"] = [](const CoapRequest&) {
        return CoapResponse::text(coap_code::bad_request, "status telemetry not understood");
    };
    srv.start();
    r = run_pledge(identity("CB-5"), options(srv));
    CHECK(r.enrolled());  // noted, not fatal
    CHECK(step(r.transcript, "voucher_status")["warning"] == "the registrar answered 4.00: status telemetry not understood");

    o.registrar = srv.uri();
    o.format = voucher::Format::cms;
    CHECK_THROWS_AS(run_pledge(identity("CB-6"), o), Error);
}
