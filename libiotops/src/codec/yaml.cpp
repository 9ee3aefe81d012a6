#include "iotops/codec/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <string>

#include "iotops/core/error.hpp"

namespace iotops::codec {
namespace {

// Hand-written files are small; the bounds stop a hostile document from exhausting the stack, or
// from expanding aliases exponentially ("billion laughs").
constexpr int max_depth = 64;
constexpr std::size_t max_nodes = 100000;

nlohmann::json scalar(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    if (n.Tag() != "?") return s;  // quoted ("!") or explicitly tagged: text
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    std::int64_t i = 0;
    const char* end = s.data() + s.size();
    if (auto [p, ec] = std::from_chars(s.data(), end, i); ec == std::errc() && p == end) return i;
    double d = 0;
    if (auto [p, ec] = std::from_chars(s.data(), end, d); ec == std::errc() && p == end) return d;
    return s;
}

nlohmann::json convert(const YAML::Node& n, int depth, std::string_view what, std::size_t& nodes) {
    if (depth > max_depth) throw_malformed(std::string(what) + ": nested more than 64 deep");
    if (++nodes > max_nodes) throw_malformed(std::string(what) + ": more than 100000 nodes (aliases expanded)");
    switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return scalar(n);
    case YAML::NodeType::Sequence: {
        auto out = nlohmann::json::array();
        for (const auto& item : n) out.push_back(convert(item, depth + 1, what, nodes));
        return out;
    }
    case YAML::NodeType::Map: {
        auto out = nlohmann::json::object();
        for (const auto& kv : n) {
            if (!kv.first.IsScalar()) throw_malformed(std::string(what) + ": a mapping key is not a scalar");
            out[kv.first.Scalar()] = convert(kv.second, depth + 1, what, nodes);
        }
        return out;
    }
    }
    return nullptr;
}

}  // namespace

nlohmann::json parse_yaml(std::string_view text, std::string_view what) {
    try {
        std::size_t nodes = 0;
        return convert(YAML::Load(std::string(text)), 0, what, nodes);
    } catch (const YAML::Exception& e) {
        throw_malformed(std::string(what) + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
}

}  // namespace iotops::codec
