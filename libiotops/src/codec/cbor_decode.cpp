// CBOR decoding on libcbor's streaming decoder. libcbor reports one head (and, for definite
// strings, its content) per call; the offset before each call is the item's start, so every
// Value gets its exact span. Nesting is kept on an explicit stack, never by recursion.
#include <cbor.h>

#include <algorithm>
#include <vector>

#include "codec/cbor_head.hpp"
#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"

namespace iotops::cbor {
namespace {

using detail::fail_at;

// What libcbor told us about one head.
struct Event {
    enum Kind { none, uint, negint, bytes, text, bytes_start, text_start, array, array_indef, map, map_indef,
                floating, boolean, null, undefined, brk } kind = none;
    std::uint64_t number = 0;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    double real = 0;
    bool flag = false;
};

Event& ev(void* ctx) { return *static_cast<Event*>(ctx); }

const cbor_callbacks& callbacks() {
    static const cbor_callbacks cb = [] {
        cbor_callbacks c = cbor_empty_callbacks;
        c.uint8 = [](void* x, uint8_t v) { ev(x) = {Event::uint, v}; };
        c.uint16 = [](void* x, uint16_t v) { ev(x) = {Event::uint, v}; };
        c.uint32 = [](void* x, uint32_t v) { ev(x) = {Event::uint, v}; };
        c.uint64 = [](void* x, uint64_t v) { ev(x) = {Event::uint, v}; };
        c.negint8 = [](void* x, uint8_t v) { ev(x) = {Event::negint, v}; };
        c.negint16 = [](void* x, uint16_t v) { ev(x) = {Event::negint, v}; };
        c.negint32 = [](void* x, uint32_t v) { ev(x) = {Event::negint, v}; };
        c.negint64 = [](void* x, uint64_t v) { ev(x) = {Event::negint, v}; };
        c.byte_string = [](void* x, cbor_data d, size_t n) { ev(x) = {Event::bytes, 0, d, n}; };
        c.byte_string_start = [](void* x) { ev(x) = {Event::bytes_start}; };
        c.string = [](void* x, cbor_data d, size_t n) { ev(x) = {Event::text, 0, d, n}; };
        c.string_start = [](void* x) { ev(x) = {Event::text_start}; };
        c.array_start = [](void* x, size_t n) { ev(x) = {Event::array, n}; };
        c.indef_array_start = [](void* x) { ev(x) = {Event::array_indef}; };
        c.map_start = [](void* x, size_t n) { ev(x) = {Event::map, n}; };
        c.indef_map_start = [](void* x) { ev(x) = {Event::map_indef}; };
        c.float2 = [](void* x, float v) { ev(x) = {Event::floating, 0, nullptr, 0, v}; };
        c.float4 = [](void* x, float v) { ev(x) = {Event::floating, 0, nullptr, 0, v}; };
        c.float8 = [](void* x, double v) { ev(x) = {Event::floating, 0, nullptr, 0, v}; };
        c.boolean = [](void* x, bool v) { ev(x) = {Event::boolean, 0, nullptr, 0, 0, v}; };
        c.null = [](void* x) { ev(x) = {Event::null}; };
        c.undefined = [](void* x) { ev(x) = {Event::undefined}; };
        c.indef_break = [](void* x) { ev(x) = {Event::brk}; };
        return c;
    }();
    return cb;
}

// A container (or tag, or indefinite string) still waiting for its content.
struct Frame {
    enum Kind { array, map, tag, bytes, text } kind;
    bool indefinite;
    std::uint64_t remaining;  // items still expected (maps count keys and values) when definite
    std::size_t start;
    Value value;
    std::optional<Value> key;  // a map key waiting for its value
    std::uint64_t tag_number = 0;
    std::string chunks;        // content of an indefinite string so far
};

class Decoder {
public:
    Decoder(ByteView data, const Limits& limits) : data_(data), limits_(limits) {
        if (data.size() > limits.max_size)
            throw_malformed("cbor: input of " + std::to_string(data.size()) + " bytes exceeds the limit of " +
                            std::to_string(limits.max_size));
    }

