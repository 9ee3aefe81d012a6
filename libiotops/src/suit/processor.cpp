// The manifest processor: sequences in the spec's order, conditions and directives over a device
// held in memory until everything succeeded.
#include "iotops/suit/processor.hpp"
#include "iotops/suit/uuid.hpp"

#include <fstream>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/http.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/verify.hpp"

namespace iotops::suit {
namespace {

using cbor::Value;

// suit-report-result-code values: iotops' own, for debugging (the draft leaves them to implementations).
enum Code : int {
    code_unauthorised = 1, code_rollback = 2, code_condition = 3, code_operation = 4, code_unsupported = 5,
    code_severed = 6, code_decrypt = 7, code_component = 8, code_manifest = 9,
};

// Processing order for an update (manifest section 6.x; trust-domains adds 15 and 18).
constexpr std::int64_t section_order[] = {15, 16, 18, 20, 7, 8, 9};

namespace cmd {
constexpr std::int64_t vendor = 1, clazz = 2, image_match = 3, slot = 5, check_content = 6, abort = 14,
                       set_index = 12, try_each = 15, write = 18, set_params = 19, override_params = 20, fetch = 21,
                       copy = 22, invoke = 23, device_id = 24, image_not_match = 25, swap = 31, run_sequence = 32;
}
namespace par {
constexpr std::int64_t vendor = 1, clazz = 2, digest = 3, slot = 5, soft_failure = 13, image_size = 14, content = 18,
                       encryption = 19, uri = 21, source = 22, device_id = 24;
}

struct Abort {
    ReportReason reason;
    int code;
    std::string message;
    Record record;
};

std::string command_name(std::int64_t id) {
    auto n = name_of(Space::command, id);
    return n ? std::string(*n) : "command " + std::to_string(id);
}
std::string section_name(std::int64_t id) {
    auto n = name_of(Space::manifest, id);
    return n ? std::string(*n) : std::to_string(id);
}

class Processor {
public:
    Processor(const Envelope& env, const Device& dev, const ApplyOptions& options, ApplyResult& result)
        : env_(env), dev_(dev), options_(options), result_(result), components_(dev.components) {}

    void run() {
        const Manifest& m = env_.manifest;
        if (m.components.empty()) fail(ReportReason::component_unsupported, code_component, "the manifest declares no component");
        if (dev_.state.contains("components") && dev_.state["components"].is_array()) {
            for (const auto& c : m.components) {
                std::string name = component_file_name(c);
                bool known = false;
                for (const auto& s : dev_.state["components"]) known = known || (s.is_string() && s.get<std::string>() == name);
                if (!known) fail(ReportReason::component_unsupported, code_component, "the device has no component " + name);
            }
        }
        const Value* common = m.value.find(key::common);
        if (common && common->is_bytes()) {
            Value c = cbor::decode(common->as_bytes());
            if (const Value* shared = c.find(key::shared_sequence); shared && shared->is_bytes()) shared_ = shared->as_bytes();
        }
        for (std::int64_t section : section_order) {
            std::optional<Bytes> seq = sequence_bytes(section);
            if (!seq) continue;
            result_.sections_run.push_back(section);
            section_ = section;
            params_.assign(m.components.size(), {});
            selected_ = {0};
            if (shared_) run_sequence(*shared_, false);
            run_sequence(*seq, false);
        }
        section_ = 0;
    }

    std::map<std::string, Bytes>& components() { return components_; }

private:
    std::optional<Bytes> sequence_bytes(std::int64_t section) {
        const Manifest& m = env_.manifest;
        if (const Value* v = m.value.find(section); v && v->is_bytes()) return v->as_bytes();
        if (m.severed.count(section)) {
            auto it = env_.severable_members.find(section);
            if (it == env_.severable_members.end())
                fail(ReportReason::operation_failed, code_severed,
                     "the " + section_name(section) + " sequence is severed and the envelope does not carry it");
            return cbor::decode(it->second).as_bytes();
        }
        return std::nullopt;
    }

