// HTTP client calls through cpp-httplib.
#include <httplib.h>

#include "http.hpp"
#include "iotops/core/error.hpp"

namespace iotops::revoke_cli {

Bytes http_fetch(const std::string& url, const std::string& content_type, ByteView body) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos || (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0))
        throw Error(ErrorKind::usage, "not an http(s) URL: " + url);
    auto path_start = url.find('/', scheme_end + 3);
    std::string origin = url.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(origin);
    client.set_connection_timeout(10);
    client.set_read_timeout(30);
    httplib::Result res = content_type.empty()
                              ? client.Get(path)
                              : client.Post(path, reinterpret_cast<const char*>(body.data()), body.size(), content_type);
    if (!res) throw Error(ErrorKind::unreachable, url + ": " + httplib::to_string(res.error()));
    if (res->status != 200)
        throw Error(ErrorKind::protocol, url + ": HTTP status " + std::to_string(res->status));
    return Bytes(res->body.begin(), res->body.end());
}

}  // namespace iotops::revoke_cli
