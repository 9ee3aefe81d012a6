#include "iotops/crypto/http_request_stream.hpp"

#include <http_parser.h>

#include <cctype>
#include <ctime>

#include "iotops/core/encoding.hpp"
#include "iotops/core/time.hpp"

namespace iotops::crypto {

namespace {

const char* reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 413: return "Content Too Large";
        case 415: return "Unsupported Media Type";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Status";
    }
}

// The Date header's value, formatted once a second per thread.
const std::string& http_date_now() {
    thread_local std::time_t last = 0;
    thread_local std::string text;
    std::time_t t = std::time(nullptr);
    if (t != last) {
        text = format_http_date(from_time_t(t));
        last = t;
    }
    return text;
}

}  // namespace

void serialize_response(const ServerResponse& r, bool close, std::string& out) {
    out += "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\nContent-Type: ";
    out += r.content_type.empty() ? "text/plain" : r.content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\nDate: ";
    out += http_date_now();
    for (const auto& [k, v] : r.headers) {
        out += "\r\n";
        out += k;
        out += ": ";
        out += v;
    }
    if (close) out += "\r\nConnection: close";
    out += "\r\n\r\n";
    out.append(reinterpret_cast<const char*>(r.body.data()), r.body.size());
}

struct HttpRequestStream::Impl {
    http_parser parser{};
    std::size_t max_body;
    std::string remote_address;
    // The request being parsed.
    std::string url;
    HttpHeaders headers;
    bool in_value = false;  // header callbacks come in pieces: field, field, value, value, field...
    Bytes body;
    int refusal = 0;  // a status that ends the stream, set by a callback that stops the parser
    bool closing = false;
    // Valid during feed().
    const ServerHandler* handler = nullptr;
    std::string* out = nullptr;

    explicit Impl(std::size_t max) : max_body(max) {
        http_parser_init(&parser, HTTP_REQUEST);
        parser.data = this;
    }

    static Impl& of(http_parser* p) { return *static_cast<Impl*>(p->data); }

    ServerResponse answer() {
        ServerRequest req;
        req.method = http_method_str(static_cast<http_method>(parser.method));
        http_parser_url u{};
        http_parser_url_init(&u);
        if (http_parser_parse_url(url.data(), url.size(), 0, &u) != 0)
            return ServerResponse::text(400, "malformed request target");
        auto field = [&](int f) {
            return (u.field_set & (1 << f)) ? url.substr(u.field_data[f].off, u.field_data[f].len) : std::string();
        };
        req.path = percent_decode(field(UF_PATH));
        if (req.path.empty()) req.path = "/";
        req.query = field(UF_QUERY);
        req.headers = std::move(headers);
        req.content_type = req.header("Content-Type").value_or("");
        req.body = std::move(body);
        req.remote_address = remote_address;
        if (req.method != "GET" && req.method != "POST") {
            ServerResponse r = ServerResponse::text(405, "only GET and POST are served here");
            r.headers.emplace_back("Allow", "GET, POST");
            return r;
        }
        return answer_safely(*handler, req);
    }

    static int on_message_begin(http_parser* p) {
        Impl& s = of(p);
        s.url.clear();
        s.headers.clear();
        s.body.clear();
        s.in_value = false;
        return 0;
    }
    static int on_url(http_parser* p, const char* at, std::size_t n) {
        of(p).url.append(at, n);
        return 0;
    }
    static int on_header_field(http_parser* p, const char* at, std::size_t n) {
        Impl& s = of(p);
        if (s.in_value || s.headers.empty()) s.headers.emplace_back();
        s.in_value = false;
        s.headers.back().first.append(at, n);
        return 0;
    }
    static int on_header_value(http_parser* p, const char* at, std::size_t n) {
        Impl& s = of(p);
        s.in_value = true;
        s.headers.back().second.append(at, n);
        return 0;
    }
    static int on_headers_complete(http_parser* p) {
        Impl& s = of(p);
        if (p->http_major != 1) {  // http-parser takes any digits
            s.refusal = 505;
            return -1;
        }
        if ((p->flags & F_CONTENTLENGTH) && p->content_length > s.max_body) {
            s.refusal = 413;
            return -1;
        }
        if (auto expect = find_header(s.headers, "Expect")) {  // curl waits for this before a large body
            for (auto& c : *expect) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (*expect == "100-continue") *s.out += "HTTP/1.1 100 Continue\r\n\r\n";
        }
        return 0;
    }
    static int on_body(http_parser* p, const char* at, std::size_t n) {
        Impl& s = of(p);
        if (s.body.size() + n > s.max_body) {  // a chunked body has no length up front
            s.refusal = 413;
            return -1;
        }
        s.body.insert(s.body.end(), at, at + n);
        return 0;
    }
    static int on_message_complete(http_parser* p) {
        Impl& s = of(p);
        bool keep = http_should_keep_alive(p) != 0 && !p->upgrade;
        serialize_response(s.answer(), !keep, *s.out);
        if (keep) return 0;
        s.closing = true;
        return -1;  // stop: nothing after this request is read
    }

    static const http_parser_settings& settings() {
        static const http_parser_settings s = [] {
            http_parser_settings t{};
            t.on_message_begin = on_message_begin;
            t.on_url = on_url;
            t.on_header_field = on_header_field;
            t.on_header_value = on_header_value;
            t.on_headers_complete = on_headers_complete;
            t.on_body = on_body;
            t.on_message_complete = on_message_complete;
            return t;
        }();
        return s;
    }
};

HttpRequestStream::HttpRequestStream(std::size_t max_body) : impl_(std::make_unique<Impl>(max_body)) {}
HttpRequestStream::~HttpRequestStream() = default;

void HttpRequestStream::feed(ByteView received, const ServerHandler& handler, std::string& out) {
    Impl& s = *impl_;
    if (s.closing || received.empty()) return;
    s.handler = &handler;
    s.out = &out;
    std::size_t used = http_parser_execute(&s.parser, &Impl::settings(), reinterpret_cast<const char*>(received.data()),
                                           received.size());
    if (!s.closing && (used != received.size() || HTTP_PARSER_ERRNO(&s.parser) != HPE_OK || s.parser.upgrade)) {
        int status = s.refusal ? s.refusal : HTTP_PARSER_ERRNO(&s.parser) == HPE_HEADER_OVERFLOW ? 431 : 400;
        std::string why = status == 413   ? "request body over " + std::to_string(s.max_body) + " bytes"
                          : status == 431 ? "request head too large"
                          : status == 505 ? "only HTTP/1.0 and HTTP/1.1 are served"
                                          : std::string("malformed HTTP request: ") +
                                                http_errno_description(HTTP_PARSER_ERRNO(&s.parser));
        serialize_response(ServerResponse::text(status, why), true, out);
        s.closing = true;
    }
    s.handler = nullptr;
    s.out = nullptr;
}

bool HttpRequestStream::closing() const { return impl_->closing; }

void HttpRequestStream::set_remote_address(std::string address) { impl_->remote_address = std::move(address); }

}  // namespace iotops::crypto
