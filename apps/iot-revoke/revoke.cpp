// revoke and unhold: by serial, by certificate file, or a stream of serials / NDJSON records.
// A stream is applied in one locked transaction, so a large batch costs one read and one write.
#include <iostream>
#include <memory>

#include "common/reader.hpp"
#include "iotops/core/error.hpp"
#include "iotops/crypto/certificate.hpp"
#include "verbs.hpp"

namespace iotops::revoke_cli {

namespace {

struct Opts {
    std::string db;
    std::vector<std::string> serials;
    std::vector<std::string> certs;
    std::string stream;  // a path or "-" when given
    RevocationRequest req;
};

struct Item {
    std::size_t index = 0;
    std::string serial;                    // canonical, when the record parsed
    std::optional<ca::Revocation> revocation;
    std::string error_code, error;         // when it did not
};

std::optional<std::string> json_string(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw Error(ErrorKind::malformed, std::string("\"") + key + "\" must be a string");
    return it->get<std::string>();
}

// One stream line: a bare hex serial, or {"serial":..,"reason":..,"invalidity-date":..,"hold-instruction":..}.
Item parse_line(std::string_view line, std::size_t index, const RevocationRequest& defaults, bool want_revocation) {
    Item item;
    item.index = index;
    try {
        RevocationRequest req = defaults;
        if (line.front() == '{') {
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object()) throw Error(ErrorKind::malformed, "not a JSON object");
            auto s = json_string(j, "serial");
            if (!s) throw Error(ErrorKind::malformed, "record has no \"serial\"");
            item.serial = *s;
            if (auto v = json_string(j, "reason")) req.reason = v;
            if (auto v = json_string(j, "invalidity-date")) req.invalidity_date = v;
            if (auto v = json_string(j, "hold-instruction")) req.hold_instruction = v;
            if (auto v = json_string(j, "revocation-date")) req.revocation_date = v;
        } else {
            item.serial = std::string(line);
        }
        item.serial = ca::canonical_serial(item.serial);
        if (want_revocation) item.revocation = make_revocation(req);
    } catch (const Error& e) {
        item.error_code = std::string(kind_name(e.kind()));
        item.error = e.what();
    }
    return item;
}

std::vector<Item> read_stream(const std::string& path, const RevocationRequest& defaults, bool want_revocation) {
    cli::Reader r = cli::Reader::open(path);
    std::vector<Item> items;
    std::string line;
    std::size_t index = 0;
    for (;;) {
        line.clear();
        int c;
        while ((c = r.get()) >= 0 && c != '\n') line.push_back(static_cast<char>(c));
        std::string_view v = line;
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        if (!v.empty() && v.front() != '#') items.push_back(parse_line(v, index++, defaults, want_revocation));
        if (c < 0) break;
    }
    return items;
}

std::vector<Item> gather(const Opts& o, bool want_revocation) {
    bool direct = !o.serials.empty() || !o.certs.empty();
    if (direct && !o.stream.empty())
        throw Error(ErrorKind::usage, "give --serial/--cert or a stream FILE, not both");
    if (!direct && o.stream.empty())
        throw Error(ErrorKind::usage, "nothing to do: give --serial HEX, --cert FILE or a stream FILE ('-' for stdin)");
    if (!direct) return read_stream(o.stream, o.req, want_revocation);
    std::vector<Item> items;
    std::optional<ca::Revocation> rev;
    if (want_revocation) rev = make_revocation(o.req);
    for (const auto& s : o.serials) items.push_back(Item{items.size(), ca::canonical_serial(s), rev, {}, {}});
    for (const auto& path : o.certs)
        for (const auto& c : crypto::Certificate::load_all_file(path))
            items.push_back(Item{items.size(), ca::canonical_serial(c.serial_hex()), rev, {}, {}});
    return items;
}

nlohmann::json error_json(const Item& item, const std::string& code, const std::string& message) {
    nlohmann::json j{{"error", {{"code", code}, {"message", message}}}, {"index", item.index}};
    if (!item.serial.empty()) j["serial"] = item.serial;
    return j;
}

// Applies the items in one transaction. Direct mode (not a stream): the first failure is the error.
int apply(const Opts& o, cli::Context& ctx, bool revoke) {
    std::vector<Item> items = gather(o, revoke);
    bool stream = !o.stream.empty();
    std::vector<nlohmann::json> out(items.size());
    std::size_t failed = 0;
    ca::Database(o.db).update([&](ca::Index& idx) {
        bool changed = false;
        for (std::size_t i = 0; i < items.size(); ++i) {
            const Item& it = items[i];
            if (!it.error.empty()) {
                out[i] = error_json(it, it.error_code, it.error);
                ++failed;
                continue;
            }
            try {
                if (revoke) {
                    auto outcome = idx.revoke(it.serial, *it.revocation);
                    changed |= outcome != ca::Index::RevokeOutcome::already_revoked;
                    out[i] = {{"serial", it.serial}, {"result", outcome_name(outcome)}};
                    const ca::Entry* e = idx.find_serial(it.serial);
                    if (e->revocation->reason) out[i]["reason"] = ca::reason_name(*e->revocation->reason);
                    if (outcome == ca::Index::RevokeOutcome::already_revoked && !stream && !ctx.quiet)
                        *ctx.err << ctx.tool << ": note: serial " << it.serial
                                 << " was already revoked for that reason; nothing changed\n";
                } else {
                    idx.unhold(it.serial);
                    changed = true;
                    out[i] = {{"serial", it.serial}, {"result", "released"}};
                }
            } catch (const Error& e) {
                if (!stream) throw;
                out[i] = error_json(it, std::string(kind_name(e.kind())), e.what());
                ++failed;
            }
        }
        return changed;
    });
    std::string text;
    text.reserve(out.size() * 48);
    for (const auto& j : out) text += j.dump() + "\n";
    *ctx.out << text << std::flush;
    return failed ? 1 : 0;
}

void add_target_options(CLI::App& verb, Opts& o) {
    add_db_option(verb, o.db);
    verb.add_option("--serial", o.serials, "Serial number in hex (as index.txt holds it); repeatable")
        ->allow_extra_args(false);
    verb.add_option("--cert", o.certs, "Certificate file whose serial to use; repeatable")->allow_extra_args(false);
    verb.add_option("FILE", o.stream, "Stream: one hex serial per line or NDJSON records ('-' for stdin)");
}

}  // namespace

void add_revoke(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("revoke", "Revoke certificates by serial, certificate file or a stream",
                                   [o](cli::Context& ctx) { return apply(*o, ctx, true); });
    add_target_options(verb, *o);
    verb.add_option("--reason", o->req.reason, "RFC 5280 reason name or code 0-10 (default: none recorded)");
    verb.add_option("--invalidity-date", o->req.invalidity_date,
                    "When the key was known compromised, RFC 3339 (keyCompromise, cACompromise)");
    verb.add_option("--hold-instruction", o->req.hold_instruction,
                    "certificateHold instruction: none, callIssuer, reject or an OID (implies certificateHold)");
    verb.add_option("--revocation-date", o->req.revocation_date, "Revocation time, RFC 3339 (default: now)");
}

void add_unhold(cli::Tool& tool) {
    auto o = std::make_shared<Opts>();
    CLI::App& verb = tool.add_verb("unhold", "Release certificates from certificateHold",
                                   [o](cli::Context& ctx) { return apply(*o, ctx, false); });
    add_target_options(verb, *o);
}

}  // namespace iotops::revoke_cli
