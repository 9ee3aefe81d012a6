#include "iotops/est/registrar_voucher.hpp"

#include <fnmatch.h>

#include "est/refusal.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/voucher/create.hpp"
#include "iotops/voucher/verify.hpp"

namespace iotops::est {
namespace {

using detail::answer;
using detail::refuse;

std::optional<Check> find_check(const voucher::Report& r, const std::string& name) {
    for (const auto& c : r.checks)
        if (c.name == name) return c;
    return std::nullopt;
}

bool glob_match(const std::vector<std::string>& globs, const std::string& s) {
    for (const auto& g : globs)
        if (::fnmatch(g.c_str(), s.c_str(), 0) == 0) return true;
    return false;
}

std::string reason_of(const Bytes& body) {
    std::string s(body.begin(), body.end());
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.size() > 512) s = s.substr(0, 512) + "...";
    return s.empty() ? "(no reason given)" : s;
}

// The MASA's voucher fits the request: a voucher for this pledge with the pledge's nonce, signed
// by a MASA the registrar trusts when it was told which. Why not, or empty.
std::string check_voucher(const MasaAnswer& a, const std::string& serial, const std::optional<Bytes>& nonce,
                          const std::vector<crypto::Certificate>& anchors, Time at) {
    voucher::Envelope e;
    try {
        e = voucher::open(a.body);
    } catch (const Error& err) {
        return std::string("it is not a voucher: ") + err.what();
    }
    if (e.voucher.kind() != voucher::Kind::voucher) return "it is a voucher-request, not a voucher";
    if (auto ct = voucher_format_of(a.content_type); ct && *ct != e.format)
        return "its content type " + a.content_type + " does not match its " + std::string(voucher::format_name(e.format)) + " body";
    if (e.voucher.text("serial-number") != serial)
        return "its serial-number " + e.voucher.text("serial-number").value_or("(none)") + " is not the pledge's " + serial;
    std::optional<Bytes> have;
    try {
        have = e.voucher.binary("nonce");
    } catch (const Error&) {
        return "its nonce is not base64";
    }
    if (have && (!nonce || *have != *nonce)) return "its nonce is not the one the pledge sent";
    if (anchors.empty()) return {};
    voucher::VerifyOptions o;
    o.anchors = anchors;
    o.at = at;
    // A COSE voucher usually carries no certificate: then the MASA's own certificate is among the
    // anchors, and the one whose key verifies the signature is the signer.
    std::vector<std::optional<crypto::Certificate>> signers{std::nullopt};
    if (e.certificates.empty()) signers.assign(anchors.begin(), anchors.end());
    std::string failure;
    for (const auto& signer : signers) {
        o.signer = signer;
        auto r = voucher::verify(e, o);
        failure.clear();
        for (const auto& name : {"signature", "chain"})
            if (auto c = find_check(r, name); failure.empty() && (!c || !c->ok))
                failure = std::string("its ") + name + " check fails: " + (c ? c->message : "");
        if (failure.empty()) return {};
    }
    return failure;
}

// 5.2: the PVR names the registrar the pledge saw in TLS (a certificate, or cBRSKI's public key
// forms); another one, or none, means someone may sit in the middle: 401.
void check_registrar_pin(const voucher::Voucher& pvr, const crypto::Certificate& tls) {
    auto leaf = [&](const char* name) -> std::optional<Bytes> {
        try {
            return pvr.binary(name);
        } catch (const Error&) {
            refuse(400, std::string("the pledge voucher-request's ") + name + " is not base64");
        }
    };
    if (auto cert = leaf("proximity-registrar-cert")) {
        if (*cert != tls.der())
            refuse(401, "the pledge voucher-request's proximity-registrar-cert is not this registrar's TLS certificate");
        return;
    }
    auto spki = tls.public_key().spki_der();
    if (auto pubk = leaf("proximity-registrar-pubk")) {
        if (*pubk != spki) refuse(401, "the pledge voucher-request's proximity-registrar-pubk is not this registrar's TLS key");
        return;
    }
    if (auto hash = leaf("proximity-registrar-pubk-sha256")) {
        if (*hash != crypto::digest(crypto::Hash::sha256, spki))
            refuse(401, "the pledge voucher-request's proximity-registrar-pubk-sha256 is not this registrar's TLS key");
        return;
    }
    refuse(401, "the pledge voucher-request names no registrar (proximity-registrar-cert is required, RFC 8995 5.2)");
}

}  // namespace