    [[noreturn]] void fail(ReportReason reason, int code, std::string message, Value properties = Value::map()) {
        Record r{section_, offset_, current_, command_, std::move(properties)};
        throw Abort{reason, code, std::move(message), std::move(r)};
    }

    const Value* param(std::int64_t id) const {
        auto it = params_[current_].find(id);
        return it == params_[current_].end() ? nullptr : &it->second;
    }
    const Value& need(std::int64_t id) {
        const Value* v = param(id);
        if (!v) {
            auto n = name_of(Space::parameter, id);
            fail(ReportReason::operation_failed, code_operation,
                 command_name(command_) + " needs parameter " + (n ? std::string(*n) : std::to_string(id)) + ", which is not set");
        }
        return *v;
    }
    std::string name() const { return component_file_name(env_.manifest.components[current_]); }
    Bytes& content() { return components_[name()]; }

    // Runs one command sequence. Returns false when a condition failed under soft failure.
    bool run_sequence(ByteView bytes, bool soft) {
        // try-each and run-sequence nest bstr-wrapped sequences; each level is a fresh decode, so
        // the CBOR depth limit does not bound them: this does.
        struct Depth {
            int& d;
            explicit Depth(int& x) : d(++x) {}
            ~Depth() { --d; }
        } depth(depth_);
        if (depth_ > max_depth)
            fail(ReportReason::operation_failed, code_manifest,
                 "command sequences nested deeper than " + std::to_string(max_depth) + " levels");
        Value seq;
        try {
            seq = cbor::decode(bytes);
        } catch (const Error& e) {
            fail(ReportReason::cbor_parse, code_manifest, std::string("command sequence: ") + e.what());
        }
        if (!seq.is_array() || seq.as_array().size() % 2)
            fail(ReportReason::cbor_parse, code_manifest, "a command sequence is not an even-length array");
        const auto& items = seq.as_array();
        for (std::size_t i = 0; i < items.size(); i += 2) {
            if (!items[i].is_int()) fail(ReportReason::cbor_parse, code_manifest, "a command number is not an integer");
            command_ = items[i].as_int();
            offset_ = items[i].span() ? items[i].span()->offset : 0;
            if (!step(command_, items[i + 1], soft)) return false;
        }
        return true;
    }

    // Returns false when a condition failed and soft failure is on.
    bool step(std::int64_t id, const Value& arg, bool& soft) {
        switch (id) {
            case cmd::set_index: select(arg); return true;
            case cmd::override_params:
            case cmd::set_params:
                if (!arg.is_map()) fail(ReportReason::cbor_parse, code_manifest, command_name(id) + ": expected a map");
                for (std::size_t c : selected_) {
                    for (const auto& [k, v] : arg.as_map()) {
                        if (!k.is_int()) fail(ReportReason::parameter_unsupported, code_manifest, "a parameter key is not an integer");
                        if (id == cmd::set_params && params_[c].count(k.as_int())) continue;
                        params_[c][k.as_int()] = v;
                        if (k.as_int() == par::soft_failure && v.is_bool()) soft = v.as_bool();
                    }
                }
                return true;
            case cmd::try_each: {
                if (try_each(arg)) return true;
                // No branch matched: a failed condition of the enclosing sequence.
                Record r{section_, offset_, current_, id, Value::map()};
                if (soft) {
                    result_.records.push_back(r);
                    return false;
                }
                throw Abort{ReportReason::condition_failed, code_condition, "try-each: no sequence matched this device", r};
            }
            case cmd::run_sequence: {
                if (!arg.is_bytes()) fail(ReportReason::cbor_parse, code_manifest, "run-sequence: expected a bstr-wrapped sequence");
                // A condition that fails under soft failure inside ends only that sequence.
                auto saved = std::make_pair(offset_, command_);
                run_sequence(arg.as_bytes(), false);
                std::tie(offset_, command_) = saved;
                return true;
            }
            default: break;
        }
        for (std::size_t c : selected_) {
            current_ = c;
            std::optional<std::pair<std::string, Value>> failed = execute(id, arg);
            if (failed) {
                Record r{section_, offset_, current_, id, failed->second};
                if (soft) {
                    result_.records.push_back(r);
                    return false;
                }
                throw Abort{ReportReason::condition_failed, code_condition, failed->first, r};
            }
        }
        return true;
    }

