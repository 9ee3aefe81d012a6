// iot-mud compile: a MUD file plus a site file to an nft script or iptables-restore input.
#include <iostream>
#include <memory>

#include "common/input.hpp"
#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/mud/compile.hpp"
#include "iotops/mud/validate.hpp"
#include "site_input.hpp"
#include "verbs.hpp"

namespace iotops::mud_cli {
namespace {

struct Opts {
    cli::InputOptions in;
    cli::OutputOptions out;
    std::string site;
    std::string device;
    std::string target = "nft";
    std::string table;
    bool resolve = false;
    bool refresh = false;
    bool compat = false;
    int ttl = 300;
};

std::string quote(const std::string& s) {
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("/._-+:=@").find(c) == std::string::npos)
            return "'" + s + "'";
    return s;
}

}  // namespace

void add_compile(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb(
        "compile", "Compile a MUD file for one device on a site to an nft script or iptables-restore input",
        [o](cli::Context& ctx) {
            mud::Site site = load_site_file(o->site);
            const mud::Device& dev = site.device(o->device);
            cli::Input in = cli::read_input(o->in);
            mud::ValidateOptions vo;
            vo.compat = o->compat;
            mud::Mud m = mud::load(in.data, vo);
            mud::Resolution dns = mud::resolve(mud::dns_names(m), site, o->resolve, o->ttl);
            mud::CompileOptions co;
            co.table = o->table;
            co.target = o->target == "nft" ? mud::Target::nft
                        : o->target == "iptables" ? mud::Target::iptables : mud::Target::ip6tables;
            if (o->refresh) {
                if (co.target != mud::Target::nft) throw Error(ErrorKind::usage, "--refresh needs --target nft");
                cli::write_output(o->out, as_bytes(mud::nft_refresh(m, dev, dns, co)), cli::Content::text);
                return 0;
            }
            mud::Compiled c = mud::compile(m, site, dev, dns, co);
            cli::write_output(o->out, as_bytes(c.script), cli::Content::text);
            if (!ctx.quiet) {
                for (const auto& w : c.warnings) *ctx.err << ctx.tool << ": warning: " << w << "\n";
                if (!c.unresolved.empty() && co.target == mud::Target::nft) {
                    *ctx.err << ctx.tool << ": note: " << c.unresolved.size()
                             << " DNS name(s) left as empty sets; fill them (and again before their TTLs run out) with:\n"
                             << "  " << ctx.tool << " compile --refresh --resolve --site " << quote(o->site)
                             << (o->device.empty() ? "" : " --device " + quote(o->device))
                             << (o->table.empty() ? "" : " --table " + quote(o->table)) << " " << quote(in.name)
                             << " | nft -f -\n";
                }
            }
            return 0;
        });
    cli::add_input_argument(verb, o->in);
    verb.add_option("--site", o->site, "Site file (YAML): devices, controllers, local networks, manufacturers, hosts")
        ->required();
    verb.add_option("--device", o->device, "The device in the site file (needed when it lists several)");
    verb.add_option("--target", o->target, "nft (default), iptables or ip6tables")
        ->check(CLI::IsMember({"nft", "iptables", "ip6tables"}));
    verb.add_option("--table", o->table, "nft table name (default mud_<device>)");
    verb.add_flag("--resolve", o->resolve, "Resolve DNS names now (site hosts first, then the system resolver)");
    verb.add_flag("--refresh", o->refresh, "Only the statements that refill the DNS sets of a loaded table");
    verb.add_option("--ttl", o->ttl, "Set element timeout in seconds when an answer has no TTL (default 300)")
        ->check(CLI::Range(1, 604800));
    verb.add_flag("--compat", o->compat, "Accept legacy MUD forms (see validate --compat)");
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::mud_cli
