// init, add, list: create a CA database, record issued certificates, list entries as NDJSON.
#include <iostream>
#include <memory>

#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

nlohmann::json entry_json(const ca::Entry& e) {
    nlohmann::json j{{"serial", e.serial},
                     {"status", e.status == ca::Status::valid ? "valid" : e.status == ca::Status::revoked ? "revoked" : "expired"},
                     {"not-after", format_rfc3339(e.not_after)},
                     {"subject", e.subject}};
    if (e.revocation) {
        j["revocation-time"] = format_rfc3339(e.revocation->time);
        if (e.revocation->reason) j["reason"] = ca::reason_name(*e.revocation->reason);
        if (e.revocation->invalidity) j["invalidity-date"] = format_rfc3339(*e.revocation->invalidity);
        if (e.revocation->hold_instruction) j["hold-instruction"] = *e.revocation->hold_instruction;
    }
    return j;
}

}  // namespace

void add_init(cli::Tool& tool) {
    struct Opts {
        std::string db;
        bool unique_subject = false;
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("init", "Create an empty CA database (index.txt, index.txt.attr, serial, crlnumber)",
                                   [o](cli::Context&) {
                                       ca::Database(o->db).create(o->unique_subject);
                                       return 0;
                                   });
    add_db_option(verb, o->db);
    verb.add_flag("--unique-subject", o->unique_subject, "Refuse two valid certificates with one subject");
}

void add_add(cli::Tool& tool) {
    struct Opts {
        std::string db;
        std::vector<std::string> certs;
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("add", "Record issued certificates in the CA database", [o](cli::Context& ctx) {
        std::vector<ca::Entry> entries;
        for (const auto& path : o->certs)
            for (const auto& c : crypto::Certificate::load_all_file(path)) {
                ca::Entry e;
                e.not_after = c.not_after();
                e.serial = c.serial_hex();
                e.subject = c.subject_oneline();
                entries.push_back(std::move(e));
            }
        ca::Database(o->db).update([&](ca::Index& idx) {
            for (const auto& e : entries) idx.add(e);
            return true;
        });
        for (const auto& e : entries)
            *ctx.out << nlohmann::json{{"serial", ca::canonical_serial(e.serial)}, {"result", "added"}}.dump() << "\n";
        return 0;
    });
    add_db_option(verb, o->db);
    verb.add_option("--cert", o->certs, "Certificate file (PEM, may hold several, or DER); repeatable")->required();
}

void add_list(cli::Tool& tool) {
    struct Opts {
        std::string db;
        std::string status = "all";
    };
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("list", "List the CA database as NDJSON, one certificate per line",
                                   [o](cli::Context& ctx) {
                                       ca::Index idx = ca::Database(o->db).load();
                                       for (const auto& e : idx.entries()) {
                                           if (o->status == "valid" && e.status != ca::Status::valid) continue;
                                           if (o->status == "revoked" && e.status != ca::Status::revoked) continue;
                                           if (o->status == "expired" && e.status != ca::Status::expired) continue;
                                           *ctx.out << entry_json(e).dump() << "\n";
                                       }
                                       return 0;
                                   });
    add_db_option(verb, o->db);
    verb.add_option("--status", o->status, "Only entries with this status")
        ->check(CLI::IsMember({"all", "valid", "revoked", "expired"}));
}

}  // namespace iotops::revoke_cli
