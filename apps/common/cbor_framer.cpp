#include "common/cbor_framer.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include "iotops/core/error.hpp"

namespace iotops::cli {
namespace {

constexpr std::uint64_t kIndefinite = std::numeric_limits<std::uint64_t>::max();

[[noreturn]] void bad(const Reader& in, const std::string& why) {
    throw Error(ErrorKind::malformed,
                in.name() + ": cbor sequence: " + why + " at byte " + std::to_string(in.consumed()));
}

}  // namespace

bool frame_cbor_item(Reader& in, std::string& out, const FrameLimits& limits) {
    if (in.peek() < 0) return false;
    const std::size_t start = out.size();
    // Items still expected at each open nesting level (kIndefinite: until a break).
    std::vector<std::uint64_t> pending{1};
    auto check_size = [&] {
        if (out.size() - start > limits.max_item) bad(in, "item larger than " + std::to_string(limits.max_item) + " bytes");
    };
    while (!pending.empty()) {
        if (pending.back() == 0) {
            pending.pop_back();
            continue;
        }
        int b = in.get();
        if (b < 0) bad(in, "truncated item");
        out.push_back(static_cast<char>(b));
        if (b == 0xff) {
            if (pending.back() != kIndefinite) bad(in, "break outside an indefinite-length item");
            pending.pop_back();
            continue;
        }
        if (pending.back() != kIndefinite) --pending.back();
        const int major = b >> 5;
        const int ai = b & 0x1f;
        std::uint64_t arg = static_cast<std::uint64_t>(ai);
        bool indefinite = false;
        if (ai >= 24 && ai <= 27) {
            std::string head;
            in.read_exact(std::size_t{1} << (ai - 24), head, "cbor sequence: truncated item head");
            out += head;
            arg = 0;
            for (unsigned char c : head) arg = (arg << 8) | c;
        } else if (ai >= 28 && ai <= 30) {
            bad(in, "reserved additional information " + std::to_string(ai));
        } else if (ai == 31) {
            if (major < 2 || major == 6 || major == 7) bad(in, "indefinite length not allowed for major type " + std::to_string(major));
            indefinite = true;
        }
        switch (major) {
            case 2:
            case 3:
                if (indefinite) {
                    pending.push_back(kIndefinite);  // chunks until the break
                } else {
                    if (arg > limits.max_item) bad(in, "string longer than " + std::to_string(limits.max_item) + " bytes");
                    in.read_exact(static_cast<std::size_t>(arg), out, "cbor sequence: truncated string");
                }
                break;
            case 4: pending.push_back(indefinite ? kIndefinite : arg); break;
            case 5:
                if (!indefinite && arg > (kIndefinite - 1) / 2) bad(in, "map too large");
                pending.push_back(indefinite ? kIndefinite : 2 * arg);
                break;
            case 6: pending.push_back(1); break;
            default: break;  // integers and simple values/floats: the head is the whole item
        }
        if (pending.size() > limits.max_depth + 1) bad(in, "nesting deeper than " + std::to_string(limits.max_depth));
        check_size();
    }
    return true;
}

}  // namespace iotops::cli
