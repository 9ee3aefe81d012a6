// Shared pieces: the database option and turning revocation options into an index.txt revocation.
#include "iotops/core/error.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

CLI::Option* add_db_option(CLI::App& verb, std::string& path) {
    return verb.add_option("--db", path, "The CA database's index.txt (OpenSSL ca layout)")->required();
}

ca::Revocation make_revocation(const RevocationRequest& req) {
    ca::Revocation r;
    r.time = req.revocation_date ? parse_rfc3339(*req.revocation_date) : now();
    if (req.reason) r.reason = ca::parse_reason(*req.reason);
    if (r.reason == ca::Reason::remove_from_crl)
        throw Error(ErrorKind::usage, "removeFromCRL is not a reason to revoke",
                    "release a certificateHold with 'iot-revoke unhold'; delta CRLs then carry removeFromCRL");
    if (req.hold_instruction) {
        if (!r.reason) r.reason = ca::Reason::certificate_hold;
        if (r.reason != ca::Reason::certificate_hold)
            throw Error(ErrorKind::usage, "--hold-instruction goes only with reason certificateHold");
        r.hold_instruction = ca::parse_hold_instruction(*req.hold_instruction);
    }
    if (req.invalidity_date) {
        if (r.reason != ca::Reason::key_compromise && r.reason != ca::Reason::ca_compromise)
            throw Error(ErrorKind::usage, "--invalidity-date goes only with keyCompromise or cACompromise",
                        "index.txt records the invalidity date as keyTime/CAkeyTime, as openssl ca does");
        r.invalidity = parse_rfc3339(*req.invalidity_date);
    }
    return r;
}

const char* outcome_name(ca::Index::RevokeOutcome o) {
    switch (o) {
        case ca::Index::RevokeOutcome::revoked: return "revoked";
        case ca::Index::RevokeOutcome::already_revoked: return "already-revoked";
        case ca::Index::RevokeOutcome::hold_changed: return "hold-changed";
    }
    return "revoked";
}

}  // namespace iotops::revoke_cli
