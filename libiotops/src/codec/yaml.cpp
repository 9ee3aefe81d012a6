#include "iotops/codec/yaml.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string>
#include <vector>

#include "iotops/core/encoding.hpp"
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
                const std::string& key = text_of(kv.first);
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
    // JSON carries only UTF-8, and a report must be able to quote any value back.
    const std::string& text_of(const YAML::Node& n) const {
        const std::string& s = n.Scalar();
        if (!valid_utf8(s)) fail(n.Mark(), "not UTF-8 text");
        return s;
    }

    Json scalar(const YAML::Node& n) const {
        const std::string& s = text_of(n);
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

// Counts documents only. yaml-cpp's LoadAll loops forever on some malformed streams (a lone ","
// yields endless empty documents), so the documents are counted here with a bound instead.
class DocumentCounter : public YAML::EventHandler {
public:
    std::vector<YAML::Mark> starts;
    void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

template <class Json>
Json load(std::string_view text, std::string_view what) {
    Converter<Json> converter(what);
    YAML::Node doc;
    try {
        std::istringstream in{std::string(text)};
        YAML::Parser parser(in);
        DocumentCounter counter;
        if (parser.HandleNextDocument(counter) && parser.HandleNextDocument(counter)) {
            // a second document that starts where the first did consumed nothing: unparseable text
            const auto& at = counter.starts;
            if (at.size() == 2 && at[0].pos == at[1].pos) converter.fail(at[0], "not a YAML document");
            throw_malformed(std::string(what) + ": more than one YAML document");
        }
        doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        converter.fail(e.mark, e.msg);
    }
    return converter.convert(doc, 0);
}

}  // namespace

nlohmann::json parse_yaml(std::string_view text, std::string_view what) { return load<nlohmann::json>(text, what); }

nlohmann::ordered_json parse_yaml_ordered(std::string_view text, std::string_view what) {
    return load<nlohmann::ordered_json>(text, what);
}

}  // namespace iotops::codec
