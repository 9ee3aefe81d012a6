// CoapClient on libcoap: one context and one client session per server. The DTLS handshake runs
// on construction; the server's certificates are then read from the session and judged here
// (pinned anchors with crypto::verify_chain, or provisional: recorded only). Requests wait in
// coap_io_process until their response, a NACK, or the deadline; libcoap asks for each Block2
// block and sends Block1 (COAP_BLOCK_USE_LIBCOAP). The blocks are put together here, not by
// libcoap (no COAP_BLOCK_SINGLE_BODY), so that an answer cut off part-way is told apart from
// no answer at all: the first is the peer breaking the protocol, the second a peer gone.
#include <chrono>
#include <cstring>

#include "est/coap_native.hpp"
#include "iotops/est/coap.hpp"

namespace iotops::est {

namespace {

using Clock = std::chrono::steady_clock;

std::string nack_reason(coap_nack_reason_t r) {
    switch (r) {
        case COAP_NACK_TOO_MANY_RETRIES: return "no answer";
        case COAP_NACK_NOT_DELIVERABLE: return "not deliverable";
        case COAP_NACK_RST: return "reset by the server";
        case COAP_NACK_TLS_FAILED: return "DTLS failed";
        case COAP_NACK_ICMP_ISSUE: return "ICMP error (port unreachable?)";
    }
    return "failed";
}

struct Pending {
    Bytes token;
    bool done = false;
    std::size_t blocks = 0;  // Block2 blocks received so far with more to come
    std::string failure;  // set when the request failed
    bool protocol = false;  // the failure is the peer's nonsense, not its absence
    CoapClientResponse response;
};

}  // namespace

struct CoapClient::Impl {
    std::string uri;
    CoapClientOptions options;
    coap_context_t* ctx = nullptr;
    coap_session_t* session = nullptr;
    coapn::PkiBuffers buffers;
    coapn::TlsSetup setup;
    bool dtls = false;
    bool connected = false;
    std::string session_failure;
    std::vector<crypto::Certificate> server_chain;
    unsigned max_fragment_length = 0;
    std::optional<unsigned> block2_szx;  // Block2 size exponent asked for in every request
    Pending* pending = nullptr;

    ~Impl() {
        if (session) coap_session_release(session);
        if (ctx) coap_free_context(ctx);
    }

    [[noreturn]] void unreachable(const std::string& why) {
        throw Error(ErrorKind::unreachable, uri + ": " + why);
    }

    // Runs libcoap until done() or the deadline; returns false at the deadline.
    template <class Done>
    bool run_until(Done done, Clock::time_point deadline) {
        while (!done()) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return false;
            if (coap_io_process(ctx, static_cast<uint32_t>(std::min<long long>(left, 100))) < 0) {
                session_failure = "CoAP I/O failed";
                return true;
            }
        }
        return true;
    }

    std::string failure_reason(const std::string& fallback) {
        std::string why = !session_failure.empty() ? session_failure : fallback;
        std::string log = coapn::take_last_log();
        if (!log.empty() && why.find(log) == std::string::npos) why += ": " + log;
        return why;
    }
};

