// The mud area on the public vectors: validation findings, the model read out, serialization
// round trips, signature locations (RFC 3986 resolution) and the URL carriers.
#include <doctest/doctest.h>

#include "iotops/core/error.hpp"
#include "iotops/core/time.hpp"
#include "iotops/mud/compile.hpp"
#include "iotops/mud/create.hpp"
#include "iotops/mud/diff.hpp"
#include "iotops/mud/signature.hpp"
#include "iotops/mud/url.hpp"
#include "iotops/mud/validate.hpp"
#include "vectors.hpp"

using namespace iotops;
using iotops::test::read_vector;

TEST_CASE("the RFC 8520 example is read into the model") {
    auto v = mud::validate(read_vector("mud/rfc8520/rfc8520-section9-example.json"));
    REQUIRE(v.ok());
    CHECK(v.mud.url == "https://lighting.example.com/lightbulb2000");
    CHECK(v.mud.cache_validity == 48);  // the default
    REQUIRE(v.mud.acls.size() == 2);
    const mud::Ace& a = v.mud.acls[0].aces[0];
    CHECK(v.mud.acls[0].type == mud::AclType::ipv6);
    CHECK(a.src_dnsname == "test.example.com");
    CHECK(a.protocol == 6);
    CHECK(a.direction_initiated == mud::Direction::from_device);
    REQUIRE(a.src_port);
    CHECK(a.src_port->port == 443);
}

TEST_CASE("serializing a validated file gives a file with the same access") {
    for (const char* f : {"mud/rfc8520/rfc8520-section9-example.json", "mud/cisco-luminaire/Luminaire_150.json",
                          "mud/nist/mudfile-mycontrollerclass-test.json"}) {
        auto v = mud::validate(read_vector(f));
        REQUIRE(v.ok());
        std::string text = mud::serialize(v.mud);
        auto again = mud::validate(as_bytes(text));
        CHECK(again.ok());
        auto d = mud::diff(v.mud, again.mud);
        CHECK(d.access.empty());
        CHECK(d.fields.empty());
    }
}

TEST_CASE("not MUD at all is malformed, invalid MUD is a finding") {
    CHECK_THROWS_AS(mud::validate(as_bytes("")), Error);
    CHECK_THROWS_AS(mud::validate(as_bytes("{\"a\":1}")), Error);
    auto v = mud::validate(as_bytes(R"({"ietf-mud:mud":{"mud-version":1,"mud-url":"https://x.example.com/a",
        "last-update":"2020-01-01T00:00:00Z","is-supported":true,
        "from-device-policy":{"access-lists":{"access-list":[{"name":"gone"}]}}}})"));
    CHECK_FALSE(v.ok());
    bool found = false;
    for (const auto& c : v.checks)
        found = found || (c.name == "acl-reference" && !c.ok);
    CHECK(found);
}

TEST_CASE("the signature of a MUD file is found as RFC 8520 and RFC 3986 say") {
    CHECK(mud::signature_url("https://a.example.com/x/thermo.json", std::nullopt) == "https://a.example.com/x/thermo.p7s");
    CHECK(mud::signature_url("https://sensor.nist.local/nistmud1", std::nullopt) == "https://sensor.nist.local/nistmud1.p7s");
    CHECK(mud::signature_url("https://a.example.com/x/y.json", std::string("sig.p7s")) == "https://a.example.com/x/sig.p7s");
    CHECK(mud::signature_url("https://a.example.com/x/y.json", std::string("../s/y.p7s")) == "https://a.example.com/s/y.p7s");
    CHECK(mud::signature_url("https://a.example.com/x/y.json", std::string("/y.p7s")) == "https://a.example.com/y.p7s");
    CHECK(mud::signature_url("https://a.example.com/x/y.json", std::string("https://b.example.com/s")) == "https://b.example.com/s");
}

TEST_CASE("carriers round trip and enforce the URL rules") {
    for (auto c : {mud::Carrier::dhcpv4, mud::Carrier::dhcpv6, mud::Carrier::lldp}) {
        Bytes b = mud::write_carrier(c, "https://things.example.com/t.json");
        auto f = mud::read_carrier(b);
        CHECK(f.carrier == c);
        CHECK(f.url == "https://things.example.com/t.json");
    }
    CHECK_THROWS_AS(mud::write_carrier(mud::Carrier::dhcpv4, "http://things.example.com/t"), Error);
    CHECK_THROWS_AS(mud::write_carrier(mud::Carrier::lldp, "https://x.example.com/" + std::string(250, 'a')), Error);
}

TEST_CASE("direction-initiated compiles to the conntrack direction of each side") {
    auto v = mud::validate(ByteView(read_vector("mud/nist/mudfile-tcp-direction-test.json")), mud::ValidateOptions{.compat = true});
    REQUIRE(v.ok());
    mud::Site site = mud::load_site("devices: [{name: d, addresses: [10.0.0.2]}]\nlocal-networks: [10.0.0.0/8]\n");
    auto c = mud::compile(v.mud, site, site.device("d"), {});
    CHECK(c.script.find("ct direction original") != std::string::npos);
    CHECK(c.script.find("ct direction reply") != std::string::npos);
    CHECK(c.script.find("drop comment \"default deny\"") != std::string::npos);
}
