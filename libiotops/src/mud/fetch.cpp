// HTTPS GET: server certificates checked against the given anchors, the MUD file
// validated and its signature verified before it is cached or returned.
#include "iotops/mud/fetch.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/core/time.hpp"
#include "iotops/crypto/cms.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/mud/url.hpp"

namespace iotops::mud {
namespace {

Bytes get(const std::string& url, const char* accept, const FetchOptions& o) {
    if (url.rfind("https://", 0) != 0) throw Error(ErrorKind::usage, "fetch: '" + url + "' is not an https URL");
    crypto::HttpOptions http;
    http.ca_file = o.tls_ca_file;
    http.timeout_seconds = o.timeout_seconds;
    http.max_size = 16u << 20;  // a MUD file or its signature; far more than either needs
    http.headers = {{"Accept", accept}};
    try {
        return crypto::http_fetch(url, http);
    } catch (const Error& e) {
        throw Error(e.kind(), std::string("fetch: ") + e.what());
    }
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
        f.mud = get(mud_url, "application/mud+json", o);
        m = load(f.mud, o.validate);
        if (m.url != mud_url)
            throw Error(ErrorKind::negative, "fetch: the file's mud-url '" + m.url + "' is not the URL fetched '" + mud_url + "'");
        f.signature_url = signature_url(m.url, m.signature);
        sig = crypto::cms::to_der(get(f.signature_url, "application/pkcs7-signature", o));
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
