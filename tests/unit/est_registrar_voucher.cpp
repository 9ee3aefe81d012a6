// The registrar's voucher exchange: PVR over TLS -> RVR -> MASA (here the in-process MASA behind a
// function) -> voucher back to the pledge; pledge telemetry; the MASA URL rule.
#include <doctest/doctest.h>

#include <thread>

#include "brski_pki.hpp"
#include "iotops/core/error.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/est/registrar_brski.hpp"
#include "iotops/est/registrar_voucher.hpp"
#include "masa_in_process.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::BrskiPki;
using nlohmann::json;

namespace {

struct Fixture {
    BrskiPki pki;
    test::Identity pledge = pki.pledge("SN-0001", pki.vendor);
    Masa masa{[this] {
        MasaConfig c{pki.masa.key, pki.masa.cert};
        c.idevid_anchors = {pki.vendor.cert};
        return c;
    }()};
    std::vector<MasaCall> calls;

    RegistrarVoucherConfig config() const {
        RegistrarVoucherConfig c{pki.registrar.key, pki.registrar.cert};
        c.chain = {pki.domain_ca.cert};
        c.tls_certificate = pki.registrar.cert;
        c.manufacturers = {Manufacturer{"test vendor", {pki.vendor.cert}, {"SN-*"}, std::nullopt}};
        c.masa_anchors = {pki.vendor.cert};
        return c;
    }
    MasaTransport to_masa() {
        return [this](const MasaCall& call) {
            calls.push_back(call);
            return test::answer_in_process(masa, call);
        };
    }
    BrskiRequest from_pledge(Bytes pvr, const test::Identity& tls_client, std::string ct = media_voucher_cms) const {
        BrskiRequest r;
        r.content_type = std::move(ct);
        r.body = std::move(pvr);
        r.peer_chain = {tls_client.cert};
        return r;
    }
};

void check_refusal(const RegistrarReply& r, int status, const std::string& part) {
    CHECK(r.reply.status == status);
    INFO("reason: " << r.reply.body_text());
    CHECK(r.reply.body_text().find(part) != std::string::npos);
    CHECK(r.log["status"] == status);
}

}  // namespace

TEST_CASE("registrar: a pledge's PVR becomes a signed RVR to the IDevID's MASA, the voucher comes back unchanged") {
    Fixture f;
    RegistrarVoucherService reg(f.config(), f.to_masa());
    auto pvr = BrskiPki::pvr(f.pledge, f.pki.registrar.cert);
    auto out = reg.request_voucher(f.from_pledge(pvr, f.pledge));
    REQUIRE_MESSAGE(out.reply.status == 200, out.reply.body_text());
    CHECK(out.reply.content_type == media_voucher_cms);
    REQUIRE(f.calls.size() == 1);
    CHECK(f.calls[0].url == "https://masa.example:9443/.well-known/brski/requestvoucher");
    CHECK(f.calls[0].content_type == media_voucher_cms);
    CHECK(f.calls[0].accept == media_voucher_cms);
    // the RVR: signed by the registrar, wrapping the PVR byte for byte
    auto rvr = voucher::open(f.calls[0].body);
    CHECK(rvr.voucher.binary("prior-signed-voucher-request") == pvr);
    CHECK(rvr.voucher.text("serial-number") == "SN-0001");
    CHECK(rvr.certificates.size() == 2);
    // the voucher: for this pledge, its nonce, pinning the domain CA
    voucher::VerifyOptions o;
    o.anchors = {f.pki.vendor.cert};
    o.idevid = f.pledge.cert;
    o.nonce = base64_decode("AAECAwQFBgcICQoLDA0ODw==");
    o.pinned = f.pki.domain_ca.cert;
    CHECK(voucher::verify(out.reply.body, o).ok());
    CHECK(out.log["serial-number"] == "SN-0001");
    CHECK(out.log["manufacturer"] == "test vendor");
    CHECK(out.log["status"] == 200);

    // JWS PVR: a JWS RVR, and the pledge's Accept passed on
    auto jpvr = BrskiPki::pvr(f.pledge, f.pki.registrar.cert, voucher::Format::jws);
    auto req = f.from_pledge(jpvr, f.pledge, media_voucher_jws);
    req.accept = media_voucher_jws;
    auto j = reg.request_voucher(req);
    REQUIRE_MESSAGE(j.reply.status == 200, j.reply.body_text());
    CHECK(j.reply.content_type == media_voucher_jws);
    CHECK(f.calls.back().content_type == media_voucher_jws);
}

