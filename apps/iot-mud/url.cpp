// iot-mud url: find the MUD URL in a certificate, DHCPv4/DHCPv6 option or LLDP TLV, or write one.
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/report.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/mud/url.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::OutputOptions out;
    cli::ReportOptions report;
    std::string carrier = "auto";
    std::string make;
    std::string url;
    bool hex = false;
};

}  // namespace

void add_url(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "url", "Read the MUD URL from a certificate, DHCP option or LLDP TLV, or write such a carrier",
        [o](cli::Context& ctx) {
            if (!o->make.empty()) {
                if (o->url.empty()) throw Error(ErrorKind::usage, "url: --make needs --mud-url URL");
                Bytes b = mud::write_carrier(*mud::parse_carrier(o->make), o->url);
                if (o->hex) {
                    std::string h = hex_encode(b) + "\n";
                    cli::write_output(o->out, as_bytes(h), cli::Content::text);
                } else {
                    cli::write_output(o->out, b, cli::Content::binary);
                }
                return 0;
            }
            if (!o->url.empty()) throw Error(ErrorKind::usage, "url: --mud-url is for --make");
            cli::Input in = cli::read_input(o->in);
            std::optional<mud::Carrier> c;
            if (o->carrier != "auto") c = mud::parse_carrier(o->carrier);
            mud::FoundUrl f = mud::read_carrier(in.data, c);
            nlohmann::json r;
            r["carrier"] = mud::carrier_name(f.carrier);
            r["mud-url"] = f.url;
            if (!f.reserved.empty()) r["reserved"] = f.reserved;
            if (f.signer) r["mud-signer"] = *f.signer;
            cli::emit_report(r, o->report, ctx);
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--carrier", o->carrier, "What the input is: auto (default), x509, dhcpv4, dhcpv6, lldp")
        ->check(CLI::IsMember({"auto", "x509", "dhcpv4", "dhcpv6", "lldp"}));
    verb.add_option("--make", o->make, "Write a carrier instead: dhcpv4, dhcpv6 or lldp")
        ->check(CLI::IsMember({"dhcpv4", "dhcpv6", "lldp"}));
    verb.add_option("--mud-url", o->url, "The URL to write with --make (https, at most 255 octets)");
    verb.add_flag("--hex", o->hex, "Write the carrier as hex text");
    cli::add_output_options(verb, o->out);
    cli::add_report_options(verb, o->report);
}

}  // namespace iotops::mud_cli