std::string masa_operation_url(std::string_view masa_url, std::string_view operation) {
    std::string u(masa_url);
    if (u.empty()) throw_malformed("MASA URL: empty");
    std::string base;
    if (u.find('/') == std::string::npos) base = "https://" + u + "/.well-known/brski";
    else {
        auto scheme = u.find("://");
        if (scheme == std::string::npos) throw_malformed("MASA URL '" + u + "': neither an authority nor an https URI");
        std::string s = u.substr(0, scheme);
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s != "https") throw_malformed("MASA URL '" + u + "': the registrar must use https (RFC 8995 2.3.2)");
        auto path = u.find('/', scheme + 3);
        if (path == scheme + 3) throw_malformed("MASA URL '" + u + "': no authority");
        std::string p = path == std::string::npos ? "" : u.substr(path);
        while (!p.empty() && p.back() == '/') p.pop_back();
        base = u.substr(0, path == std::string::npos ? u.size() : path) + (p.empty() ? "/.well-known/brski" : p);
    }
    return base + "/" + std::string(operation);
}

RegistrarVoucherService::RegistrarVoucherService(RegistrarVoucherConfig config, MasaTransport masa)
    : config_(std::move(config)), masa_(std::move(masa)) {
    if (!(config_.cert.public_key() == config_.key.public_key()))
        throw Error(ErrorKind::usage, "registrar: the signing certificate does not belong to the key");
    if (!masa_) throw Error(ErrorKind::usage, "registrar: no MASA transport");
}