    bool try_each(const Value& arg) {
        if (!arg.is_array()) fail(ReportReason::cbor_parse, code_manifest, "try-each: expected an array of sequences");
        auto saved = std::make_pair(offset_, command_);
        for (const auto& branch : arg.as_array()) {
            if (branch.is_null()) return true;
            if (!branch.is_bytes()) fail(ReportReason::cbor_parse, code_manifest, "try-each: a branch is not a bstr-wrapped sequence");
            bool ok = run_sequence(branch.as_bytes(), true);
            std::tie(offset_, command_) = saved;
            if (ok) return true;
        }
        return false;
    }

    void select(const Value& arg) {
        std::size_t n = env_.manifest.components.size();
        selected_.clear();
        if (arg.is_bool() && arg.as_bool()) {
            for (std::size_t i = 0; i < n; ++i) selected_.push_back(i);
        } else if (arg.is_uint()) {
            selected_.push_back(static_cast<std::size_t>(arg.as_uint()));
        } else if (arg.is_array()) {
            for (const auto& v : arg.as_array()) {
                if (!v.is_uint()) fail(ReportReason::cbor_parse, code_manifest, "set-component-index: expected uints");
                selected_.push_back(static_cast<std::size_t>(v.as_uint()));
            }
        } else {
            fail(ReportReason::cbor_parse, code_manifest, "set-component-index: expected uint, true or [+ uint]");
        }
        for (std::size_t i : selected_)
            if (i >= n)
                fail(ReportReason::component_unsupported, code_component,
                     "set-component-index: component " + std::to_string(i) + " does not exist (the manifest has " +
                         std::to_string(n) + ")");
        current_ = selected_.empty() ? 0 : selected_.front();
    }

    using Failed = std::optional<std::pair<std::string, Value>>;
    static Failed condition(bool holds, std::string message, Value measured) {
        if (holds) return std::nullopt;
        return std::make_pair(std::move(message), std::move(measured));
    }
    static Value measured(std::int64_t p, Value v) { return Value::map({{Value::integer(p), std::move(v)}}); }

