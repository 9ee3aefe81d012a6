// The MASA deny list file: one device serial-number per line, '#' comments, locked atomic writes.
#include <sys/stat.h>

#include "iotops/ca/database.hpp"
#include "iotops/ca/deny_list.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::ca {

namespace {

std::string read_text(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    Bytes b = read_file(path);
    return std::string(b.begin(), b.end());
}

// The serial number on a line, "" for blank and comment lines.
std::string line_value(std::string_view line, std::size_t line_no, const std::string& path) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!line.empty() && ws(line.front())) line.remove_prefix(1);
    while (!line.empty() && ws(line.back())) line.remove_suffix(1);
    for (char c : line)
        if (ws(c))
            throw Error(ErrorKind::malformed,
                        path + " line " + std::to_string(line_no) + ": a serial number may not contain whitespace");
    return std::string(line);
}

std::set<std::string> parse(const std::string& text, const std::string& path) {
    std::set<std::string> out;
    std::size_t start = 0, line_no = 0;
    while (start < text.size()) {
        ++line_no;
        auto nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        std::string v = line_value(std::string_view(text).substr(start, nl - start), line_no, path);
        if (!v.empty()) out.insert(std::move(v));
        start = nl + 1;
    }
    return out;
}

}  // namespace

std::set<std::string> DenyList::load() const {
    FileLock lock(path_ + ".lock", false);
    return parse(read_text(path_), path_);
}

bool DenyList::contains(std::string_view serial_number) const { return load().count(std::string(serial_number)) > 0; }

std::vector<std::string> DenyList::add(const std::vector<std::string>& serial_numbers) const {
    for (const auto& s : serial_numbers)
        if (s.empty() || s.find_first_of(" \t\r\n#") != std::string::npos)
            throw Error(ErrorKind::usage, "deny list: '" + s + "' is not a serial number (no whitespace or '#')");
    FileLock lock(path_ + ".lock", true);
    std::string text = read_text(path_);
    std::set<std::string> present = parse(text, path_);
    std::vector<std::string> added;
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    for (const auto& s : serial_numbers)
        if (present.insert(s).second) {
            text += s + "\n";
            added.push_back(s);
        }
    if (!added.empty()) write_file_atomic(path_, text);
    return added;
}

}  // namespace iotops::ca
