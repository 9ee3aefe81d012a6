// YANG-CBOR (RFC 9254) with SID keys: a schema made of SID tables (name path <-> SID) and
// per-module type tables (path -> node kind and leaf type), and conversion between a YANG-JSON
// instance (RFC 7951) and its CBOR form with the container's absolute SID as the outer key and
// delta keys inside.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/codec/cbor.hpp"

namespace iotops::yang {

// One line of a SID file: namespace "module", "data", "identity" or "feature"; the identifier is a
// schema-node path such as "/ietf-voucher:voucher/assertion" for data items.
struct SidItem {
    std::uint64_t sid = 0;
    std::string ns;
    std::string identifier;
};

// Schema paths looked up as string views without building a key string. Hashed: paths share long
// prefixes ("/ietf-voucher:voucher/..."), which made an ordered map compare them byte by byte.
struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename T>
using PathMap = std::unordered_map<std::string, T, PathHash, std::equal_to<>>;

class SidTable {
public:
    // The text tables published with drafts (ietf-voucher-sid.txt):
    //   SID  Assigned to
    //   ---- ---------------------------------
    //   2450 module ietf-voucher
    //   2451 data   /ietf-voucher:voucher
    // Blank lines and the two header lines are skipped. Throws Error(malformed) "sid table: line N: why".
    static SidTable parse_text(std::string_view text);
    // An RFC 9595 ".sid" file: {"ietf-sid-file:sid-file": {"item": [{"namespace", "identifier", "sid"}]}}.
    static SidTable parse_json(const nlohmann::json& sid_file);

    // Adds an item; the same SID or data path assigned twice to different things throws.
    void add(SidItem item);
    std::optional<std::uint64_t> sid_of(std::string_view data_path) const;
    const std::string* path_of(std::uint64_t sid) const;  // data items only; nullptr when unknown
    const std::vector<SidItem>& items() const { return items_; }

private:
    std::vector<SidItem> items_;
    PathMap<std::uint64_t> by_path_;
    std::map<std::uint64_t, std::string> by_sid_;
};

enum class BaseType { string, binary, boolean, enumeration, int8, int16, int32, int64,
                      uint8, uint16, uint32, uint64, empty, union_ };

struct LeafType {
    BaseType base = BaseType::string;
    std::vector<std::pair<std::string, std::int64_t>> enums;  // enumeration: name and value
    std::vector<LeafType> members;                           // union: member types in order
};

enum class NodeKind { container, list, leaf, leaf_list };

struct Node {
    NodeKind kind = NodeKind::leaf;
    LeafType type;  // for leaf and leaf-list
};

// SIDs and node types for a set of modules.
class Schema {
public:
    void add_sids(const SidTable& table);
    // A type table, one node per line ('#' starts a comment):
    //   <path> container | list | leaf <type> | leaf-list <type>
    // where <type> is string, binary, boolean, int8..int64, uint8..uint64, empty,
    // "enumeration name=value ...", or "union <type> <type> ..." of simple types. Derived types
    // are written as their base: yang:date-and-time and inet:uri are string.
    // Throws Error(malformed) "yang type table: line N: why".
    void add_types(std::string_view table);
    void set_node(std::string path, Node node);

    const Node* node(std::string_view path) const;
    std::optional<std::uint64_t> sid_of(std::string_view data_path) const { return sids_.sid_of(data_path); }
    const std::string* path_of(std::uint64_t sid) const { return sids_.path_of(sid); }

    // ietf-voucher and ietf-voucher-request (RFC 8366bis): SID tables as published with the
    // draft and type tables written from its YANG modules.
    static const Schema& voucher();

private:
    SidTable sids_;
    PathMap<Node> nodes_;
};

// YANG-JSON (RFC 7951) instance to YANG-CBOR. Top-level members are module-qualified
// ("ietf-voucher:voucher") and keyed by absolute SID; members inside a container are keyed by
// SID delta, or by tag 47 holding the absolute SID when the member comes from another module
// (its JSON name is qualified). Leaves: binary base64 (either alphabet) -> byte string,
// enumeration name -> its integer, 64-bit integers as JSON strings or numbers -> integers,
// empty [null] -> null; strings (date-and-time, uri) stay text. Throws Error(malformed) naming
// the member path for unknown members and values of the wrong type.
// encode_cbor writes the deterministic encoding (RFC 8949 section 4.2.1) straight from the JSON,
// with no value tree in between; to_cbor is that encoding decoded.
Bytes encode_cbor(const nlohmann::json& instance, const Schema& schema);
cbor::Value to_cbor(const nlohmann::json& instance, const Schema& schema);

// The reverse. Keys may be absolute SIDs (top level), deltas, tag 47 with an absolute SID, or
// member names as text. Binary leaves become standard padded base64 (RFC 7951 section 6.6),
// 64-bit integers JSON strings, enumerations their names.
nlohmann::json to_json(const cbor::Value& instance, const Schema& schema);

}  // namespace iotops::yang