TEST_CASE("registrar: refusals of the pledge's request") {
    Fixture f;
    RegistrarVoucherService reg(f.config(), f.to_masa());
    auto pvr = BrskiPki::pvr(f.pledge, f.pki.registrar.cert);
    check_refusal(reg.request_voucher(f.from_pledge(pvr, f.pledge, "application/pkcs7-mime")), 415, "unsupported Content-Type");
    check_refusal(reg.request_voucher(f.from_pledge({}, f.pledge)), 400, "empty body");
    auto no_tls = f.from_pledge(pvr, f.pledge);
    no_tls.peer_chain.clear();
    check_refusal(reg.request_voucher(no_tls), 403, "no TLS client certificate");
    check_refusal(reg.request_voucher(f.from_pledge(to_bytes("{\"x\":"), f.pledge)), 400, "malformed voucher-request");
    // another device's PVR presented over this pledge's TLS session
    auto twin = f.pki.pledge("SN-0001", f.pki.vendor);
    check_refusal(reg.request_voucher(f.from_pledge(BrskiPki::pvr(twin, f.pki.registrar.cert), f.pledge)), 403,
                  "not by the TLS client certificate");
    auto stranger = f.pki.pledge("SN-0001", f.pki.other_vendor);
    check_refusal(reg.request_voucher(f.from_pledge(BrskiPki::pvr(stranger, f.pki.registrar.cert), stranger)), 404,
                  "unknown manufacturer");
    auto outsider = f.pki.pledge("XX-0001", f.pki.vendor);
    check_refusal(reg.request_voucher(f.from_pledge(BrskiPki::pvr(outsider, f.pki.registrar.cert), outsider)), 403,
                  "registrar policy: test vendor pledge XX-0001 is not admitted");
    check_refusal(reg.request_voucher(f.from_pledge(BrskiPki::pvr(f.pledge, f.pki.other_registrar.cert), f.pledge)), 401,
                  "proximity-registrar-cert is not this registrar's TLS certificate");
    auto bare = voucher::create(voucher::Kind::voucher_request, json{{"assertion", "proximity"}, {"nonce", "AAECAwQFBgcICQoLDA0ODw=="}});
    check_refusal(reg.request_voucher(f.from_pledge(voucher::sign(bare, f.pledge.key, f.pledge.cert, voucher::SignOptions{}), f.pledge)),
                  401, "names no registrar");
    auto by_key = voucher::create(voucher::Kind::voucher_request,
                                  json{{"assertion", "proximity"}, {"nonce", "AAECAwQFBgcICQoLDA0ODw=="},
                                       {"proximity-registrar-pubk", base64_encode(f.pki.other_registrar.cert.public_key().spki_der())}});
    check_refusal(reg.request_voucher(f.from_pledge(voucher::sign(by_key, f.pledge.key, f.pledge.cert, voucher::SignOptions{}), f.pledge)),
                  401, "proximity-registrar-pubk is not this registrar's TLS key");
    auto nomasa = f.pki.pledge("SN-0002", f.pki.vendor, std::nullopt);
    check_refusal(reg.request_voucher(f.from_pledge(BrskiPki::pvr(nomasa, f.pki.registrar.cert), nomasa)), 404,
                  "no MASA URL extension");
    CHECK(f.calls.empty());  // none of these reached the MASA
}

