// Reading a create description: YAML (which covers JSON) into ordered JSON, keeping map order.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>

#include "iotops/core/error.hpp"
#include "iotops/suit/create.hpp"

namespace iotops::suit {
namespace {

std::string where(const YAML::Mark& m) {
    return "line " + std::to_string(m.line + 1) + ", column " + std::to_string(m.column + 1);
}

// YAML 1.2 core schema, restricted to what a description needs.
nlohmann::ordered_json scalar(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    if (n.Tag() != "?") return s;  // quoted or explicitly tagged: a string
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    std::size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = i < s.size();
    for (std::size_t j = i; j < s.size(); ++j) digits = digits && std::isdigit(static_cast<unsigned char>(s[j]));
    if (digits) {
        errno = 0;
        char* end = nullptr;
        if (s[0] == '-') {
            long long v = std::strtoll(s.c_str(), &end, 10);
            if (errno == 0) return v;
        } else {
            unsigned long long v = std::strtoull(s.c_str(), &end, 10);
            if (errno == 0) return v;
        }
        throw_malformed("description: " + where(n.Mark()) + ": integer " + s + " is out of range");
    }
    if (s.find_first_of(".eE") != std::string::npos && s.find_first_not_of("0123456789+-.eE") == std::string::npos) {
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        if (end && *end == '\0') return d;  // a float: JSON would read it as one too
    }
    return s;
}

// Aliases can repeat a subtree many times over ("billion laughs"): the expansion is capped.
constexpr std::size_t max_nodes = 1u << 20;

nlohmann::ordered_json convert(const YAML::Node& n, int depth, std::size_t& nodes) {
    if (++nodes > max_nodes) throw_malformed("description: more than " + std::to_string(max_nodes) + " values (aliases expanded)");
    if (depth > 64) throw_malformed("description: " + where(n.Mark()) + ": nested more than 64 levels");
    switch (n.Type()) {
        case YAML::NodeType::Null: return nullptr;
        case YAML::NodeType::Scalar: return scalar(n);
        case YAML::NodeType::Sequence: {
            auto a = nlohmann::ordered_json::array();
            for (const auto& item : n) a.push_back(convert(item, depth + 1, nodes));
            return a;
        }
        case YAML::NodeType::Map: {
            auto o = nlohmann::ordered_json::object();
            for (const auto& kv : n) {
                if (!kv.first.IsScalar())
                    throw_malformed("description: " + where(kv.first.Mark()) + ": map keys must be plain names");
                const std::string& k = kv.first.Scalar();
                if (o.contains(k)) throw_malformed("description: " + where(kv.first.Mark()) + ": duplicate key \"" + k + "\"");
                o[k] = convert(kv.second, depth + 1, nodes);
            }
            return o;
        }
        case YAML::NodeType::Undefined: break;
    }
    throw_malformed("description: " + where(n.Mark()) + ": undefined node");
}

}  // namespace

nlohmann::ordered_json parse_description(std::string_view text) {
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
        throw_malformed("description: " + where(e.mark) + ": " + e.msg);
    }
    if (docs.size() != 1 || !docs[0].IsMap())
        throw_malformed("description: expected one YAML or JSON document holding a map");
    std::size_t nodes = 0;
    return convert(docs[0], 0, nodes);
}

}  // namespace iotops::suit
