// decommission: end of life for one device. Revokes every certificate whose subject carries
// serialNumber=<device serial> (the LDevIDs the registrar recorded), puts the serial on the MASA
// deny list, and prints one NDJSON record for `iot-mud quarantine`:
// {"event":"decommission","serial-number":..,"revoked":[{"serial":..,"reason":..}],"deny-list":..,"time":..}
#include <memory>

#include "iotops/ca/deny_list.hpp"
#include "iotops/core/error.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

struct Opts {
    std::string serial_number;
    std::string db;
    std::string deny_list;
    std::string reason = "cessationOfOperation";
};

int run(const Opts& o, cli::Context& ctx) {
    if (o.serial_number.empty() || o.serial_number.find_first_of(" \t\r\n#/") != std::string::npos)
        throw Error(ErrorKind::usage, "decommission: '" + o.serial_number + "' is not a device serial number");
    ca::Revocation rev;
    rev.time = std::chrono::floor<std::chrono::seconds>(now());
    rev.reason = ca::parse_reason(o.reason);
    if (rev.reason == ca::Reason::certificate_hold || rev.reason == ca::Reason::remove_from_crl)
        throw Error(ErrorKind::usage, "decommission: end of life is permanent; certificateHold and removeFromCRL do not fit");

    nlohmann::ordered_json revoked = nlohmann::ordered_json::array();
    ca::Database(o.db).update([&](ca::Index& idx) {
        bool changed = false;
        std::vector<std::string> serials;
        for (const ca::Entry* e : idx.find_subject_serial_number(o.serial_number)) serials.push_back(e->serial);
        for (const auto& s : serials) {
            const ca::Entry* e = idx.find_serial(s);
            if (e->status == ca::Status::revoked && e->revocation &&
                e->revocation->reason != ca::Reason::certificate_hold) {
                // Already revoked for its own reason: it stays as it is.
                revoked.push_back(nlohmann::ordered_json{{"serial", e->serial},
                                   {"reason", ca::reason_name(e->revocation->reason.value_or(ca::Reason::unspecified))}});
                continue;
            }
            idx.revoke(s, rev);
            changed = true;
            revoked.push_back(nlohmann::ordered_json{{"serial", e->serial}, {"reason", ca::reason_name(*rev.reason)}});
        }
        return changed;
    });
    if (revoked.empty() && !ctx.quiet)
        *ctx.err << ctx.tool << ": note: no certificate in " << o.db << " has serialNumber=" << o.serial_number << "\n";
    ca::DenyList(o.deny_list).add({o.serial_number});
    nlohmann::ordered_json record{{"event", "decommission"},
                          {"serial-number", o.serial_number},
                          {"revoked", revoked},
                          {"deny-list", o.deny_list},
                          {"time", format_rfc3339(rev.time)}};
    *ctx.out << record.dump() << std::endl;
    return 0;
}

}  // namespace

void add_decommission(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("decommission",
                                   "End of life for a device: revoke its LDevIDs, deny it at the MASA, emit a record",
                                   [o](cli::Context& ctx) { return run(*o, ctx); });
    verb.add_option("--serial-number", o->serial_number, "The device's serial number (subject serialNumber)")->required();
    add_db_option(verb, o->db);
    verb.add_option("--deny-list", o->deny_list, "The MASA deny list file (one serial number per line)")->required();
    verb.add_option("--reason", o->reason, "Revocation reason (default cessationOfOperation)");
}

}  // namespace iotops::revoke_cli
