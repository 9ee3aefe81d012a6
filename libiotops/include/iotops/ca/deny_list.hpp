// The MASA deny list: a text file with one device serial-number per line; '#' starts a comment,
// blank lines are ignored. Written under an exclusive flock on <path>.lock and replaced atomically.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace iotops::ca {

class DenyList {
public:
    explicit DenyList(std::string path) : path_(std::move(path)) {}

    const std::string& path() const { return path_; }
    // The serial numbers in the file (empty when it does not exist). Throws Error(malformed) for a
    // line with inner whitespace, naming the line.
    std::set<std::string> load() const;
    bool contains(std::string_view serial_number) const;
    // Adds serial numbers (keeping the existing lines and comments); returns those that were new.
    std::vector<std::string> add(const std::vector<std::string>& serial_numbers) const;

private:
    std::string path_;
};

}  // namespace iotops::ca
