#include "iotops/codec/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "iotops/core/error.hpp"

namespace iotops::codec {
namespace {

// Hand-written files are small; the bounds stop a hostile document from exhausting the stack, or
// from expanding aliases exponentially ("billion laughs").
constexpr int max_depth = 64;
constexpr std::size_t max_nodes = 1u << 20;

template <class Json>
class Converter {
public:
    explicit Converter(std::string_view what) : what_(what) {}

    Json convert(const YAML::Node& n, int depth) {
        if (++nodes_ > max_nodes)
            throw_malformed(what_ + ": more than " + std::to_string(max_nodes) + " values (aliases expanded)");
        if (depth > max_depth) fail(n.Mark(), "nested more than 64 levels");
        switch (n.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return nullptr;
        case YAML::NodeType::Scalar: return scalar(n);
        case YAML::NodeType::Sequence: {
            auto out = Json::array();
            for (const auto& item : n) out.push_back(convert(item, depth + 1));
            return out;
        }
        case YAML::NodeType::Map: {
            auto out = Json::object();
            for (const auto& kv : n) {
                if (!kv.first.IsScalar()) fail(kv.first.Mark(), "a mapping key is not a plain name");
                const std::string& key = kv.first.Scalar();
                if (out.contains(key)) fail(kv.first.Mark(), "duplicate key \"" + key + "\"");
                out[key] = convert(kv.second, depth + 1);
            }
            return out;
        }
        }
        return nullptr;
    }

    [[noreturn]] void fail(const YAML::Mark& m, const std::string& why) const {
        throw_malformed(what_ + ": line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1) +
                        ": " + why);
    }

private:
    // YAML 1.2 core schema, restricted to what a description needs.
    Json scalar(const YAML::Node& n) const {
        const std::string& s = n.Scalar();
        if (n.Tag() != "?") return s;  // quoted ("!") or explicitly tagged: text
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
        const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
        const char* end = s.data() + s.size();
        bool integer = begin != end && s.find_first_not_of("+-0123456789") == std::string::npos;
        if (integer) {
            if (s[0] == '-') {
                std::int64_t v = 0;
                if (auto [p, ec] = std::from_chars(begin, end, v); ec == std::errc() && p == end) return v;
            } else {
                std::uint64_t v = 0;
                if (auto [p, ec] = std::from_chars(begin, end, v); ec == std::errc() && p == end) return v;
            }
            if (std::all_of(begin + (s[0] == '-'), end, [](char c) { return c >= '0' && c <= '9'; }))
                fail(n.Mark(), "integer " + s + " is out of range");
            return s;
        }
        double d = 0;
        if (auto [p, ec] = std::from_chars(begin, end, d); ec == std::errc() && p == end) return d;
        return s;
    }

    std::string what_;
    std::size_t nodes_ = 0;
};

template <class Json>
Json load(std::string_view text, std::string_view what) {
    Converter<Json> converter(what);
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
        converter.fail(e.mark, e.msg);
    }
    if (docs.size() > 1) throw_malformed(std::string(what) + ": more than one YAML document");
    return docs.empty() ? Json() : converter.convert(docs[0], 0);
}

}  // namespace

nlohmann::json parse_yaml(std::string_view text, std::string_view what) { return load<nlohmann::json>(text, what); }

nlohmann::ordered_json parse_yaml_ordered(std::string_view text, std::string_view what) {
    return load<nlohmann::ordered_json>(text, what);
}

}  // namespace iotops::codec
