// What the BRSKI voucher roles (MASA, registrar) see of an HTTP exchange, without sockets: the
// request as bytes and headers in, the answer as status, content type and body out (RFC 8995 5.6).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iotops/core/bytes.hpp"
#include "iotops/crypto/certificate.hpp"
#include "iotops/voucher/envelope.hpp"

namespace iotops::est {

struct BrskiRequest {
    std::string content_type;  // as received, parameters included
    std::string accept;        // the Accept header; empty when absent
    Bytes body;
    std::vector<crypto::Certificate> peer_chain;  // TLS client certificate chain, leaf first, not verified
};

struct BrskiReply {
    int status = 200;
    std::string content_type;
    Bytes body;

    // An error answer: RFC 8995 5.6 wants a human-readable UTF-8 text saying why.
    static BrskiReply text(int status, std::string_view reason);
    bool ok() const { return status == 200; }
    std::string body_text() const { return std::string(body.begin(), body.end()); }
};

// Media types of signed voucher artifacts.
inline constexpr const char* media_voucher_cms = "application/voucher-cms+json";
inline constexpr const char* media_voucher_jws = "application/voucher-jws+json";
inline constexpr const char* media_voucher_cose = "application/voucher+cose";
inline constexpr const char* media_voucher_cose_legacy = "application/voucher-cose+cbor";

// "type/subtype" of a Content-Type or media range: lower case, parameters and blanks dropped.
std::string media_essence(std::string_view media);

// The media type of a signed format (cms, jws, cose); Error(usage) for bare json/cbor.
std::string_view voucher_media_type(voucher::Format f);
// The signed format a Content-Type names (parameters and case ignored; the old COSE name too).
std::optional<voucher::Format> voucher_format_of(std::string_view content_type);
// The format to answer in for an Accept header: the most preferred (q-value, then order) of cms,
// jws and cose that `offered` holds; an empty Accept, "*/*" or "application/*" gives `preferred`.
// nullopt when the header accepts none of them (HTTP 406).
std::optional<voucher::Format> negotiate_voucher_format(std::string_view accept, voucher::Format preferred,
                                                        const std::vector<voucher::Format>& offered);

}  // namespace iotops::est
