// iot-mud quarantine: confine a device to DNS, NTP, firmware updates and its registrar, or
// release it. The device comes from --device or from a decommission record's serial-number.
#include <iostream>
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "common/reader.hpp"
#include "iotops/core/error.hpp"
#include "iotops/mud/compile.hpp"
#include "iotops/mud/quarantine.hpp"
#include "iotops/mud/validate.hpp"
#include "site_input.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    std::string mud_path;
    cli::OutputOptions out;
    std::string site;
    std::string device;
    std::string record;
    mud::QuarantineSpec flags;
    std::string target = "nft";
    bool resolve = false;
    bool release = false;
};

const mud::Device& pick_device(const Opts& o, const mud::Site& site, cli::Context& ctx) {
    if (o.record.empty()) return site.device(o.device);
    if (!o.device.empty()) throw Error(ErrorKind::usage, "give --device or --record, not both");
    cli::InputOptions in;
    in.path = o.record;
    cli::Input input = cli::read_input(in);
    mud::DecommissionRecord r = mud::parse_decommission(input.data);
    const mud::Device* d = site.by_serial(r.serial_number);
    if (!d)
        throw Error(ErrorKind::config, "site: no device with serial-number '" + r.serial_number + "'",
                    "add serial-number to the device in the site file");
    if (!ctx.quiet)
        *ctx.err << ctx.tool << ": decommissioned " << r.serial_number << " is device " << d->name
                 << (r.revoked.empty() ? "" : " (" + std::to_string(r.revoked.size()) + " certificate(s) revoked)") << "\n";
    return *d;
}

}  // namespace

void add_quarantine(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "quarantine", "Confine a device to DNS, NTP, its firmware server and registrar (or --release it)",
        [o](cli::Context& ctx) {
            mud::Site site = load_site_file(o->site);
            const mud::Device& dev = pick_device(*o, site, ctx);
            mud::CompileOptions co;
            co.target = o->target == "nft" ? mud::Target::nft
                        : o->target == "iptables" ? mud::Target::iptables : mud::Target::ip6tables;
            mud::Mud policy;
            if (o->release) {
                if (o->mud_path.empty()) {
                    if (co.target != mud::Target::nft)
                        throw Error(ErrorKind::usage, "--release without a MUD file works for --target nft only");
                    cli::write_output(o->out, as_bytes(mud::nft_release(mud::table_name(dev))), cli::Content::text);
                    return 0;
                }
                policy = mud::load(read_file(o->mud_path));  // back to the device's own MUD policy
            } else {
                if (!o->mud_path.empty()) throw Error(ErrorKind::usage, "a MUD file is given only with --release");
                policy = mud::quarantine_policy(dev, mud::quarantine_services(o->flags, site));
            }
            mud::Resolution dns = mud::resolve(mud::dns_names(policy), site, o->resolve);
            mud::Compiled c = mud::compile(policy, site, dev, dns, co);
            cli::write_output(o->out, as_bytes(c.script), cli::Content::text);
            if (!ctx.quiet)
                for (const auto& n : c.unresolved)
                    *ctx.err << ctx.tool << ": warning: " << n << " is not resolved (use --resolve or site hosts)\n";
            return 0;
        });
    verb.add_option("MUD", o->mud_path, "With --release: the device's MUD file, compiled back in place");
    verb.add_option("--site", o->site, "Site file (YAML) with the device and its services")->required();
    verb.add_option("--device", o->device, "The device in the site file");
    verb.add_option("--record", o->record,
                    "A decommission record (JSON line from iot-revoke decommission; - for stdin): the device is "
                    "the one with its serial-number");
    verb.add_option("--dns", o->flags.dns, "DNS server ADDR[:PORT] the device keeps; repeatable")->allow_extra_args(false);
    verb.add_option("--ntp", o->flags.ntp, "NTP server ADDR[:PORT]; repeatable")->allow_extra_args(false);
    verb.add_option("--firmware", o->flags.firmware, "Firmware update server HOST[:PORT] (TCP, default 443); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--registrar", o->flags.registrar, "Registrar HOST[:PORT] (TCP, default 443); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--target", o->target, "nft (default), iptables or ip6tables")
        ->check(CLI::IsMember({"nft", "iptables", "ip6tables"}));
    verb.add_flag("--resolve", o->resolve, "Resolve DNS names now (site hosts first, then the system resolver)");
    verb.add_flag("--release", o->release,
                  "Lift the quarantine: remove the device's table, or with MUD compile its own policy back");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::mud_cli
