// The cBRSKI COSE example PVR (draft-ietf-anima-constrained-voucher, examples/cose-examples) through
// the code a CoAPS registrar and the MASA run: the registrar checks it against the pledge's DTLS
// certificate and its own (proximity-registrar-pubk), wraps it in a COSE RVR (the PVR carries no
// certificate: the pledge's goes into the RVR's x5bag), the in-process MASA answers with a COSE
// voucher for that nonce, and the voucher verifies as the pledge verifies it. The example certificates are
// checked at 2023-06-01: the registrar's expired in 2025.
#include <doctest/doctest.h>

#include "brski_pki.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/est/masa.hpp"
#include "iotops/est/registrar_voucher.hpp"
#include "iotops/voucher.hpp"
#include "masa_in_process.hpp"
#include "vectors.hpp"

using namespace iotops;
using namespace iotops::est;
using iotops::test::read_vector;
using iotops::test::read_vector_text;

namespace {

crypto::Certificate cert(const std::string& name) { return crypto::Certificate::load(read_vector("voucher/cose/" + name)); }
crypto::PrivateKey key(const std::string& name) { return crypto::PrivateKey::load(read_vector("voucher/cose/" + name)); }
Bytes pvr_vector() { return hex_decode(read_vector_text("voucher/cose/pvr.hex")); }
const Time at = parse_rfc3339("2023-06-01T00:00:00Z");

struct Flow {
    Masa masa{[] {
        // The examples sign vouchers with the masa_ca key ("MASA Private Key" in the draft).
        MasaConfig c{key("key-privkey_masa_ca.pem"), cert("masa_ca.pem")};
        c.idevid_anchors = {cert("masa_ca.pem")};
        c.format = voucher::Format::cose;
        c.at = at;
        return c;
    }()};
    std::vector<MasaCall> calls;
    std::vector<Bytes> vouchers_from_masa;

    RegistrarVoucherService registrar() {
        RegistrarVoucherConfig c{key("key-privkey_registrar.pem"), cert("registrar.pem")};
        c.chain = {cert("domain_ca.pem")};
        c.tls_certificate = cert("registrar.pem");
        c.manufacturers = {Manufacturer{"vanderstok", {cert("masa_ca.pem")}, {"JADA*"}, "masa.stok.nl"}};
        c.masa_anchors = {cert("masa_ca.pem")};
        c.at = at;
        return RegistrarVoucherService(std::move(c), [this](const MasaCall& call) {
            calls.push_back(call);
            MasaAnswer a = test::answer_in_process(masa, call);
            vouchers_from_masa.push_back(a.body);
            return a;
        });
    }

    static BrskiRequest from_pledge(Bytes pvr) {
        BrskiRequest r;
        r.content_type = media_voucher_cose;
        r.accept = media_voucher_cose;
        r.body = std::move(pvr);
        r.peer_chain = {cert("pledge.pem")};
        return r;
    }
};

}  // namespace