namespace {

int on_event(coap_session_t* session, const coap_event_t event) {
    auto* impl = static_cast<CoapClient::Impl*>(coap_session_get_app_data(session));
    if (!impl) return 0;
    switch (event) {
        case COAP_EVENT_DTLS_CONNECTED: impl->connected = true; break;
        case COAP_EVENT_DTLS_ERROR:
            impl->session_failure = impl->connected ? "DTLS error" : "DTLS handshake failed";
            break;
        case COAP_EVENT_DTLS_CLOSED:
            if (impl->session_failure.empty())
                impl->session_failure = impl->connected ? "DTLS session closed" : "no DTLS handshake";
            break;
        default: break;
    }
    if (!impl->session_failure.empty() && impl->pending && !impl->pending->done) {
        impl->pending->done = true;
        impl->pending->failure = impl->session_failure;
    }
    return 0;
}

coap_response_t on_response(coap_session_t* session, const coap_pdu_t*, const coap_pdu_t* received, const coap_mid_t) {
    auto* impl = static_cast<CoapClient::Impl*>(coap_session_get_app_data(session));
    if (!impl || !impl->pending || impl->pending->done) return COAP_RESPONSE_OK;
    coap_bin_const_t token = coap_pdu_get_token(received);
    Pending& p = *impl->pending;
    if (token.length != p.token.size() || (token.length && std::memcmp(token.s, p.token.data(), token.length) != 0))
        return COAP_RESPONSE_OK;  // not ours (a late answer to an earlier request)
    p.response.code = coap_pdu_get_code(received);
    coap_opt_iterator_t it;
    if (coap_opt_t* opt = coap_check_option(received, COAP_OPTION_CONTENT_FORMAT, &it))
        p.response.content_format = coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
    size_t length = 0, offset = 0, total = 0;
    const uint8_t* data = nullptr;
    if (coap_get_data_large(received, &length, &data, &offset, &total) && data) {
        if (offset < p.response.payload.size() && offset + length <= p.response.payload.size())
            return COAP_RESPONSE_OK;  // a block we have (a retransmission): nothing new
        if (p.response.payload.size() != offset) {  // a gap, or a block that disagrees about the body
            p.done = true;
            p.failure = "Block2 block at byte " + std::to_string(offset) + " after " +
                        std::to_string(p.response.payload.size()) + " bytes";
            p.protocol = true;
            return COAP_RESPONSE_OK;
        }
        p.response.payload.insert(p.response.payload.end(), data, data + length);
    }
    coap_opt_iterator_t block_it;
    coap_opt_t* block2 = coap_check_option(received, COAP_OPTION_BLOCK2, &block_it);
    if (block2 && COAP_OPT_BLOCK_MORE(block2)) {
        ++p.blocks;  // libcoap asks for the next one
        return COAP_RESPONSE_OK;
    }
    p.done = true;
    return COAP_RESPONSE_OK;
}

void on_nack(coap_session_t* session, const coap_pdu_t*, const coap_nack_reason_t reason, const coap_mid_t) {
    auto* impl = static_cast<CoapClient::Impl*>(coap_session_get_app_data(session));
    if (!impl || !impl->pending || impl->pending->done) return;
    impl->pending->done = true;
    impl->pending->failure = nack_reason(reason);
}

}  // namespace

