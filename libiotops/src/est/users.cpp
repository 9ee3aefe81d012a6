#include "iotops/est/users.hpp"

#include <crypt.h>

#include <memory>

#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::est {

Users Users::load_file(const std::string& path) {
    Bytes b = read_file(path);
    return parse(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), path);
}

Users Users::parse(std::string_view text, std::string_view file_name) {
    Users u;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line[0] == '#') continue;
        std::size_t colon = line.find(':');
        std::string where = std::string(file_name) + " line " + std::to_string(line_no);
        if (colon == 0 || colon == std::string_view::npos)
            throw Error(ErrorKind::config, where + ": expected user:hash");
        std::string_view hash = line.substr(colon + 1);
        if (hash.rfind("$6$", 0) != 0 && hash.rfind("$5$", 0) != 0)
            throw Error(ErrorKind::config, where + ": the hash is not a crypt(3) $6$ or $5$ hash",
                        "make one with: openssl passwd -6 -stdin");
        u.hashes_.emplace(std::string(line.substr(0, colon)), std::string(hash));
    }
    return u;
}

bool Users::check(const std::string& user, const std::string& password) const {
    auto it = hashes_.find(user);
    if (it == hashes_.end()) return false;
    auto data = std::make_unique<crypt_data>();
    const char* got = crypt_r(password.c_str(), it->second.c_str(), data.get());
    if (got == nullptr) return false;
    std::string_view a(got), b(it->second);
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace iotops::est
