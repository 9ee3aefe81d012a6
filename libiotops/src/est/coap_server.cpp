// CoapServer on libcoap: one context, one UDP endpoint (DTLS or plain), resources whose libcoap
// handlers turn the PDU into a CoapRequest and the CoapResponse back into a PDU. libcoap does
// Block1 reassembly and Block2 slicing (COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY) and
// answers /.well-known/core from the resources' attributes.

#include <atomic>
#include <list>

#include "est/coap_native.hpp"
#include "iotops/core/signals.hpp"
#include "iotops/est/coap.hpp"

namespace iotops::est {

namespace {

struct ResourceState {
    std::string path;
    CoapHandler handler;
};

std::optional<unsigned> uint_option(const coap_pdu_t* pdu, coap_option_num_t number) {
    coap_opt_iterator_t it;
    coap_opt_t* opt = coap_check_option(pdu, number, &it);
    if (!opt) return std::nullopt;
    return coap_decode_var_bytes(coap_opt_value(opt), coap_opt_length(opt));
}

void release_bytes(coap_session_t*, void* app) { delete static_cast<Bytes*>(app); }

void on_request(coap_resource_t* resource, coap_session_t* session, const coap_pdu_t* request,
                const coap_string_t* query, coap_pdu_t* response) {
    auto* state = static_cast<ResourceState*>(coap_resource_get_userdata(resource));
    CoapResponse out;
    try {
        CoapRequest req;
        req.method = static_cast<CoapMethod>(coap_pdu_get_code(request));
        req.path = state->path;
        if (query) req.query.assign(reinterpret_cast<const char*>(query->s), query->length);
        req.content_format = uint_option(request, COAP_OPTION_CONTENT_FORMAT);
        req.accept = uint_option(request, COAP_OPTION_ACCEPT);
        size_t length = 0, offset = 0, total = 0;
        const uint8_t* data = nullptr;
        if (coap_get_data_large(request, &length, &data, &offset, &total) && data)
            req.payload.assign(data, data + length);
        req.peer_chain = coapn::peer_chain(session);
        req.remote_address = coapn::address_string(coap_session_get_addr_remote(session));
        out = state->handler(req);
    } catch (const Error& e) {
        out = CoapResponse::text(coap_code_for(e.kind()), e.what());
    } catch (const std::exception& e) {
        out = CoapResponse::text(coap_code::internal_server_error, std::string("internal error: ") + e.what());
    }
    coap_pdu_set_code(response, static_cast<coap_pdu_code_t>(out.code));
    if (!out.payload.empty()) {
        // libcoap keeps the body until the last block went out, then calls release_bytes.
        // libcoap leaves the option out for text/plain (0), the default of a diagnostic payload
        // (RFC 7252 5.5.2); EST-coaps peers are told the format explicitly.
        if (out.content_format == coap_format::text_plain) coap_add_option(response, COAP_OPTION_CONTENT_FORMAT, 0, nullptr);
        auto* body = new Bytes(std::move(out.payload));
        coap_add_data_large_response(resource, session, request, response, query,
                                     static_cast<uint16_t>(out.content_format.value_or(42)), -1, 0,
                                     body->size(), body->data(), release_bytes, body);
    } else if (out.content_format) {
        uint8_t buf[4];
        coap_add_option(response, COAP_OPTION_CONTENT_FORMAT,
                        coap_encode_var_safe(buf, sizeof buf, *out.content_format), buf);
    }
}

// A client that agreed max_fragment_length gets messages (and so Block2 blocks) that fit.
int on_event(coap_session_t* session, const coap_event_t event) {
    if (event == COAP_EVENT_DTLS_CONNECTED)
        if (unsigned mfl = coapn::negotiated_max_fragment_length(session)) coap_session_set_mtu(session, mfl);
    return 0;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

void add_attr(coap_resource_t* r, const std::string& name, const std::string& value) {
    coap_add_attr(r, coap_new_str_const(reinterpret_cast<const uint8_t*>(name.data()), name.size()),
                  coap_new_str_const(reinterpret_cast<const uint8_t*>(value.data()), value.size()),
                  COAP_ATTR_FLAGS_RELEASE_NAME | COAP_ATTR_FLAGS_RELEASE_VALUE);
}

}  // namespace

struct CoapServer::Impl {
    CoapServerOptions options;
    coap_context_t* ctx = nullptr;
    coapn::PkiBuffers buffers;
    coapn::TlsSetup setup;
    std::list<ResourceState> resources;  // stable addresses: libcoap holds pointers to them
    std::string host;
    int port = -1;
    std::atomic<bool> stopping{false};