    Value item_at(std::size_t pos, std::size_t& end) {
        pos_ = pos;
        stack_.clear();
        std::optional<Value> done;
        while (!done) done = step();
        end = pos_;
        return std::move(*done);
    }

private:
    // Reads one head; returns the finished top-level item once there is one.
    std::optional<Value> step() {
        const std::size_t at = pos_;
        detail::Head h = detail::read_head(data_, at);
        if (++items_ > limits_.max_items)
            fail_at(at, "more than " + std::to_string(limits_.max_items) + " items");
        if (!stack_.empty() && (stack_.back().kind == Frame::bytes || stack_.back().kind == Frame::text)) {
            std::uint8_t want = stack_.back().kind == Frame::bytes ? 2 : 3;
            if (!(h.major == 7 && h.indefinite) && (h.major != want || h.indefinite))
                fail_at(at, "chunk of an indefinite-length string must be a definite string of the same type");
        }
        if (h.major == 7 && !h.indefinite && (h.info < 20 || h.info == 24)) {
            // Simple values other than false/true/null/undefined: libcbor 0.8 has no callback for them.
            pos_ = at + h.length;
            return finish(at, Value::simple(static_cast<std::uint8_t>(h.argument)));
        }
        if (h.major == 6) {
            // libcbor 0.8 rejects tag numbers 6..20 (COSE_Sign1 is 18), so tags are taken from the head.
            pos_ = at + h.length;
            auto r = open(at, Frame::tag, false, 1);
            stack_.back().tag_number = h.argument;
            return r;
        }
        Event e;
        cbor_decoder_result r = cbor_stream_decode(data_.data() + at, data_.size() - at, &callbacks(), &e);
        if (r.status == CBOR_DECODER_NEDATA) fail_at(at, "truncated: item needs more bytes");
        if (r.status != CBOR_DECODER_FINISHED || e.kind == Event::none || r.read == 0)
            fail_at(at, "invalid data item");
        pos_ = at + r.read;
        switch (e.kind) {
            case Event::uint: return finish(at, Value::uint(e.number));
            case Event::negint: return finish(at, Value::negative(e.number));
            case Event::bytes:
                return finish(at, Value::bytes(Bytes(e.data, e.data + e.size)));
            case Event::text:
                if (!valid_utf8(std::string_view(reinterpret_cast<const char*>(e.data), e.size))) fail_at(at, "invalid utf-8 in text string");
                return finish(at, Value::text(std::string(reinterpret_cast<const char*>(e.data), e.size)));
            case Event::bytes_start: return open(at, Frame::bytes, true, 0);
            case Event::text_start: return open(at, Frame::text, true, 0);
            case Event::array: return open(at, Frame::array, false, h.argument);
            case Event::array_indef: return open(at, Frame::array, true, 0);
            case Event::map:
                if (h.argument > UINT64_MAX / 2) fail_at(at, "map length too large");
                return open(at, Frame::map, false, h.argument * 2);
            case Event::map_indef: return open(at, Frame::map, true, 0);
            case Event::floating: return finish(at, Value::floating(e.real));
            case Event::boolean: return finish(at, Value::boolean(e.flag));
            case Event::null: return finish(at, Value::null());
            case Event::undefined: return finish(at, Value::undefined());
            case Event::brk: return close_indefinite(at);
            case Event::none: break;
        }
        fail_at(at, "invalid data item");
    }

