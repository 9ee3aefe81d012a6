// MUD throughput: validate and compile (nft) N MUD files in one process, against just parsing the
// same files as JSON (nlohmann) in the same run. The files are made by `create` from a description
// with six peers, each with its own MUD URL and ports (about 7 KB each).
// Output: one line
//   bench=mud files=N parse_seconds=P compile_seconds=C validate_seconds=V parse_per_second=.. compile_per_second=.. ratio=C/P
// Times are user CPU seconds of this process.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"
#include "iotops/mud/compile.hpp"
#include "iotops/mud/create.hpp"
#include "iotops/mud/validate.hpp"

#include "bench_support.hpp"

using namespace iotops;
using namespace iotops::bench;

namespace {

std::string description(int i) {
    std::string p = std::to_string(1000 + i % 50000);
    return "mud-url: https://things" + std::to_string(i % 97) + ".example.com/model" + std::to_string(i) +
           ".json\nmfg-name: Example\nsysteminfo: bench device\nlast-update: 2026-11-01T10:00:00Z\nallow:\n"
           "  - dns: cloud" + std::to_string(i) + ".example.com\n    protocol: tcp\n    port: 443\n    direction-initiated: from-device\n"
           "  - controller: urn:ietf:params:mud:dns\n    protocol: udp\n    port: 53\n"
           "  - controller: urn:ietf:params:mud:ntp\n    protocol: udp\n    port: 123\n"
           "  - my-controller: true\n    protocol: udp\n    port: " + p + "\n"
           "  - local-networks: true\n    protocol: tcp\n    port: 8080\n    direction-initiated: to-device\n"
           "  - same-manufacturer: true\n    protocol: tcp\n    port: 7000-7010\n";
}

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    std::vector<std::string> files;
    files.reserve(n);
    for (int i = 0; i < n; ++i) files.push_back(mud::serialize(mud::from_description(description(i), now())));
    mud::Site site = mud::load_site(R"(
devices: [{name: dev, mac: "02:00:00:00:00:01", addresses: [10.0.0.2, "fd00::2"], my-controller: [10.0.0.5]}]
controllers: {"urn:ietf:params:mud:dns": [10.0.0.53, "fd00::53"], "urn:ietf:params:mud:ntp": [10.0.0.123]}
local-networks: [10.0.0.0/8, "fd00::/16"]
)");
    const mud::Device& dev = site.device("dev");

    size_t sink = 0;
    double t0 = user_cpu_seconds();
    for (const auto& f : files) sink += nlohmann::json::parse(f).size();
    double parse = user_cpu_seconds() - t0;

    double validate = 0;
    t0 = user_cpu_seconds();
    for (const auto& f : files) {
        double v0 = user_cpu_seconds();
        mud::Validation v = mud::validate(as_bytes(f));
        validate += user_cpu_seconds() - v0;
        if (!v.ok()) {
            std::fprintf(stderr, "bench: a generated file does not validate\n");
            return 70;
        }
        mud::Compiled c = mud::compile(v.mud, site, dev, mud::resolve(mud::dns_names(v.mud), site, false));
        sink += c.script.size();
    }
    double compile = user_cpu_seconds() - t0;
    // validate_seconds is the validation part of compile_seconds (getrusage granularity: rough)
    std::printf("bench=mud files=%d parse_seconds=%.3f compile_seconds=%.3f validate_seconds=%.3f parse_per_second=%.0f "
                "compile_per_second=%.0f ratio=%.2f sink=%zu\n",
                n, parse, compile, validate, n / parse, n / compile, compile / parse, sink % 10);
    return 0;
}