    ~Impl() {
        if (ctx) coap_free_context(ctx);
    }
};

CoapServer::CoapServer(CoapServerOptions options) : impl_(std::make_unique<Impl>()) {
    coapn::ensure_started();
    impl_->options = std::move(options);
    const CoapServerOptions& o = impl_->options;
    impl_->ctx = coap_new_context(nullptr);
    if (!impl_->ctx) throw Error(ErrorKind::internal, "cannot create a CoAP context");
    coap_context_set_block_mode(impl_->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
    coap_register_event_handler(impl_->ctx, on_event);
    if (!o.certificates.empty()) {
        if (!o.key) throw Error(ErrorKind::usage, "a DTLS server needs the key of its certificate");
        impl_->buffers.certificate = o.certificates.front().pem();
        impl_->buffers.key = o.key->pkcs8_pem();
        impl_->setup.extra_chain.assign(o.certificates.begin() + 1, o.certificates.end());
        impl_->setup.request_any_client_certificate = o.request_client_certificate;
        coap_dtls_pki_t pki = coapn::make_pki(impl_->buffers, &impl_->setup);
        if (!coap_context_set_pki(impl_->ctx, &pki))
            throw Error(ErrorKind::config, "DTLS server setup failed: " + coapn::take_last_log());
    }
}

CoapServer::~CoapServer() = default;

void CoapServer::add(CoapResource resource) {
    if (resource.path.empty() || resource.path.front() != '/')
        throw Error(ErrorKind::internal, "CoapServer: a resource path starts with '/': " + resource.path);
    auto& state = impl_->resources.emplace_back(ResourceState{resource.path, std::move(resource.handler)});
    std::string uri = resource.path.substr(1);
    coap_resource_t* r =
        coap_resource_init(coap_new_str_const(reinterpret_cast<const uint8_t*>(uri.data()), uri.size()),
                           COAP_RESOURCE_FLAGS_RELEASE_URI);
    if (!r) throw Error(ErrorKind::internal, "cannot create CoAP resource " + resource.path);
    coap_resource_set_userdata(r, &state);
    for (CoapMethod m : resource.methods) coap_register_handler(r, static_cast<coap_request_t>(m), on_request);
    for (const auto& rt : resource.rt) add_attr(r, "rt", quoted(rt));
    if (!resource.ct.empty()) {
        std::string ct;
        for (unsigned c : resource.ct) ct += (ct.empty() ? "" : " ") + std::to_string(c);
        add_attr(r, "ct", resource.ct.size() == 1 ? ct : quoted(ct));
    }
    if (!resource.interface.empty()) add_attr(r, "if", quoted(resource.interface));
    coap_add_resource(impl_->ctx, r);
}

int CoapServer::bind(const std::string& host, int port) {
    if (port < 0 || port > 65535) throw Error(ErrorKind::usage, "bad port " + std::to_string(port));
    coap_address_t addr = coapn::resolve(host, static_cast<unsigned>(port), true);
    bool dtls = !impl_->options.certificates.empty();
    coap_endpoint_t* ep = coap_new_endpoint(impl_->ctx, &addr, dtls ? COAP_PROTO_DTLS : COAP_PROTO_UDP);
    if (!ep) {
        std::string why = coapn::take_last_log();
        throw Error(ErrorKind::io, "cannot listen on " + host + ":" + std::to_string(port) + (why.empty() ? "" : ": " + why));
    }
    // coap_endpoint_str() prints the bound address ("127.0.0.1:5684"); with port 0 it is the only
    // way libcoap 4.3.1 tells which port the kernel chose.
    std::string bound = coap_endpoint_str(ep);
    auto space = bound.find(' ');
    if (space != std::string::npos) bound.resize(space);
    auto colon = bound.rfind(':');
    int chosen = colon == std::string::npos ? -1 : std::atoi(bound.c_str() + colon + 1);
    if (chosen <= 0) throw Error(ErrorKind::internal, "cannot tell the bound port from '" + bound + "'");
    impl_->host = host;
    impl_->port = chosen;
    return chosen;
}

std::string CoapServer::origin() const {
    std::string host = impl_->host.find(':') != std::string::npos ? "[" + impl_->host + "]" : impl_->host;
    return (impl_->options.certificates.empty() ? "coap://" : "coaps://") + host + ":" + std::to_string(impl_->port);
}

void CoapServer::run() {
    if (impl_->port < 0) throw Error(ErrorKind::internal, "CoapServer::run before bind");
    serve_until_signal(
        [this] {
            // A short wait so that stop() and signals are noticed without waking the loop from outside.
            while (!impl_->stopping)
                if (coap_io_process(impl_->ctx, 100) < 0) break;
        },
        [this] { impl_->stopping = true; });
    impl_->stopping = false;
}

void CoapServer::stop() { impl_->stopping = true; }

}  // namespace iotops::est
