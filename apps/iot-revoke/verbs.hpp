// The verbs of iot-revoke, one file each, and the options several of them share.
#pragma once
#include <optional>
#include <string>

#include "common/tool.hpp"
#include "iotops/ca/database.hpp"

namespace iotops::revoke_cli {

void add_init(cli::Tool& tool);
void add_add(cli::Tool& tool);
void add_list(cli::Tool& tool);
void add_revoke(cli::Tool& tool);
void add_unhold(cli::Tool& tool);
void add_crl(cli::Tool& tool);
void add_status(cli::Tool& tool);
void add_ocsp(cli::Tool& tool);
void add_decommission(cli::Tool& tool);

// `--db INDEX` (required): the index.txt of an OpenSSL-style CA database.
CLI::Option* add_db_option(CLI::App& verb, std::string& path);

// What a revocation request says before it meets the database.
struct RevocationRequest {
    std::optional<std::string> reason;           // name or code
    std::optional<std::string> invalidity_date;  // RFC 3339
    std::optional<std::string> hold_instruction;
    std::optional<std::string> revocation_date;  // RFC 3339; default now
};
// Validates and builds the index.txt revocation. Throws Error(usage) for combinations the
// database format cannot hold.
ca::Revocation make_revocation(const RevocationRequest& req);

// "revoked", "already-revoked", "hold-changed".
const char* outcome_name(ca::Index::RevokeOutcome o);

}  // namespace iotops::revoke_cli