CoapClient::CoapClient(const std::string& uri, CoapClientOptions options) : impl_(std::make_unique<Impl>()) {
    coapn::ensure_started();
    Impl& d = *impl_;
    d.uri = uri;
    d.options = std::move(options);
    coap_uri_t parsed;
    if (coap_split_uri(reinterpret_cast<const uint8_t*>(uri.data()), uri.size(), &parsed) < 0 ||
        (parsed.scheme != COAP_URI_SCHEME_COAPS && parsed.scheme != COAP_URI_SCHEME_COAP))
        throw Error(ErrorKind::usage, "not a coaps:// or coap:// URI: " + uri);
    if (parsed.path.length || parsed.query.length)
        throw Error(ErrorKind::usage, "a CoAP server URI has no path: " + uri, "give the path to the request");
    d.dtls = parsed.scheme == COAP_URI_SCHEME_COAPS;
    if (!d.dtls && (!d.options.pinned_anchors.empty() || d.options.client_key))
        throw Error(ErrorKind::usage, "certificates need coaps://: " + uri);
    if (d.dtls && d.options.pinned_anchors.empty() && !d.options.provisional)
        throw Error(ErrorKind::usage, "a coaps:// server needs pinned anchors or provisional acceptance");
    std::string host(reinterpret_cast<const char*>(parsed.host.s), parsed.host.length);
    coap_address_t server = coapn::resolve(host, parsed.port, false);

    d.ctx = coap_new_context(nullptr);
    if (!d.ctx) throw Error(ErrorKind::internal, "cannot create a CoAP context");
    coap_context_set_block_mode(d.ctx, COAP_BLOCK_USE_LIBCOAP);
    coap_register_event_handler(d.ctx, on_event);
    coap_register_response_handler(d.ctx, on_response);
    coap_register_nack_handler(d.ctx, on_nack);

    if (d.dtls) {
        if (!d.options.client_certificates.empty()) {
            if (!d.options.client_key) throw Error(ErrorKind::usage, "a client certificate needs its key");
            d.buffers.certificate = d.options.client_certificates.front().pem();
            d.buffers.key = d.options.client_key->pkcs8_pem();
            d.setup.extra_chain.assign(d.options.client_certificates.begin() + 1, d.options.client_certificates.end());
        }
        d.setup.max_fragment_length = d.options.max_fragment_length;
        if (d.buffers.certificate.empty()) {
            // libcoap 4.3.1's PKI client setup insists on a certificate of our own; without one
            // its plain DTLS session does the same handshake (no verification) minus our setup hook.
            if (d.options.max_fragment_length)
                throw Error(ErrorKind::usage, "max_fragment_length needs a client certificate (libcoap 4.3.1)");
            d.session = coap_new_client_session(d.ctx, nullptr, &server, COAP_PROTO_DTLS);
        } else {
            coap_dtls_pki_t pki = coapn::make_pki(d.buffers, &d.setup);
            if ((d.setup.max_fragment_length || !d.setup.extra_chain.empty()) &&
                !coapn::prime_client_context(d.ctx, &pki, d.options.client_certificates.front(), *d.options.client_key, d.setup))
                throw Error(ErrorKind::config, "cannot set up the DTLS client (certificate chain, max_fragment_length): " +
                                                   coapn::take_last_log());
            d.session = coap_new_client_session_pki(d.ctx, nullptr, &server, COAP_PROTO_DTLS, &pki);
        }
    } else {
        d.session = coap_new_client_session(d.ctx, nullptr, &server, COAP_PROTO_UDP);
    }
    if (!d.session) d.unreachable(d.failure_reason("cannot start a session"));
    coap_session_set_app_data(d.session, &d);
    // Messages must fit in one record when max_fragment_length is agreed.
    unsigned mtu = d.options.mtu;
    if (d.options.max_fragment_length && (!mtu || mtu > d.options.max_fragment_length)) mtu = d.options.max_fragment_length;
    if (mtu) {
        coap_session_set_mtu(d.session, mtu);
        // Ask for Block2 blocks that fit from the first request on (RFC 7959 section 4, early
        // negotiation): a server need not shrink its blocks to our max_fragment_length by itself.
        unsigned szx = 6;  // 1024 bytes; 64 bytes are left for DTLS and CoAP headers and options
        while (szx > 0 && (16u << szx) + 64 > mtu) --szx;
        d.block2_szx = szx;
    }
    if (!d.dtls) return;

    auto deadline = Clock::now() + std::chrono::milliseconds(d.options.timeout_ms);
    bool in_time = d.run_until(
        [&] {
            return d.connected || !d.session_failure.empty() ||
                   coap_session_get_state(d.session) == COAP_SESSION_STATE_ESTABLISHED ||
                   coap_session_get_state(d.session) == COAP_SESSION_STATE_NONE;
        },
        deadline);
    if (!in_time) d.unreachable(d.failure_reason("no DTLS handshake within " + std::to_string(d.options.timeout_ms) + " ms"));
    if (coap_session_get_state(d.session) != COAP_SESSION_STATE_ESTABLISHED)
        d.unreachable(d.failure_reason("DTLS handshake failed"));
    coapn::take_last_log();

    d.server_chain = coapn::peer_chain(d.session);
    if (d.server_chain.empty()) d.unreachable("the server showed no certificate");
    if (!d.options.pinned_anchors.empty() && !d.options.provisional) {
        crypto::ChainOptions co;
        co.trust_anchors = d.options.pinned_anchors;
        co.intermediates.assign(d.server_chain.begin() + 1, d.server_chain.end());
        auto verdict = crypto::verify_chain(d.server_chain.front(), co);
        if (!verdict.ok)
            d.unreachable("server certificate refused (" + d.server_chain.front().subject() + "): " + verdict.error);
    }
    d.max_fragment_length = coapn::negotiated_max_fragment_length(d.session);
}

CoapClient::~CoapClient() = default;