TEST_CASE("registrar: MASA failures become registrar answers") {
    Fixture f;
    auto pvr = BrskiPki::pvr(f.pledge, f.pki.registrar.cert);
    auto with = [&](MasaTransport t) { return RegistrarVoucherService(f.config(), std::move(t)).request_voucher(f.from_pledge(pvr, f.pledge)); };
    check_refusal(with([](const MasaCall&) -> MasaAnswer { throw Error(ErrorKind::unreachable, "connection refused"); }), 502,
                  "could not be asked: connection refused");
    check_refusal(with([](const MasaCall&) { return MasaAnswer{403, "text/plain", to_bytes("device is on the deny list\n")}; }),
                  403, "the MASA refused the voucher-request (HTTP 403): device is on the deny list");
    check_refusal(with([](const MasaCall&) { return MasaAnswer{500, "text/plain", to_bytes("boom")}; }), 502,
                  "the MASA failed (HTTP 500): boom");
    check_refusal(with([](const MasaCall&) { return MasaAnswer{200, media_voucher_cms, to_bytes("garbage")}; }), 502,
                  "the MASA's answer was refused: it is not a voucher");
    // a voucher for another device, or with another nonce, is not passed on
    auto other_masa = [&](const std::string& serial, const std::string& nonce) {
        return [&f, serial, nonce](const MasaCall&) {
            auto v = voucher::create(voucher::Kind::voucher, json{{"assertion", "logged"}, {"serial-number", serial}, {"nonce", nonce},
                                                                  {"pinned-domain-cert", base64_encode(f.pki.domain_ca.cert.der())}});
            voucher::SignOptions so;
            return MasaAnswer{200, media_voucher_cms, voucher::sign(v, f.pki.masa.key, f.pki.masa.cert, so)};
        };
    };
    check_refusal(with(other_masa("SN-0002", "AAECAwQFBgcICQoLDA0ODw==")), 502, "serial-number SN-0002 is not the pledge's SN-0001");
    check_refusal(with(other_masa("SN-0001", "AQEBAQEBAQEBAQ==")), 502, "nonce is not the one the pledge sent");
    // signed by a MASA the registrar does not trust
    auto rogue = test::make_identity(test::leaf_spec({{"CN", "rogue masa"}}), &f.pki.other_vendor);
    check_refusal(with([&](const MasaCall&) {
                      auto v = voucher::create(voucher::Kind::voucher,
                                               json{{"assertion", "logged"}, {"serial-number", "SN-0001"},
                                                    {"nonce", "AAECAwQFBgcICQoLDA0ODw=="},
                                                    {"pinned-domain-cert", base64_encode(f.pki.domain_ca.cert.der())}});
                      return MasaAnswer{200, media_voucher_cms, voucher::sign(v, rogue.key, rogue.cert, voucher::SignOptions{})};
                  }),
                  502, "its chain check fails");
}

TEST_CASE("masa URL: authority alone, origin alone, or a full base (RFC 8995 2.3.2)") {
    CHECK(masa_operation_url("masa.example:9443") == "https://masa.example:9443/.well-known/brski/requestvoucher");
    CHECK(masa_operation_url("https://masa.example") == "https://masa.example/.well-known/brski/requestvoucher");
    CHECK(masa_operation_url("https://masa.example/") == "https://masa.example/.well-known/brski/requestvoucher");
    CHECK(masa_operation_url("https://masa.example/brski/", "requestauditlog") == "https://masa.example/brski/requestauditlog");
    CHECK_THROWS_WITH(masa_operation_url("http://masa.example"), "MASA URL 'http://masa.example': the registrar must use https (RFC 8995 2.3.2)");
    CHECK_THROWS_AS(masa_operation_url("masa.example/x"), Error);
    CHECK_THROWS_AS(masa_operation_url(""), Error);
}

TEST_CASE("telemetry: voucher_status and enrollstatus validated and recorded") {
    test::BrskiPki pki;
    auto pledge = pki.pledge("SN-0001", pki.vendor);
    auto post = [&](std::string body, std::string ct = "application/json") {
        BrskiRequest r;
        r.content_type = std::move(ct);
        r.body = to_bytes(body);
        r.peer_chain = {pledge.cert};
        return r;
    };
    auto ok = voucher_status(post(R"({"version":1,"status":false,"reason":"bad nonce","reason-context":{"a":1},"extra":2})"));
    CHECK(ok.reply.status == 200);
    CHECK(ok.record["operation"] == "voucher_status");
    CHECK(ok.record["serial-number"] == "SN-0001");
    CHECK(ok.record["status"] == false);
    CHECK(ok.record["reason"] == "bad nonce");
    CHECK(ok.record["reason-context"]["a"] == 1);
    CHECK(ok.record["unknown-fields"]["extra"] == 2);
    auto newer = enroll_status(post(R"({"version":2,"status":true})"));
    CHECK(newer.reply.status == 200);
    CHECK(newer.record["newer-version"] == true);
    CHECK(newer.record["operation"] == "enrollstatus");

    auto bad = [&](const std::string& body, int status, const std::string& part, std::string ct = "application/json") {
        auto r = enroll_status(post(body, ct));
        CHECK(r.reply.status == status);
        INFO(r.reply.body_text());
        CHECK(r.reply.body_text().find(part) != std::string::npos);
        CHECK(r.record["accepted"] == false);
    };
    bad(R"({"version":1,"status":true})", 415, "unsupported Content-Type", "text/plain");
    bad(R"({"version":1,"status":tr)", 400, "enrollstatus");
    bad(R"([1])", 400, "a JSON object is expected");
    bad(R"({"status":true})", 400, "version is missing");
    bad(R"({"version":-1,"status":true})", 400, "version is missing or not an unsigned integer");
    bad(R"({"version":1,"status":"yes"})", 400, "status is missing or not a boolean");
    bad(R"({"version":1,"status":false,"reason":7})", 400, "reason is not text");
}

