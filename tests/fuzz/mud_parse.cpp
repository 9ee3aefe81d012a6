// Fuzz target: validating any bytes as a MUD file (strict and --compat), and for what validates,
// serializing, compiling to nft and iptables for a fixed site and diffing against itself, must
// never crash; the only exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/mud/compile.hpp"
#include "iotops/mud/create.hpp"
#include "iotops/mud/diff.hpp"
#include "iotops/mud/validate.hpp"

using namespace iotops;

namespace {

const mud::Site& site() {
    static const mud::Site s = mud::load_site(R"(
devices:
  - {name: dev, mac: "02:00:00:00:00:01", addresses: [10.0.0.2, "fd00::2"], my-controller: [10.0.0.5]}
controllers: {"urn:ietf:params:mud:dns": [10.0.0.53], "urn:ietf:params:mud:ntp": ["fd00::123"]}
local-networks: [10.0.0.0/8, "fd00::/16"]
manufacturers: {example.com: [10.0.9.9]}
hosts: {a.example.com: {addresses: [192.0.2.1, "2001:db8::1"], ttl: 30}}
)");
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    for (bool compat : {false, true}) {
        try {
            mud::ValidateOptions o;
            o.compat = compat;
            mud::Validation v = mud::validate(ByteView(data, size), o);
            (void)checks_to_json(v.checks).dump();
            if (!v.ok()) continue;
            (void)mud::serialize(v.mud);
            const mud::Device& d = site().device("dev");
            auto dns = mud::resolve(mud::dns_names(v.mud), site(), false);
            for (auto t : {mud::Target::nft, mud::Target::iptables, mud::Target::ip6tables}) {
                mud::CompileOptions co;
                co.target = t;
                (void)mud::compile(v.mud, site(), d, dns, co);
            }
            (void)mud::diff(v.mud, v.mud).to_json().dump();
        } catch (const Error&) {
        }
    }
    return 0;
}