    Failed execute(std::int64_t id, const Value& arg) {
        (void)arg;
        const DeviceIdentity& me = dev_.identity;
        switch (id) {
            case cmd::vendor: {
                const Value& want = need(par::vendor);
                return condition(want.is_bytes() && want.as_bytes() == me.vendor_id,
                                 "vendor-identifier does not match this device (" + format_uuid(me.vendor_id) + ")",
                                 measured(par::vendor, Value::bytes(me.vendor_id)));
            }
            case cmd::clazz: {
                const Value& want = need(par::clazz);
                return condition(want.is_bytes() && want.as_bytes() == me.class_id,
                                 "class-identifier does not match this device (" + format_uuid(me.class_id) + ")",
                                 measured(par::clazz, Value::bytes(me.class_id)));
            }
            case cmd::device_id: {
                const Value& want = need(par::device_id);
                bool ok = me.device_id && want.is_bytes() && want.as_bytes() == *me.device_id;
                return condition(ok, "device-identifier does not match this device",
                                 measured(par::device_id, me.device_id ? Value::bytes(*me.device_id) : Value::null()));
            }
            case cmd::image_match:
            case cmd::image_not_match: {
                auto [match, actual, why] = image_matches();
                bool ok = id == cmd::image_match ? match : !match;
                return condition(ok, id == cmd::image_match ? "image-match failed for component " + name() + ": " + why
                                                            : "image-not-match: component " + name() + " already holds the image",
                                 measured(par::digest, std::move(actual)));
            }
            case cmd::slot: {
                const Value& want = need(par::slot);
                return condition(want.is_uint() && want.as_uint() == dev_.slot,
                                 "component-slot: the device uses slot " + std::to_string(dev_.slot),
                                 measured(par::slot, Value::uint(dev_.slot)));
            }
            case cmd::check_content: {
                const Value& want = need(par::content);
                return condition(want.is_bytes() && want.as_bytes() == content(), "check-content: component " + name() + " differs",
                                 Value::map());
            }
            case cmd::abort: return condition(false, "abort", Value::map());
            case cmd::fetch: content() = fetch(); result_.written.push_back(name()); return std::nullopt;
            case cmd::write: {
                const Value& data = need(par::content);
                if (!data.is_bytes()) fail(ReportReason::operation_failed, code_operation, "write: parameter content is not a bstr");
                content() = decrypt_if_needed(data.as_bytes());
                result_.written.push_back(name());
                return std::nullopt;
            }
            case cmd::copy:
            case cmd::swap: {
                const Value& src = need(par::source);
                if (!src.is_uint() || src.as_uint() >= env_.manifest.components.size())
                    fail(ReportReason::component_unsupported, code_component, command_name(id) + ": source-component does not exist");
                std::string from = component_file_name(env_.manifest.components[src.as_uint()]);
                if (!components_.count(from))
                    fail(ReportReason::operation_failed, code_operation, command_name(id) + ": component " + from + " is empty");
                if (id == cmd::copy) {
                    Bytes data = components_[from];
                    content() = decrypt_if_needed(data);
                } else {
                    std::swap(components_[from], content());
                    result_.written.push_back(from);
                }
                result_.written.push_back(name());
                return std::nullopt;
            }
            case cmd::invoke:
                if (!components_.count(name()))
                    fail(ReportReason::operation_failed, code_operation, "invoke: component " + name() + " is empty");
                result_.invoked.push_back(name());
                return std::nullopt;
            default:
                fail(ReportReason::command_unsupported, code_unsupported, command_name(id) + " is not supported by this device");
        }
    }

    std::tuple<bool, Value, std::string> image_matches() {
        const Value& dv = need(par::digest);
        if (!dv.is_bytes()) fail(ReportReason::operation_failed, code_operation, "image-digest is not a bstr-wrapped SUIT_Digest");
        Digest want;
        try {
            want = Digest::from_value(cbor::decode(dv.as_bytes()), "image-digest");
        } catch (const Error& e) {
            fail(ReportReason::cbor_parse, code_manifest, e.what());
        }
        auto it = components_.find(name());
        if (it == components_.end()) return {false, Value::null(), "the component is empty"};
        std::optional<Bytes> got = compute_digest(want.algorithm, it->second);
        if (!got) fail(ReportReason::alg_unsupported, code_unsupported, "image-digest algorithm " + std::to_string(want.algorithm) + " is not supported");
        Value actual = Value::bytes(cbor::encode(Digest{want.algorithm, *got}.to_value()));
        if (const Value* size = param(par::image_size); size && size->is_uint() && size->as_uint() != it->second.size())
            return {false, actual, "size " + std::to_string(it->second.size()) + ", expected " + std::to_string(size->as_uint())};
        if (*got != want.bytes) return {false, actual, "digest " + hex_encode(*got) + ", expected " + hex_encode(want.bytes)};
        return {true, actual, ""};
    }

