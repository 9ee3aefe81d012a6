// crl: a v2 CRL (full or delta) from the database, with CRL number, AKI, reasons, invalidity dates,
// hold instructions and an optional issuing distribution point; PEM or DER.
#include <memory>
#include <map>
#include <set>

#include "common/output.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/crl.hpp"
#include "iotops/crypto/passphrase.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

struct Opts {
    std::string db;
    std::string ca_cert, ca_key, signer_cert, signer_key, pass;
    std::string valid = "7d";
    std::vector<std::string> idp_uris;
    std::string delta_base;
    std::string out_format = "pem";
    std::string hash = "sha256";
    cli::OutputOptions out;
};

void fill_crl_entry(crypto::CrlEntry& c, const ca::Entry& e) {
    c.serial_hex = e.serial;
    c.revoked = e.revocation->time;
    if (e.revocation->reason) c.reason = static_cast<int>(*e.revocation->reason);
    c.invalidity = e.revocation->invalidity;
    c.hold_instruction_oid.reset();
    if (e.revocation->hold_instruction) c.hold_instruction_oid = ca::hold_instruction_oid(*e.revocation->hold_instruction);
}

crypto::CrlEntry crl_entry(const ca::Entry& e) {
    crypto::CrlEntry c;
    fill_crl_entry(c, e);
    return c;
}

int run(const Opts& o, cli::Context&) {
    if (o.ca_cert.empty() && o.signer_cert.empty())
        throw Error(ErrorKind::usage, "crl: give --ca-cert (and --ca-key), or --signer-cert and --signer-key");
    std::string cert_path = o.signer_cert.empty() ? o.ca_cert : o.signer_cert;
    std::string key_path = o.signer_cert.empty() ? o.ca_key : o.signer_key;
    if (key_path.empty())
        throw Error(ErrorKind::usage, o.signer_cert.empty() ? "crl: --ca-key is required" : "crl: --signer-key is required");
    crypto::Certificate signer = crypto::Certificate::load_file(cert_path);
    if (!o.signer_cert.empty() && !o.ca_cert.empty()) {
        crypto::Certificate ca = crypto::Certificate::load_file(o.ca_cert);
        if (ca.subject() != signer.subject())
            throw Error(ErrorKind::usage, "crl: the CRL signer's subject differs from the CA's",
                        "indirect CRLs are not supported; issue the CRL signer with the CA's name and cRLSign");
    }
    std::optional<std::string> pass;
    if (!o.pass.empty()) pass = crypto::read_passphrase(o.pass);
    crypto::PrivateKey key = crypto::PrivateKey::load_file(key_path, pass);

    crypto::CrlSpec spec;
    spec.this_update = now();
    spec.next_update = spec.this_update + parse_duration(o.valid);
    spec.idp_uris = o.idp_uris;
    spec.hash = o.hash == "sha384" ? crypto::Hash::sha384 : o.hash == "sha512" ? crypto::Hash::sha512 : crypto::Hash::sha256;

    std::optional<crypto::Crl> base;
    if (!o.delta_base.empty()) {
        base = crypto::Crl::load(read_file(o.delta_base));
        if (!base->issued_by(signer))
            throw Error(ErrorKind::negative, "crl: the base CRL " + o.delta_base + " was not signed by " + cert_path);
        if (!base->number_hex()) throw Error(ErrorKind::malformed, "crl: the base CRL has no CRL number");
        if (base->delta_base_hex()) throw Error(ErrorKind::usage, "crl: the base CRL is itself a delta CRL");
        spec.delta_base_hex = base->number_hex();
    }

    ca::Index idx = ca::Database(o.db).load(/*lookup=*/base.has_value());
    auto number = ca::Database(o.db).allocate_crl_number(true);
    spec.crl_number_hex = *number;
    Bytes der;
    if (!base) {  // every revocation, straight from the database entries
        const auto& all = idx.entries();
        std::size_t i = 0;
        der = crypto::build_crl(
            spec,
            [&](crypto::CrlEntry& c) {
                for (; i < all.size(); ++i) {
                    if (all[i].status != ca::Status::revoked || !all[i].revocation) continue;
                    fill_crl_entry(c, all[i++]);
                    return true;
                }
                return false;
            },
            idx.size(), signer, key);
    } else {
        std::vector<crypto::CrlEntry> entries;
        // Changes since the base: new or changed revocations, and removeFromCRL for released holds.
        std::vector<crypto::CrlEntry> in_base = base->entries();
        std::map<std::string, const crypto::CrlEntry*> base_by_serial;
        for (const auto& b : in_base) base_by_serial[b.serial_hex] = &b;
        for (const auto& e : idx.entries()) {
            if (e.status != ca::Status::revoked || !e.revocation) continue;
            crypto::CrlEntry c = crl_entry(e);
            auto it = base_by_serial.find(ca::canonical_serial(e.serial));
            if (it != base_by_serial.end() && it->second->reason == c.reason) continue;
            entries.push_back(std::move(c));
        }
        for (const auto& b : in_base) {
            const ca::Entry* e = idx.find_serial(b.serial_hex);
            if (b.reason == static_cast<int>(ca::Reason::certificate_hold) && (!e || e->status != ca::Status::revoked))
                entries.push_back(crypto::CrlEntry{b.serial_hex, spec.this_update,
                                                   static_cast<int>(ca::Reason::remove_from_crl), {}, {}});
        }
        der = crypto::build_crl(spec, entries, signer, key);
    }
    if (o.out_format == "der") cli::write_output(o.out, der, cli::Content::binary);
    else cli::write_output(o.out, as_bytes(crypto::crl_pem(der)), cli::Content::text);
    return 0;
}

}  // namespace

void add_crl(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("crl", "Issue a v2 CRL (full or delta) from the CA database",
                                   [o](cli::Context& ctx) { return run(*o, ctx); });
    add_db_option(verb, o->db);
    verb.add_option("--ca-cert", o->ca_cert, "The CA certificate");
    verb.add_option("--ca-key", o->ca_key, "The CA private key (signs unless --signer-cert is given)");
    verb.add_option("--signer-cert", o->signer_cert, "A separate CRL signer certificate (the CA's name, cRLSign)");
    verb.add_option("--signer-key", o->signer_key, "The CRL signer's private key");
    verb.add_option("--pass", o->pass, "Passphrase source for the key: pass:, env:, file:, fd:");
    verb.add_option("--valid", o->valid, "Time until nextUpdate, e.g. 12h, 7d (default 7d)");
    verb.add_option("--idp-uri", o->idp_uris, "Issuing distribution point URI; repeatable")->allow_extra_args(false);
    verb.add_option("--delta-base", o->delta_base, "Base CRL file: issue a delta CRL against it");
    verb.add_option("--out-format", o->out_format, "pem or der (default pem)")->check(CLI::IsMember({"pem", "der"}));
    verb.add_option("--hash", o->hash, "Signature hash: sha256, sha384, sha512")
        ->check(CLI::IsMember({"sha256", "sha384", "sha512"}));
    cli::add_output_options(verb, o->out);
}

}  // namespace iotops::revoke_cli
