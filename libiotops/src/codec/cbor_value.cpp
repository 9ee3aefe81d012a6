// The CBOR value model: construction, typed access, lookup and structural equality.
#include <cmath>
#include <limits>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cbor {
namespace {

// Simple values 20..23 have their own alternatives; these are the stored simple numbers.
constexpr std::uint8_t kUndefined = 23;

const char* type_name(const Value::Repr& r) {
    switch (r.index()) {
        case 0: return "null";
        case 1: return "unsigned integer";
        case 2: return "negative integer";
        case 3: return "byte string";
        case 4: return "text string";
        case 5: return "array";
        case 6: return "map";
        case 7: return "tag";
        case 8: return "boolean";
        case 9: return std::get<std::uint8_t>(r) == kUndefined ? "undefined" : "simple value";
        default: return "float";
    }
}

[[noreturn]] void wrong_type(const char* expected, const Value::Repr& r) {
    throw_malformed(std::string("cbor: expected ") + expected + ", got " + type_name(r));
}

bool same_float(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

bool maps_equal(const Map& a, const Map& b) {
    if (a.size() != b.size()) return false;
    bool in_order = true;
    for (std::size_t i = 0; i < a.size() && in_order; ++i)
        in_order = a[i].first == b[i].first && a[i].second == b[i].second;
    if (in_order) return true;
    // Order does not matter in a map: compare the deterministic encodings of both, which sort keys.
    return encode(Value::map(a)) == encode(Value::map(b));
}

}  // namespace

Value::Value() : repr_(std::monostate{}) {}

Value Value::uint(std::uint64_t v) { Value r; r.repr_ = v; return r; }
Value Value::integer(std::int64_t v) {
    if (v >= 0) return uint(static_cast<std::uint64_t>(v));
    return negative(static_cast<std::uint64_t>(-(v + 1)));
}
Value Value::negative(std::uint64_t n) { Value r; r.repr_ = std::pair<bool, std::uint64_t>{true, n}; return r; }
Value Value::bytes(Bytes v) { Value r; r.repr_ = std::move(v); return r; }
Value Value::text(std::string v) { Value r; r.repr_ = std::move(v); return r; }
Value Value::array(Array v) { Value r; r.repr_ = std::move(v); return r; }
Value Value::map(Map v) { Value r; r.repr_ = std::move(v); return r; }
Value Value::tag(std::uint64_t number, Value content) {
    Value r;
    r.repr_ = std::make_shared<TagBox>(TagBox{number, std::move(content)});
    return r;
}
Value Value::boolean(bool v) { Value r; r.repr_ = v; return r; }
Value Value::null() { return Value(); }
Value Value::undefined() { Value r; r.repr_ = kUndefined; return r; }
Value Value::simple(std::uint8_t v) {
    if (v == 20 || v == 21) return boolean(v == 21);
    if (v == 22) return null();
    if (v >= 24 && v < 32) throw_malformed("cbor: simple value " + std::to_string(v) + " is reserved");
    Value r;
    r.repr_ = v;
    return r;
}
Value Value::floating(double v) { Value r; r.repr_ = v; return r; }

Type Value::type() const {
    switch (repr_.index()) {
        case 1: return Type::unsigned_int;
        case 2: return Type::negative_int;
        case 3: return Type::bytes;
        case 4: return Type::text;
        case 5: return Type::array;
        case 6: return Type::map;
        case 7: return Type::tag;
        case 10: return Type::floating;
        default: return Type::simple;  // null, booleans, undefined, other simple values
    }
}

bool Value::is_uint() const { return std::holds_alternative<std::uint64_t>(repr_); }
bool Value::is_int() const { return is_uint() || std::holds_alternative<std::pair<bool, std::uint64_t>>(repr_); }
bool Value::is_bytes() const { return std::holds_alternative<Bytes>(repr_); }
bool Value::is_text() const { return std::holds_alternative<std::string>(repr_); }
bool Value::is_array() const { return std::holds_alternative<Array>(repr_); }
bool Value::is_map() const { return std::holds_alternative<Map>(repr_); }
bool Value::is_tag() const { return std::holds_alternative<std::shared_ptr<TagBox>>(repr_); }
bool Value::is_bool() const { return std::holds_alternative<bool>(repr_); }
bool Value::is_null() const { return std::holds_alternative<std::monostate>(repr_); }
bool Value::is_undefined() const {
    auto* s = std::get_if<std::uint8_t>(&repr_);
    return s && *s == kUndefined;
}
bool Value::is_float() const { return std::holds_alternative<double>(repr_); }

std::uint64_t Value::as_uint() const {
    if (!is_uint()) wrong_type("unsigned integer", repr_);
    return std::get<std::uint64_t>(repr_);
}
std::int64_t Value::as_int() const {
    constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (is_uint()) {
        auto v = std::get<std::uint64_t>(repr_);
        if (v > max) throw_malformed("cbor: integer " + std::to_string(v) + " is out of range");
        return static_cast<std::int64_t>(v);
    }
    auto n = negative_argument();
    if (n > max) throw_malformed("cbor: integer -1-" + std::to_string(n) + " is out of range");
    return -1 - static_cast<std::int64_t>(n);
}
std::uint64_t Value::negative_argument() const {
    auto* p = std::get_if<std::pair<bool, std::uint64_t>>(&repr_);
    if (!p) wrong_type("negative integer", repr_);
    return p->second;
}
const Bytes& Value::as_bytes() const {
    if (!is_bytes()) wrong_type("byte string", repr_);
    return std::get<Bytes>(repr_);
}
const std::string& Value::as_text() const {
    if (!is_text()) wrong_type("text string", repr_);
    return std::get<std::string>(repr_);
}
const Array& Value::as_array() const {
    if (!is_array()) wrong_type("array", repr_);
    return std::get<Array>(repr_);
}
Array& Value::as_array() {
    if (!is_array()) wrong_type("array", repr_);
    return std::get<Array>(repr_);
}
const Map& Value::as_map() const {
    if (!is_map()) wrong_type("map", repr_);
    return std::get<Map>(repr_);
}
Map& Value::as_map() {
    if (!is_map()) wrong_type("map", repr_);
    return std::get<Map>(repr_);
}
std::uint64_t Value::tag_number() const {
    if (!is_tag()) wrong_type("tag", repr_);
    return std::get<std::shared_ptr<TagBox>>(repr_)->number;
}
const Value& Value::tag_content() const {
    if (!is_tag()) wrong_type("tag", repr_);
    return std::get<std::shared_ptr<TagBox>>(repr_)->content;
}
bool Value::as_bool() const {
    if (!is_bool()) wrong_type("boolean", repr_);
    return std::get<bool>(repr_);
}
std::uint8_t Value::simple_value() const {
    switch (repr_.index()) {
        case 0: return 22;
        case 8: return std::get<bool>(repr_) ? 21 : 20;
        case 9: return std::get<std::uint8_t>(repr_);
        default: wrong_type("simple value", repr_);
    }
}
double Value::as_float() const {
    if (!is_float()) wrong_type("float", repr_);
    return std::get<double>(repr_);
}

const Value* Value::find(std::int64_t key) const {
    auto* m = std::get_if<Map>(&repr_);
    if (!m) return nullptr;
    for (const auto& [k, v] : *m) {
        if (!k.is_int()) continue;
        if (key >= 0 ? (k.is_uint() && k.as_uint() == static_cast<std::uint64_t>(key))
                     : (!k.is_uint() && k.negative_argument() == static_cast<std::uint64_t>(-(key + 1))))
            return &v;
    }
    return nullptr;
}

const Value* Value::find(std::string_view key) const {
    auto* m = std::get_if<Map>(&repr_);
    if (!m) return nullptr;
    for (const auto& [k, v] : *m)
        if (k.is_text() && k.as_text() == key) return &v;
    return nullptr;
}

void Value::set(Value key, Value value) {
    auto& m = as_map();
    for (auto& [k, v] : m) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    m.emplace_back(std::move(key), std::move(value));
}

std::optional<Span> Value::span() const { return span_; }
void Value::set_span(Span s) { span_ = s; }

ByteView Value::original_bytes(ByteView source) const {
    if (!span_) throw_internal("cbor: value has no span (it was not decoded)");
    if (span_->offset > source.size() || span_->length > source.size() - span_->offset)
        throw_internal("cbor: span lies outside the given buffer");
    return source.subspan(span_->offset, span_->length);
}

bool Value::operator==(const Value& other) const {
    if (repr_.index() != other.repr_.index()) return false;
    switch (repr_.index()) {
        case 5: {
            const auto& a = std::get<Array>(repr_);
            const auto& b = std::get<Array>(other.repr_);
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!(a[i] == b[i])) return false;
            return true;
        }
        case 6: return maps_equal(std::get<Map>(repr_), std::get<Map>(other.repr_));
        case 7: {
            const auto& a = *std::get<std::shared_ptr<TagBox>>(repr_);
            const auto& b = *std::get<std::shared_ptr<TagBox>>(other.repr_);
            return a.number == b.number && a.content == b.content;
        }
        case 10: return same_float(std::get<double>(repr_), std::get<double>(other.repr_));
        default: return repr_ == other.repr_;
    }
}

}  // namespace iotops::cbor