    Bytes fetch() {
        const Value& uri = need(par::uri);
        if (!uri.is_text()) fail(ReportReason::operation_failed, code_operation, "fetch: parameter uri is not text");
        const std::string& u = uri.as_text();
        if (!u.empty() && u[0] == '#') {
            auto it = env_.integrated_payloads.find(u);
            if (it == env_.integrated_payloads.end())
                fail(ReportReason::operation_failed, code_operation, "fetch: the envelope has no integrated payload \"" + u + "\"");
            return it->second;
        }
        if (!options_.fetch) fail(ReportReason::operation_failed, code_operation, "fetch: this run fetches only integrated payloads");
        try {
            if (u.rfind("file://", 0) == 0) return read_file(u.substr(7));
            if (u.rfind("file:", 0) == 0) return read_file(u.substr(5));
            if (u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0) {
                crypto::HttpOptions http;
                http.ca_file = options_.https_ca_file;
                http.follow_redirects = true;
                return crypto::http_fetch(u, http);
            }
        } catch (const Error& e) {
            fail(ReportReason::operation_failed, code_operation, std::string("fetch: ") + e.what());
        }
        fail(ReportReason::operation_failed, code_operation,
             "fetch: cannot fetch " + u + " (this device fetches file:, http: and https: URIs and integrated payloads)");
    }

    Bytes decrypt_if_needed(const Bytes& data) {
        const Value* info = param(par::encryption);
        if (!info) return data;
        if (!info->is_bytes()) fail(ReportReason::cbor_parse, code_manifest, "encryption-info is not a bstr");
        if (dev_.keys.empty())
            fail(ReportReason::operation_failed, code_decrypt, "the payload is encrypted and the device has no decryption key");
        try {
            return decrypt_payload(info->as_bytes(), data, dev_.keys);
        } catch (const Error& e) {
            fail(e.kind() == ErrorKind::malformed ? ReportReason::cose_unsupported : ReportReason::operation_failed, code_decrypt,
                 std::string("decryption failed: ") + e.what());
        }
    }

