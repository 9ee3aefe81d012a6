#include "common/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace iotops::cli {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

bool color_enabled(int fd, bool no_color_flag) {
    if (no_color_flag || !is_terminal(fd)) return false;
    // https://no-color.org: any non-empty value turns colour off.
    if (const char* v = std::getenv("NO_COLOR"); v != nullptr && *v != '\0') return false;
    if (const char* t = std::getenv("TERM"); t != nullptr && std::string_view(t) == "dumb") return false;
    return true;
}

}  // namespace iotops::cli
