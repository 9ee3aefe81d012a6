// Facts about the terminal that decide colour, pretty printing and progress lines.
#pragma once

namespace iotops::cli {

// True when fd is a terminal.
bool is_terminal(int fd);

// Colour on fd: only on a terminal, never with --no-color, a non-empty NO_COLOR or TERM=dumb.
bool color_enabled(int fd, bool no_color_flag);

}  // namespace iotops::cli