TEST_CASE("the cBRSKI example PVR: registrar, MASA and back to the pledge, in COSE") {
    voucher::Envelope pvr = voucher::open(pvr_vector());
    REQUIRE(pvr.format == voucher::Format::cose);
    REQUIRE(pvr.voucher.binary("proximity-registrar-pubk") == cert("registrar.pem").public_key().spki_der());
    const Bytes nonce = *pvr.voucher.binary("nonce");
    CHECK(hex_encode(nonce) == "23bfbbc9c2bcf213");

    Flow f;
    RegistrarReply r = f.registrar().request_voucher(Flow::from_pledge(pvr_vector()));
    INFO(r.reply.body_text());
    REQUIRE(r.reply.status == 200);
    CHECK(r.reply.content_type == media_voucher_cose);

    // What went to the MASA: a COSE RVR signed by the registrar, holding the example PVR unchanged.
    REQUIRE(f.calls.size() == 1);
    CHECK(f.calls[0].url == "https://masa.stok.nl/.well-known/brski/requestvoucher");
    CHECK(f.calls[0].content_type == media_voucher_cose);
    voucher::Envelope rvr = voucher::open(f.calls[0].body);
    CHECK(rvr.format == voucher::Format::cose);
    CHECK(rvr.voucher.kind() == voucher::Kind::voucher_request);
    CHECK(rvr.voucher.binary("prior-signed-voucher-request") == pvr_vector());
    CHECK(rvr.voucher.text("serial-number") == "JADA123456789");
    CHECK(rvr.voucher.binary("nonce") == nonce);
    voucher::VerifyOptions ro;
    ro.anchors = {cert("domain_ca.pem")};
    ro.pvr_anchors = {cert("masa_ca.pem")};
    ro.at = at;
    voucher::Report rr = voucher::verify(rvr, ro);
    for (const auto& c : rr.checks) INFO(c.name << ": " << c.message);
    CHECK(rr.ok());

    // The voucher reaches the pledge as the MASA signed it, without unprotected certificates (the
    // registrar checked it against the MASA's certificate among its anchors).
    REQUIRE(f.vouchers_from_masa.size() == 1);
    voucher::Envelope v = voucher::open(r.reply.body);
    CHECK(v.certificates.empty());
    cbor::Value sign1 = cbor::decode(r.reply.body);
    REQUIRE(sign1.is_tag());
    CHECK(sign1.tag_content().as_array()[1].as_map().empty());

    // The pledge's checks: the MASA's signature (its certificate preinstalled), this nonce, this
    // IDevID, and the registrar it saw pinned through the domain CA.
    voucher::VerifyOptions po;
    po.signer = cert("masa_ca.pem");
    po.anchors = {cert("masa_ca.pem")};
    po.nonce = nonce;
    po.serial = "JADA123456789";
    po.idevid = cert("pledge.pem");
    po.kind = voucher::Expect::voucher;
    po.at = at;
    voucher::Report pr = voucher::verify(v, po);
    for (const auto& c : pr.checks) INFO(c.name << ": " << c.message);
    CHECK(pr.ok());
    CHECK(v.voucher.text("assertion") == "proximity");
    CHECK(v.voucher.binary("pinned-domain-cert") == cert("domain_ca.pem").der());
}

TEST_CASE("the cBRSKI example PVR is refused from another DTLS client and by another registrar") {
    // A DTLS client with the same serial-number that did not sign it: 403.
    Flow f;
    test::BrskiPki pki;
    BrskiRequest wrong_client = Flow::from_pledge(pvr_vector());
    wrong_client.peer_chain = {pki.pledge("JADA123456789", pki.vendor).cert};
    RegistrarReply r = f.registrar().request_voucher(wrong_client);
    CHECK(r.reply.status == 403);
    CHECK_MESSAGE(r.reply.body_text().find("signature does not verify") != std::string::npos, r.reply.body_text());
    CHECK(f.calls.empty());

    // A registrar whose DTLS key is not the one the PVR names: 401, and the MASA is not asked.
    RegistrarVoucherConfig c{key("key-privkey_registrar.pem"), cert("registrar.pem")};
    c.tls_certificate = cert("masa.pem");
    c.manufacturers = {Manufacturer{"vanderstok", {cert("masa_ca.pem")}, {"*"}, "masa.stok.nl"}};
    c.at = at;
    std::size_t asked = 0;
    RegistrarVoucherService other(std::move(c), [&](const MasaCall&) {
        ++asked;
        return MasaAnswer{500, "text/plain", {}};
    });
    RegistrarReply o = other.request_voucher(Flow::from_pledge(pvr_vector()));
    CHECK(o.reply.status == 401);
    CHECK(o.reply.body_text().find("proximity-registrar-pubk") != std::string::npos);
    CHECK(asked == 0);
}

TEST_CASE("the cBRSKI example voucher verifies as the pledge verifies it, and not for the PVR's nonce") {
    voucher::Envelope v = voucher::open(hex_decode(read_vector_text("voucher/cose/voucher.hex")));
    voucher::VerifyOptions po;
    po.signer = cert("masa_ca.pem");
    po.anchors = {cert("masa_ca.pem")};
    po.nonce = hex_decode("57EED786AD404907");
    po.serial = "JADA123456789";
    po.kind = voucher::Expect::voucher;
    po.at = at;
    CHECK(voucher::verify(v, po).ok());
    po.nonce = *voucher::open(pvr_vector()).voucher.binary("nonce");  // the examples are not one flow
    CHECK_FALSE(voucher::verify(v, po).ok());
}