CoapClientResponse CoapClient::request(CoapMethod method, const std::string& target, ByteView payload,
                                       std::optional<unsigned> content_format, std::optional<unsigned> accept) {
    Impl& d = *impl_;
    if (target.empty() || target.front() != '/') throw Error(ErrorKind::usage, "a CoAP path starts with '/': " + target);
    coap_pdu_t* pdu = coap_pdu_init(COAP_MESSAGE_CON, static_cast<coap_pdu_code_t>(method), coap_new_message_id(d.session),
                                    coap_session_max_pdu_size(d.session));
    if (!pdu) throw Error(ErrorKind::internal, "cannot create a CoAP request");
    Pending p;
    uint8_t token[8];
    size_t token_length = 0;
    coap_session_new_token(d.session, &token_length, token);
    coap_add_token(pdu, token_length, token);
    p.token.assign(token, token + token_length);

    coap_optlist_t* options = nullptr;
    std::string path = target, query;
    if (auto q = path.find('?'); q != std::string::npos) {
        query = path.substr(q + 1);
        path.resize(q);
    }
    for (std::size_t i = 1; i <= path.size();) {
        auto j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i || (j == path.size() && i < path.size()))
            coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_URI_PATH, j - i, reinterpret_cast<const uint8_t*>(path.data() + i)));
        i = j + 1;
    }
    uint8_t buf[4];
    if (content_format)
        coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof buf, *content_format), buf));
    for (std::size_t i = 0; !query.empty() && i <= query.size();) {
        auto j = query.find('&', i);
        if (j == std::string::npos) j = query.size();
        coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_URI_QUERY, j - i, reinterpret_cast<const uint8_t*>(query.data() + i)));
        i = j + 1;
    }
    if (d.block2_szx)
        coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_BLOCK2, coap_encode_var_safe(buf, sizeof buf, *d.block2_szx), buf));
    if (accept) coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_ACCEPT, coap_encode_var_safe(buf, sizeof buf, *accept), buf));
    if (options) {
        coap_add_optlist_pdu(pdu, &options);
        coap_delete_optlist(options);
    }
    // libcoap sends the body in Block1 pieces when it does not fit; it keeps a copy until done.
    Bytes* body = nullptr;
    if (!payload.empty()) {
        body = new Bytes(payload.begin(), payload.end());
        if (!coap_add_data_large_request(d.session, pdu, body->size(), body->data(),
                                         [](coap_session_t*, void* app) { delete static_cast<Bytes*>(app); }, body)) {
            coap_delete_pdu(pdu);
            throw Error(ErrorKind::internal, "cannot add the request body");
        }
    }
    d.pending = &p;
    struct Clear {
        Impl& d;
        ~Clear() { d.pending = nullptr; }
    } clear{d};
    if (coap_send(d.session, pdu) == COAP_INVALID_MID) d.unreachable(d.failure_reason("cannot send the request"));
    auto deadline = Clock::now() + std::chrono::milliseconds(d.options.timeout_ms);
    bool in_time = d.run_until([&] { return p.done; }, deadline);
    const std::string what = std::string(method_name(method)) + " " + target;
    if (p.protocol) throw Error(ErrorKind::protocol, d.uri + ": " + what + ": " + p.failure);
    // Blocks came, then the rest did not: a body cut short (RFC 7959 needs every block). The
    // server went away or the path broke, as when nothing came at all (blocks that do not fit
    // together are p.protocol above); the message says how much arrived.
    if (p.blocks && (!in_time || !p.failure.empty()))
        throw Error(ErrorKind::unreachable, d.uri + ": " + what + ": the block-wise answer (" + code_string(p.response.code) +
                                             ") stopped after " + std::to_string(p.response.payload.size()) + " bytes in " +
                                             std::to_string(p.blocks) + (p.blocks == 1 ? " block: " : " blocks: ") +
                                             (in_time ? p.failure : "no further block within " +
                                                                        std::to_string(d.options.timeout_ms) + " ms"));
    if (!in_time)
        d.unreachable(d.failure_reason("no answer to " + std::string(method_name(method)) + " " + target + " within " +
                                       std::to_string(d.options.timeout_ms) + " ms"));
    if (!p.failure.empty()) d.unreachable(d.failure_reason(std::string(method_name(method)) + " " + target + ": " + p.failure));
    p.response.server_chain = d.server_chain;
    if (d.options.on_exchange)
        d.options.on_exchange({d.uri, method, target, content_format, accept, Bytes(payload.begin(), payload.end()), &p.response});
    return std::move(p.response);
}

std::vector<CoapLink> CoapClient::discover(const std::string& query) {
    auto r = request(CoapMethod::get, "/.well-known/core" + (query.empty() ? "" : "?" + query));
    if (!r.success())
        throw Error(ErrorKind::protocol, impl_->uri + "/.well-known/core: " + code_string(r.code));
    if (r.content_format && *r.content_format != coap_format::link_format)
        throw Error(ErrorKind::protocol, impl_->uri + "/.well-known/core: content-format " +
                                             std::to_string(*r.content_format) + " is not link-format (40)");
    try {
        return parse_link_format(std::string_view(reinterpret_cast<const char*>(r.payload.data()), r.payload.size()));
    } catch (const Error& e) {
        throw Error(ErrorKind::protocol, impl_->uri + "/.well-known/core: " + e.what());
    }
}

const std::vector<crypto::Certificate>& CoapClient::server_chain() const { return impl_->server_chain; }
const std::string& CoapClient::uri() const { return impl_->uri; }
unsigned CoapClient::max_fragment_length() const { return impl_->max_fragment_length; }

}  // namespace iotops::est