    std::optional<Value> open(std::size_t at, Frame::Kind kind, bool indefinite, std::uint64_t count) {
        if (stack_.size() >= limits_.max_depth)
            fail_at(at, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
        Frame f{kind, indefinite, count, at, Value(), std::nullopt};
        if (kind == Frame::array) f.value = Value::array();
        if (kind == Frame::map) f.value = Value::map();
        // Declared counts are not trusted for allocation: each element needs at least one byte.
        if (kind == Frame::array && !indefinite)
            f.value.as_array().reserve(std::min<std::uint64_t>(count, data_.size() - pos_));
        if (!indefinite && kind != Frame::tag && count > data_.size() - pos_)
            fail_at(at, "truncated: container declares " + std::to_string(count) + " items, " +
                            std::to_string(data_.size() - pos_) + " bytes remain");
        stack_.push_back(std::move(f));
        if (!indefinite && count == 0) return complete_top(pos_);
        return std::nullopt;
    }

    std::optional<Value> close_indefinite(std::size_t at) {
        if (stack_.empty() || !stack_.back().indefinite) fail_at(at, "break outside an indefinite-length item");
        Frame& f = stack_.back();
        if (f.kind == Frame::map && f.key) fail_at(at, "map ends after a key without its value");
        if (f.kind == Frame::bytes) f.value = Value::bytes(Bytes(f.chunks.begin(), f.chunks.end()));
        if (f.kind == Frame::text) f.value = Value::text(std::move(f.chunks));
        return complete_top(pos_);
    }

    // Equal keys have equal deterministic encodings, so sorting those finds duplicates.
    void check_duplicate_keys(const Map& m) {
        if (m.size() < 2) return;
        std::vector<std::pair<Bytes, const Value*>> keys;
        keys.reserve(m.size());
        for (const auto& [k, v] : m) keys.emplace_back(encode(k), &k);
        std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 1; i < keys.size(); ++i) {
            if (keys[i].first != keys[i - 1].first) continue;
            const Value* later = keys[i].second->span()->offset > keys[i - 1].second->span()->offset
                                     ? keys[i].second : keys[i - 1].second;
            fail_at(later->span()->offset, "duplicate map key " + diagnostic(*later));
        }
    }

    // The top frame is complete: pop it and hand its value to the parent.
    std::optional<Value> complete_top(std::size_t end) {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.kind == Frame::map && limits_.reject_duplicate_keys) check_duplicate_keys(f.value.as_map());
        Value v = f.kind == Frame::tag ? Value::tag(f.tag_number, std::move(f.value)) : std::move(f.value);
        v.set_span({f.start, end - f.start});
        return attach(std::move(v));
    }

    std::optional<Value> finish(std::size_t at, Value v) {
        v.set_span({at, pos_ - at});
        return attach(std::move(v));
    }

    std::optional<Value> attach(Value v) {
        if (stack_.empty()) return v;
        Frame& f = stack_.back();
        switch (f.kind) {
            case Frame::bytes:
            case Frame::text: {
                if (v.is_bytes()) f.chunks.append(v.as_bytes().begin(), v.as_bytes().end());
                else f.chunks += v.as_text();
                return std::nullopt;
            }
            case Frame::array: f.value.as_array().push_back(std::move(v)); break;
            case Frame::map:
                if (f.key) {
                    f.value.as_map().emplace_back(std::move(*f.key), std::move(v));
                    f.key.reset();
                } else {
                    f.key = std::move(v);
                }
                break;
            case Frame::tag: f.value = std::move(v); break;
        }
        if (!f.indefinite && --f.remaining == 0) return complete_top(pos_);
        return std::nullopt;
    }

    ByteView data_;
    const Limits& limits_;
    std::size_t pos_ = 0;
    std::size_t items_ = 0;
    std::vector<Frame> stack_;
};

}  // namespace

Value decode_prefix(ByteView data, std::size_t& consumed, const Limits& limits) {
    Decoder d(data, limits);
    return d.item_at(0, consumed);
}

Value decode(ByteView data, const Limits& limits) {
    std::size_t end = 0;
    Value v = decode_prefix(data, end, limits);
    if (end != data.size())
        fail_at(end, std::to_string(data.size() - end) + " trailing bytes after the item");
    return v;
}

std::vector<Value> decode_sequence(ByteView data, const Limits& limits) {
    Decoder d(data, limits);
    std::vector<Value> out;
    std::size_t pos = 0;
    while (pos < data.size()) out.push_back(d.item_at(pos, pos));
    return out;
}

}  // namespace iotops::cbor
