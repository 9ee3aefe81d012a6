// HTTP(S) GET over cpp-httplib (it brings its own OpenSSL use, which is why it lives in crypto).
#include <httplib.h>  // built with CPPHTTPLIB_OPENSSL_SUPPORT (pkg-config cpp-httplib)

#include "iotops/core/error.hpp"
#include "iotops/crypto/http.hpp"

namespace iotops::crypto {

Bytes http_get(const std::string& url, const HttpGetOptions& options) {
    std::string scheme_host, path;
    std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos || (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0))
        throw Error(ErrorKind::usage, url + ": not an http:// or https:// URL");
    std::size_t path_start = url.find('/', scheme_end + 3);
    scheme_host = path_start == std::string::npos ? url : url.substr(0, path_start);
    path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(scheme_host);
    client.set_connection_timeout(options.timeout_seconds, 0);
    client.set_read_timeout(options.timeout_seconds, 0);
    client.set_follow_location(true);
    if (url.rfind("https://", 0) == 0) {
        client.enable_server_certificate_verification(true);
        if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file.c_str());
    }
    Bytes body;
    bool too_big = false;
    auto res = client.Get(path, [&](const char* data, std::size_t n) {
        if (body.size() + n > options.max_size) {
            too_big = true;
            return false;
        }
        body.insert(body.end(), data, data + n);
        return true;
    });
    if (too_big) throw Error(ErrorKind::protocol, url + ": larger than " + std::to_string(options.max_size) + " bytes");
    if (!res) throw Error(ErrorKind::unreachable, url + ": " + httplib::to_string(res.error()));
    if (res->status != 200) throw Error(ErrorKind::protocol, url + ": HTTP status " + std::to_string(res->status));
    return body;
}

}  // namespace iotops::crypto
