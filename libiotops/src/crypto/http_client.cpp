#include <httplib.h>  // built with CPPHTTPLIB_OPENSSL_SUPPORT (pkg-config cpp-httplib)

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"

namespace iotops::crypto {

HttpResponse http_request(const std::string& url, const HttpOptions& options, const std::string& content_type,
                          ByteView body) {
    bool https = url.rfind("https://", 0) == 0;
    if (!https && url.rfind("http://", 0) != 0) throw Error(ErrorKind::usage, url + ": not an http:// or https:// URL");
    std::size_t path_start = url.find('/', url.find("://") + 3);
    std::string origin = url.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);

    httplib::Client client(origin);
    client.set_connection_timeout(options.timeout_seconds, 0);
    client.set_read_timeout(options.timeout_seconds, 0);
    client.set_follow_location(options.follow_redirects);
    if (https) {
        client.enable_server_certificate_verification(true);
        if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file.c_str());
    }
    httplib::Headers headers(options.headers.begin(), options.headers.end());
    headers.emplace("User-Agent", std::string("iotops/") + IOTOPS_VERSION);

    HttpResponse out;
    bool too_big = false;
    auto receive = [&](const char* data, std::size_t n) {
        if (out.body.size() + n > options.max_size) {
            too_big = true;
            return false;
        }
        out.body.insert(out.body.end(), data, data + n);
        return true;
    };
    // A POST body is small (an OCSP request); its answer is read whole and then bounded.
    httplib::Result res = content_type.empty()
                              ? client.Get(path, headers, receive)
                              : client.Post(path, headers, reinterpret_cast<const char*>(body.data()), body.size(),
                                            content_type);
    if (res && !content_type.empty()) receive(res->body.data(), res->body.size());
    if (too_big) throw Error(ErrorKind::protocol, url + ": larger than " + std::to_string(options.max_size) + " bytes");
    if (!res) {
        std::string why = httplib::to_string(res.error());
        if (https && client.get_openssl_verify_result() != 0) why += " (certificate verification failed)";
        throw Error(ErrorKind::unreachable, url + ": " + why);
    }
    out.status = res->status;
    out.content_type = res->get_header_value("Content-Type");
    return out;
}

Bytes http_fetch(const std::string& url, const HttpOptions& options, const std::string& content_type, ByteView body) {
    HttpResponse r = http_request(url, options, content_type, body);
    if (r.status != 200) throw Error(ErrorKind::protocol, url + ": HTTP status " + std::to_string(r.status));
    return std::move(r.body);
}

}  // namespace iotops::crypto