TEST_CASE("registrar to MASA over HTTPS: the crypto HTTP client and server with the real handlers") {
    Fixture f;
    auto tls = test::make_identity(test::leaf_spec({{"CN", "masa tls"}}, {crypto::oid::kp_server_auth}), nullptr);
    crypto::ServerOptions so;
    so.certificates = {tls.cert};
    so.key = tls.key;
    so.threads = 2;
    crypto::HttpServer server(so);
    server.handle("POST", "/.well-known/brski/requestvoucher", [&f](const crypto::ServerRequest& r) {
        BrskiRequest b;
        b.content_type = r.content_type;
        b.accept = r.header("Accept").value_or("");
        b.body = r.body;
        auto a = f.masa.request_voucher(b);
        crypto::ServerResponse s;
        s.status = a.status;
        s.content_type = a.content_type;
        s.body = a.body;
        return s;
    });
    int port = server.bind("127.0.0.1", 0);
    std::thread serving([&] { server.run(); });
    struct Stop {
        crypto::HttpServer& s;
        std::thread& t;
        ~Stop() {
            s.stop();
            t.join();
        }
    } stop{server, serving};

    auto c = f.config();
    c.manufacturers[0].masa_url = "https://127.0.0.1:" + std::to_string(port);
    crypto::HttpOptions ho;
    ho.pinned_anchors = {tls.cert};
    ho.timeout_seconds = 10;
    RegistrarVoucherService reg(c, https_masa_transport(ho));
    auto req = f.from_pledge(BrskiPki::pvr(f.pledge, f.pki.registrar.cert), f.pledge);
    req.accept = media_voucher_jws;
    auto out = reg.request_voucher(req);
    REQUIRE_MESSAGE(out.reply.status == 200, out.reply.body_text());
    CHECK(out.reply.content_type == media_voucher_jws);
    CHECK(voucher::open(out.reply.body).voucher.text("serial-number") == "SN-0001");
    CHECK(out.log["masa"] == "https://127.0.0.1:" + std::to_string(port) + "/.well-known/brski/requestvoucher");

    // the MASA refuses a device of another manufacturer the registrar admits: its 404 is passed on
    auto stranger = f.pki.pledge("SN-0005", f.pki.other_vendor);
    c.manufacturers.push_back(Manufacturer{"other vendor", {f.pki.other_vendor.cert}, {"*"}, c.manufacturers[0].masa_url});
    RegistrarVoucherService reg2(c, https_masa_transport(ho));
    auto refused = reg2.request_voucher(f.from_pledge(BrskiPki::pvr(stranger, f.pki.registrar.cert), stranger));
    CHECK(refused.reply.status == 404);
    CHECK(refused.reply.body_text().find("the MASA refused the voucher-request (HTTP 404): unknown device") != std::string::npos);

    // a MASA whose TLS certificate is not the pinned one is not asked
    crypto::HttpOptions wrong;
    wrong.pinned_anchors = {f.pki.vendor.cert};
    wrong.timeout_seconds = 10;
    RegistrarVoucherService reg3(c, https_masa_transport(wrong));
    auto unreachable = reg3.request_voucher(f.from_pledge(BrskiPki::pvr(f.pledge, f.pki.registrar.cert), f.pledge));
    CHECK(unreachable.reply.status == 502);
    CHECK(unreachable.reply.body_text().find("could not be asked") != std::string::npos);
}