    const Envelope& env_;
    const Device& dev_;
    const ApplyOptions& options_;
    ApplyResult& result_;
    std::map<std::string, Bytes> components_;
    std::optional<Bytes> shared_;
    std::vector<std::map<std::int64_t, Value>> params_;
    std::vector<std::size_t> selected_{0};
    std::size_t current_ = 0;
    std::int64_t section_ = 0;
    std::uint64_t offset_ = 0;
    std::int64_t command_ = 0;
    int depth_ = 0;
    static constexpr int max_depth = 16;
};

Value record_value(const Record& r) {
    return Value::array({Value::array(), Value::integer(r.section), Value::uint(r.offset), Value::uint(r.component_index),
                         r.properties});
}

Bytes encode_report(const Envelope& env, const ApplyResult& r) {
    Value records = Value::array();
    for (const auto& rec : r.records) records.as_array().push_back(record_value(rec));
    Value result = Value::boolean(true);
    if (!r.ok)
        result = Value::map({{Value::uint(5), Value::integer(r.code)},
                             {Value::uint(6), record_value(r.failed.value_or(Record{}))},
                             {Value::uint(7), Value::uint(static_cast<std::uint64_t>(r.reason))}});
    Value reference = Value::array({Value::text(env.manifest.reference_uri.value_or("")), env.digest.to_value()});
    return cbor::encode(Value::map({{Value::uint(99), reference}, {Value::uint(3), records}, {Value::uint(4), result}}));
}

nlohmann::json record_json(const Record& r) {
    // section 0: refused before any command sequence ran (authentication, rollback)
    return {{"section", r.section ? nlohmann::json(section_name(r.section)) : nlohmann::json()}, {"offset", r.offset}, {"component-index", r.component_index},
            {"command", r.command ? nlohmann::json(command_name(r.command)) : nlohmann::json()},
            {"properties", cbor::diagnostic(r.properties)}};
}

}  // namespace

std::string reason_name(ReportReason r) {
    static const char* names[] = {"ok", "cbor-parse", "cose-unsupported", "alg-unsupported", "unauthorised",
                                  "command-unsupported", "component-unsupported", "component-unauthorised",
                                  "parameter-unsupported", "severing-unsupported", "condition-failed", "operation-failed",
                                  "invoke-pending"};
    auto i = static_cast<std::size_t>(r);
    return i < std::size(names) ? names[i] : std::to_string(i);
}

nlohmann::json ApplyResult::to_json() const {
    nlohmann::json j;
    j["result"] = ok ? "installed" : "refused";
    j["manifest-sequence-number"] = sequence_number;
    j["previous-sequence-number"] = previous_sequence_number ? nlohmann::json(*previous_sequence_number) : nlohmann::json();
    j["sections"] = nlohmann::json::array();
    for (auto s : sections_run) j["sections"].push_back(section_name(s));
    j["written"] = written;
    j["invoked"] = invoked;
    j["records"] = nlohmann::json::array();
    for (const auto& r : records) j["records"].push_back(record_json(r));
    if (!ok) {
        j["reason"] = reason_name(reason);
        j["message"] = message;
        if (failed) j["failed"] = record_json(*failed);
    }
    return j;
}

namespace {

void record_abort(ApplyResult& result, const Abort& a) {
    result.ok = false;
    result.reason = a.reason;
    result.code = a.code;
    result.message = a.message;
    result.failed = a.record;
}

// The checks before any command runs: authentication and anti-rollback.
std::optional<Abort> admit(const Envelope& envelope, const Device& device) {
    if (device.anchors.empty())
        return Abort{ReportReason::unauthorised, code_unauthorised, "the device has no trust anchor (DEVICE/trust/ is empty)", {}};
    VerifyReport v = verify(envelope, device.anchors);
    if (!v.ok()) {
        std::string why;
        for (const auto& c : v.checks)
            if (!c.ok) {
                why = c.name + ": " + c.message;
                break;
            }
        return Abort{ReportReason::unauthorised, code_unauthorised,
                     "the envelope does not verify with the device's trust anchors (" + why + ")", {}};
    }
    if (device.sequence_number && envelope.manifest.sequence_number <= *device.sequence_number)
        return Abort{ReportReason::condition_failed, code_rollback,
                     "rollback: manifest-sequence-number " + std::to_string(envelope.manifest.sequence_number) +
                         " is not above the device's " + std::to_string(*device.sequence_number),
                     {}};
    return std::nullopt;
}

}  // namespace

ApplyResult process(const Envelope& envelope, Device& device, const ApplyOptions& options) {
    ApplyResult result;
    result.previous_sequence_number = device.sequence_number;
    result.sequence_number = envelope.manifest.sequence_number;
    Processor p(envelope, device, options, result);
    try {
        if (envelope.manifest.version != 1)
            throw Abort{ReportReason::cbor_parse, code_manifest,
                        "manifest-version " + std::to_string(envelope.manifest.version) + " is not 1", {}};
        p.run();
        result.ok = true;
    } catch (const Abort& a) {
        record_abort(result, a);
    }
    result.report = encode_report(envelope, result);
    if (result.ok) {
        device.components = p.components();
        device.sequence_number = envelope.manifest.sequence_number;
        if (!device.state.contains("invoked") || !device.state["invoked"].is_array())
            device.state["invoked"] = nlohmann::json::array();
        for (const auto& c : result.invoked)
            device.state["invoked"].push_back(
                {{"component", c}, {"manifest-sequence-number", envelope.manifest.sequence_number}});
    }
    return result;
}

ApplyResult apply(const Envelope& envelope, Device& device, const ApplyOptions& options) {
    if (std::optional<Abort> refused = admit(envelope, device)) {
        ApplyResult result;
        result.previous_sequence_number = device.sequence_number;
        result.sequence_number = envelope.manifest.sequence_number;
        record_abort(result, *refused);
        result.report = encode_report(envelope, result);
        return result;
    }
    ApplyResult result = process(envelope, device, options);
    if (result.ok) device.commit();
    return result;
}

}  // namespace iotops::suit
