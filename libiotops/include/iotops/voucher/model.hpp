// Vouchers and voucher-requests (RFC 8366bis) as YANG-JSON, and the artifact's own rules.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/check.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/core/bytes.hpp"
#include "iotops/core/time.hpp"

namespace iotops::voucher {

enum class Kind { voucher, voucher_request };

std::string_view kind_name(Kind k);       // "voucher", "voucher-request"
std::string_view top_level_name(Kind k);  // "ietf-voucher:voucher", "ietf-voucher-request:voucher"


class Voucher {
public:
    Voucher();  // an empty voucher
    // A YANG-JSON instance with exactly one top-level member naming the kind. Throws
    // Error(malformed) "voucher: ..." for anything else (leaf values are checked by check_rules).
    static Voucher from_json(nlohmann::json instance);
    // The inner object of a `kind` instance; Error(malformed) when it is not an object.
    static Voucher from_leaves(Kind kind, nlohmann::json leaves);
    static Voucher parse_json(ByteView text);
    // YANG-CBOR with SIDs (cBRSKI), through yang::Schema::voucher().
    static Voucher from_cbor(const cbor::Value& instance);
    static Voucher decode_cbor(ByteView data);

    Kind kind() const { return kind_; }
    const nlohmann::json& leaves() const { return instance_.front(); }  // the inner object
    const nlohmann::json& to_json() const { return instance_; }         // {"ietf-voucher:voucher": {...}}
    std::string dump() const;                                           // compact JSON text, as signed
    cbor::Value to_cbor() const;
    Bytes encode_cbor() const;  // deterministic YANG-CBOR, as signed

    // A text leaf, or nullopt when absent or not text.
    std::optional<std::string> text(std::string_view leaf) const;
    // A binary leaf decoded from base64 (either alphabet); nullopt when absent; Error(malformed) when not base64.
    std::optional<Bytes> binary(std::string_view leaf) const;

private:
    Voucher(Kind kind, nlohmann::json instance);  // instance: checked to be of kind
    Kind kind_ = Kind::voucher;
    // The instance as a whole, so that it is encoded and dumped without first being copied.
    nlohmann::json instance_;
};

struct RuleOptions {
    std::optional<Time> at;  // none: now
};

// The artifact's own rules, each a named check: "known-leaves", "leaf-types", "required-leaves",
// "nonce-length", "expires-on".
std::vector<Check> check_rules(const Voucher& v, const RuleOptions& options = {});

}  // namespace iotops::voucher
