// CBOR (RFC 8949): a value model that remembers where each decoded item came from,
// a deterministic encoder (section 4.2.1) and diagnostic notation.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "iotops/core/bytes.hpp"

namespace iotops::cbor {

enum class Type { unsigned_int, negative_int, bytes, text, array, map, tag, simple, floating };

// Where an item sits in the buffer it was decoded from: [offset, offset + length), header included.
// For an indefinite-length item the span runs from its head to its break byte (0xff) inclusive.
struct Span {
    std::size_t offset = 0;
    std::size_t length = 0;
};

class Value;
using Array = std::vector<Value>;
using Map = std::vector<std::pair<Value, Value>>;  // in decoded (or insertion) order

class Value {
public:
    Value();  // null
    static Value uint(std::uint64_t v);
    static Value integer(std::int64_t v);  // negative values become negative_int
    // A negative integer -1 - n for the whole range CBOR allows.
    static Value negative(std::uint64_t n);
    static Value bytes(Bytes v);
    static Value text(std::string v);
    static Value array(Array v = {});
    static Value map(Map v = {});
    static Value tag(std::uint64_t number, Value content);
    static Value boolean(bool v);
    static Value null();
    static Value undefined();
    static Value simple(std::uint8_t v);  // 20/21/22 give false/true/null; 24..31 throw (reserved)
    static Value floating(double v);

    Type type() const;
    bool is_uint() const;
    bool is_int() const;  // unsigned or negative
    bool is_bytes() const;
    bool is_text() const;
    bool is_array() const;
    bool is_map() const;
    bool is_tag() const;
    bool is_bool() const;
    bool is_null() const;
    bool is_undefined() const;
    bool is_float() const;

    // Accessors throw Error(malformed) naming the expected and actual type.
    std::uint64_t as_uint() const;
    std::int64_t as_int() const;            // throws when out of int64 range
    std::uint64_t negative_argument() const;  // n for the value -1 - n
    const Bytes& as_bytes() const;
    const std::string& as_text() const;
    const Array& as_array() const;
    Array& as_array();
    const Map& as_map() const;
    Map& as_map();
    std::uint64_t tag_number() const;
    const Value& tag_content() const;
    bool as_bool() const;
    std::uint8_t simple_value() const;
    double as_float() const;

    // Map lookup by integer or text key; nullptr when absent or not a map.
    const Value* find(std::int64_t key) const;
    const Value* find(std::string_view key) const;
    // Map insertion (appends; replaces an existing equal key).
    void set(Value key, Value value);

    // Span in the decoded buffer; nullopt for values built in code.
    std::optional<Span> span() const;
    void set_span(Span s);
    // Bytes of the item as originally encoded: a view into `source` (the buffer it was decoded from).
    ByteView original_bytes(ByteView source) const;

    bool operator==(const Value& other) const;  // structural, ignores spans and float width

    // Implementation detail: the representation.
    struct TagBox;
    using Repr = std::variant<std::monostate /*null*/, std::uint64_t, std::pair<bool, std::uint64_t> /*negative*/,
                              Bytes, std::string, Array, Map, std::shared_ptr<TagBox>, bool,
                              std::uint8_t /*simple*/, double>;

private:
    Repr repr_;
    std::optional<Span> span_;
};

struct Value::TagBox {
    std::uint64_t number;
    Value content;
};

struct Limits {
    std::size_t max_depth = 64;
    std::size_t max_size = 64u << 20;  // bytes of input
    std::size_t max_items = 1u << 22;  // items in one decode
    // Maps with two equal keys are not valid CBOR (RFC 8949 section 5.6) and make protocols such
    // as COSE ambiguous; they are refused unless this is false.
    bool reject_duplicate_keys = true;
};

// Decodes exactly one item occupying the whole buffer. Errors (Error kind malformed) say at
// which byte offset and why: truncated, trailing bytes, too deep, indefinite length not allowed...
// Indefinite-length items are accepted and decoded to definite ones. Text strings must be valid
// UTF-8; maps with duplicate keys are refused (see Limits). Nesting is handled without recursion.
Value decode(ByteView data, const Limits& limits = {});
// Decodes one item from the front of data; sets consumed. For CBOR sequences (RFC 8742).
Value decode_prefix(ByteView data, std::size_t& consumed, const Limits& limits = {});
std::vector<Value> decode_sequence(ByteView data, const Limits& limits = {});

// Deterministic encoding (RFC 8949 section 4.2.1): shortest heads, definite lengths, map keys
// sorted by their encoded bytes, floats in the shortest form that keeps the value.
Bytes encode(const Value& v);
void encode_to(const Value& v, Bytes& out);
// Encoding that keeps map order as given (some artifacts are signed in a fixed, non-sorted order).
Bytes encode_preserving_order(const Value& v);

// Diagnostic notation (RFC 8949 section 8), e.g. 18([h'a10126', {}, h'', h'..']).
// With pretty, nested containers are indented.
std::string diagnostic(const Value& v, bool pretty = false);

struct DiagnosticOptions {
    bool pretty = false;         // indent nested containers by two spaces per level
    bool embedded_cbor = false;  // show a byte string that holds one whole CBOR item as <<item>>
};
std::string diagnostic(const Value& v, const DiagnosticOptions& options);

}  // namespace iotops::cbor