RegistrarReply RegistrarVoucherService::request_voucher(const BrskiRequest& request) const {
    Time at = config_.at.value_or(now());
    RegistrarReply out;
    out.log = {{"date", format_rfc3339(std::chrono::floor<std::chrono::seconds>(at))}, {"operation", "requestvoucher"}};
    out.reply = answer([&] {
        auto format = voucher_format_of(request.content_type);
        if (!format)
            refuse(415, "unsupported Content-Type '" + request.content_type + "': send " + media_voucher_cms + ", " +
                            media_voucher_jws + " or " + media_voucher_cose);
        if (request.body.empty()) refuse(400, "empty body: a signed pledge voucher-request is expected");
        if (request.peer_chain.empty())
            refuse(403, "no TLS client certificate: the pledge must authenticate with its IDevID");
        const auto& idevid = request.peer_chain.front();
        auto serial = idevid.subject_attribute("serialNumber");
        if (!serial) refuse(400, "the TLS client certificate has no serialNumber in its subject: it is not an IDevID");
        out.log["serial-number"] = *serial;

        voucher::Envelope pvr;
        try {
            pvr = voucher::open(request.body);
        } catch (const Error& e) {
            refuse(400, std::string("malformed voucher-request: ") + e.what());
        }
        if (pvr.format != *format)
            refuse(400, "the body is a " + std::string(voucher::format_name(pvr.format)) + " artifact, not what Content-Type " +
                            request.content_type + " says");
        if (pvr.voucher.kind() != voucher::Kind::voucher_request) refuse(400, "the body is a voucher, not a voucher-request");
        if (pvr.voucher.leaves().contains("prior-signed-voucher-request"))
            refuse(400, "the body is a registrar voucher-request, not a pledge's");

        // The PVR must be signed by the certificate the pledge authenticated the TLS session with.
        voucher::VerifyOptions vo;
        vo.signer = idevid;
        vo.at = at;
        auto report = voucher::verify(pvr, vo);
        if (auto sig = find_check(report, "signature"); !sig || !sig->ok || !report.signer)
            refuse(403, "the pledge voucher-request's signature does not verify" +
                            (sig && !sig->message.empty() ? ": " + sig->message : std::string()));
        if (!(*report.signer == idevid))
            refuse(403, "the pledge voucher-request is signed by " + report.signer->subject() +
                            ", not by the TLS client certificate " + idevid.subject());

        // 5.3: a manufacturer the registrar knows, and a pledge its policy admits.
        const Manufacturer* maker = nullptr;
        std::string why;
        for (const auto& m : config_.manufacturers) {
            crypto::ChainOptions co;
            co.trust_anchors = m.anchors;
            co.intermediates.assign(request.peer_chain.begin() + 1, request.peer_chain.end());
            co.intermediates.insert(co.intermediates.end(), pvr.certificates.begin(), pvr.certificates.end());
            co.at = at;
            auto res = crypto::verify_chain(idevid, co);
            if (res.ok) {
                maker = &m;
                break;
            }
            if (why.empty()) why = res.error;
        }
        if (!maker)
            refuse(404, "unknown manufacturer: the IDevID " + idevid.subject() + " chains to no manufacturer this registrar knows" +
                            (why.empty() ? std::string() : " (" + why + ")"));
        out.log["manufacturer"] = maker->name;
        if (!glob_match(maker->serials, *serial))
            refuse(403, "registrar policy: " + maker->name + " pledge " + *serial + " is not admitted to this domain");
        if (auto ps = pvr.voucher.text("serial-number"); ps && *ps != *serial)
            refuse(400, "the pledge voucher-request's serial-number " + *ps + " is not its IDevID's serialNumber " + *serial);
        voucher::RuleOptions ro;
        ro.at = at;
        for (const auto& c : voucher::check_rules(pvr.voucher, ro))
            if (!c.ok) refuse(400, "pledge voucher-request " + c.name + ": " + c.message);
        // 5.2: a PVR pinning another registrar means someone sits in the middle.
        if (config_.tls_certificate) check_registrar_pin(pvr.voucher, *config_.tls_certificate);

        auto masa_url = maker->masa_url ? maker->masa_url : idevid.masa_url();
        if (!masa_url) refuse(404, "no MASA: the IDevID has no MASA URL extension and none is configured for " + maker->name);
        std::string url;
        try {
            url = masa_operation_url(*masa_url, "requestvoucher");
        } catch (const Error& e) {
            refuse(502, e.what());
        }
        out.log["masa"] = url;

        voucher::CreateOptions co;
        co.now = at;
        auto rvr = voucher::create_rvr(pvr, nlohmann::json::object(), co, idevid);  // the PVR may carry no certificate
        voucher::SignOptions so;
        so.format = config_.rvr_format.value_or(pvr.format);
        so.chain = config_.chain;
        if (so.format == voucher::Format::cose) {
            // cBRSKI: the x5bag also carries the registrar's (D)TLS certificate when it does not sign,
            // so the MASA finds the key a proximity-registrar-pubk names, and the pledge's chain
            // from the handshake, so the MASA can check the PVR from the manufacturer's root alone.
            auto add = [&](const crypto::Certificate& c) {
                if (!(c == config_.cert) && std::find(so.chain.begin(), so.chain.end(), c) == so.chain.end()) so.chain.push_back(c);
            };
            if (config_.tls_certificate) add(*config_.tls_certificate);
            for (const auto& c : request.peer_chain) add(c);
        }
        MasaCall call;
        call.url = url;
        call.content_type = std::string(voucher_media_type(so.format));
        // 5.5: the Accept the pledge sent; without one, the format the pledge signed in.
        call.accept = request.accept.empty() ? std::string(voucher_media_type(pvr.format)) : request.accept;
        call.body = voucher::sign(rvr, config_.key, config_.cert, so);

        MasaAnswer a;
        try {
            a = masa_(call);
        } catch (const Error& e) {
            refuse(502, "MASA " + url + " could not be asked: " + e.what());
        }
        out.log["masa-status"] = a.status;
        if (a.status >= 400 && a.status < 500)
            refuse(a.status, "the MASA refused the voucher-request (HTTP " + std::to_string(a.status) + "): " + reason_of(a.body));
        if (a.status != 200)
            refuse(502, "the MASA failed (HTTP " + std::to_string(a.status) + "): " + reason_of(a.body));
        std::optional<Bytes> nonce;
        try {
            nonce = pvr.voucher.binary("nonce");
        } catch (const Error&) {
        }
        if (auto bad = check_voucher(a, *serial, nonce, config_.masa_anchors, at); !bad.empty())
            refuse(502, "the MASA's answer was refused: " + bad);
        BrskiReply r;
        r.content_type = a.content_type;
        if (!voucher_format_of(r.content_type)) r.content_type = std::string(voucher_media_type(voucher::open(a.body).format));
        r.body = std::move(a.body);
        return r;
    });
    out.log["status"] = out.reply.status;
    if (!out.reply.ok()) out.log["reason"] = reason_of(out.reply.body);
    return out;
}

}  // namespace iotops::est
