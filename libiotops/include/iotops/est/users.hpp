// HTTP basic-auth users for the registrar: a file of `user:hash` lines, the hash in crypt(3)
// form as `openssl passwd -6` (SHA-512, "$6$") or `-5` (SHA-256) writes it. '#' starts a comment.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace iotops::est {

class Users {
public:
    Users() = default;
    // Throws Error(missing) for an unreadable file, Error(config) naming a bad line.
    static Users load_file(const std::string& path);
    static Users parse(std::string_view text, std::string_view file_name = "users");

    bool empty() const { return hashes_.empty(); }
    // Constant-time comparison of the crypt(3) result; false for unknown users.
    bool check(const std::string& user, const std::string& password) const;

private:
    std::map<std::string, std::string, std::less<>> hashes_;
};

}  // namespace iotops::est
