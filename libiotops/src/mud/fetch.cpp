// HTTPS GET with cpp-httplib: server certificates checked against the given anchors, the MUD file
// validated and its signature verified before it is cached or returned.
#include "iotops/mud/fetch.hpp"

#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/mud/url.hpp"

namespace iotops::mud {
namespace {

struct Response {
    Bytes body;
    std::string content_type;
};

Response get(const std::string& url, const char* accept, const FetchOptions& o) {
    if (url.rfind("https://", 0) != 0) throw Error(ErrorKind::usage, "fetch: '" + url + "' is not an https URL");
    auto path_start = url.find('/', 8);
    std::string origin = url.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(origin);
    client.enable_server_certificate_verification(true);
    if (!o.tls_ca_file.empty()) client.set_ca_cert_path(o.tls_ca_file);
    client.set_connection_timeout(o.timeout_seconds, 0);
    client.set_read_timeout(o.timeout_seconds, 0);
    client.set_follow_location(false);
    httplib::Headers headers{{"Accept", accept}, {"User-Agent", std::string("iotops-iot-mud/") + IOTOPS_VERSION}};
    auto res = client.Get(path, headers);
    if (!res) {
        std::string why = httplib::to_string(res.error());
        if (auto v = client.get_openssl_verify_result(); v != 0) why += " (certificate verification failed)";
        throw Error(ErrorKind::unreachable, "fetch: " + url + ": " + why);
    }
    if (res->status != 200)
        throw Error(ErrorKind::protocol, "fetch: " + url + ": HTTP status " + std::to_string(res->status));
    Response r;
    r.body.assign(res->body.begin(), res->body.end());
    r.content_type = res->get_header_value("Content-Type");
    return r;
}

std::string cache_key(const std::string& url) {
    std::string k;
    for (char c : url) k += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
    return k;
}

void write_atomic(const std::filesystem::path& p, ByteView data) {
    auto tmp = p;
    tmp += ".tmp" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
        if (!out) throw Error(ErrorKind::io, "fetch: cannot write the cache file " + tmp.string());
    }
    std::filesystem::rename(tmp, p);
}

}  // namespace

Fetched fetch(const std::string& mud_url, const FetchOptions& o) {
    check_mud_url(mud_url);
    namespace fs = std::filesystem;
    fs::path base;
    if (!o.cache_dir.empty()) {
        fs::create_directories(o.cache_dir);
        base = fs::path(o.cache_dir) / cache_key(mud_url);
    }
    Fetched f;
    Bytes sig;
    bool fresh = false;
    if (!base.empty() && fs::exists(base.string() + ".json") && fs::exists(base.string() + ".p7s") &&
        fs::exists(base.string() + ".fetched")) {
        Bytes stamp = read_file(base.string() + ".fetched");
        Time fetched = parse_rfc3339(std::string(stamp.begin(), stamp.end()));
        Bytes cached = read_file(base.string() + ".json");
        Mud m = load(cached, o.validate);
        if (now() < fetched + std::chrono::hours(m.cache_validity)) {
            f.mud = std::move(cached);
            sig = read_file(base.string() + ".p7s");
            f.from_cache = true;
            fresh = true;
        }
    }
    Mud m;
    if (!fresh) {
        f.mud = get(mud_url, "application/mud+json", o).body;
        m = load(f.mud, o.validate);
        if (m.url != mud_url)
            throw Error(ErrorKind::negative, "fetch: the file's mud-url '" + m.url + "' is not the URL fetched '" + mud_url + "'");
        f.signature_url = signature_url(m.url, m.signature);
        sig = crypto::cms::to_der(get(f.signature_url, "application/pkcs7-signature", o).body);
    } else {
        m = load(f.mud, o.validate);
        f.signature_url = signature_url(m.url, m.signature);
    }
    f.report = verify_signature(sig, f.mud, o.signature);
    if (!f.report.ok()) {
        std::string why;
        for (const auto& c : f.report.checks)
            if (!c.ok) why += (why.empty() ? "" : "; ") + c.name + ": " + c.message;
        throw Error(ErrorKind::negative, "fetch: the signature " + f.signature_url + " does not verify: " + why);
    }
    if (!fresh && !base.empty()) {
        write_atomic(base.string() + ".json", f.mud);
        write_atomic(base.string() + ".p7s", sig);
        std::string stamp = format_rfc3339(now());
        write_atomic(base.string() + ".fetched", as_bytes(stamp));
    }
    return f;
}

}  // namespace iotops::mud
