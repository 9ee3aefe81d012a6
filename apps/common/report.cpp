#include "common/report.hpp"

#include <unistd.h>

#include <ostream>

#include "common/terminal.hpp"

namespace iotops::cli {
namespace {

using json = nlohmann::json;

constexpr const char* kKey = "\x1b[34m";     // blue
constexpr const char* kString = "\x1b[32m";  // green
constexpr const char* kNumber = "\x1b[36m";  // cyan
constexpr const char* kLiteral = "\x1b[35m"; // magenta: true, false, null
constexpr const char* kReset = "\x1b[0m";

std::string dump_scalar(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string paint(const std::string& s, const char* colour, bool on) { return on ? colour + s + kReset : s; }

const char* colour_of(const json& v) {
    if (v.is_string()) return kString;
    if (v.is_number()) return kNumber;
    return kLiteral;
}

void pretty(const json& v, int indent, bool color, std::string& out) {
    const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    const std::string close_pad(static_cast<std::size_t>(indent), ' ');
    if (v.is_object() && !v.empty()) {
        out += "{\n";
        std::size_t i = 0;
        for (const auto& [k, item] : v.items()) {
            out += pad + paint(dump_scalar(json(k)), kKey, color) + ": ";
            pretty(item, indent + 2, color, out);
            out += ++i < v.size() ? ",\n" : "\n";
        }
        out += close_pad + "}";
    } else if (v.is_array() && !v.empty()) {
        out += "[\n";
        std::size_t i = 0;
        for (const auto& item : v) {
            out += pad;
            pretty(item, indent + 2, color, out);
            out += ++i < v.size() ? ",\n" : "\n";
        }
        out += close_pad + "]";
    } else if (v.is_structured()) {
        out += v.is_object() ? "{}" : "[]";
    } else {
        out += paint(dump_scalar(v), colour_of(v), color);
    }
}

std::string text_scalar(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_binary()) return "(" + std::to_string(v.get_binary().size()) + " bytes)";
    return dump_scalar(v);
}

void text(const json& v, int indent, bool color, std::string& out) {
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (v.is_object()) {
        for (const auto& [k, item] : v.items()) {
            out += pad + paint(k, kKey, color) + ":";
            if (item.is_structured() && !item.empty()) {
                out += "\n";
                text(item, indent + 2, color, out);
            } else if (item.is_structured()) {
                out += " (none)\n";
            } else {
                out += " " + paint(text_scalar(item), colour_of(item), color) + "\n";
            }
        }
    } else if (v.is_array()) {
        for (const auto& item : v) {
            if (item.is_structured() && !item.empty()) {
                out += pad + "-\n";
                text(item, indent + 2, color, out);
            } else {
                out += pad + "- " + paint(item.is_structured() ? "(none)" : text_scalar(item), colour_of(item), color) +
                       "\n";
            }
        }
    } else {
        out += pad + paint(text_scalar(v), colour_of(v), color) + "\n";
    }
}

}  // namespace

CLI::Option* add_report_options(CLI::App& verb, ReportOptions& opts) {
    return verb.add_option("--format", opts.format, "Report as JSON (default) or as a human summary")
        ->check(CLI::IsMember({"json", "text"}));
}

Style style_for(int fd, bool no_color) { return Style{is_terminal(fd), color_enabled(fd, no_color)}; }

std::string render_json(const json& report, Style style) {
    if (!style.pretty) return dump_scalar(report) + "\n";
    std::string out;
    pretty(report, 0, style.color, out);
    return out + "\n";
}

std::string render_text(const json& report, Style style) {
    std::string out;
    text(report, 0, style.color, out);
    return out;
}

void emit_report(const json& report, const ReportOptions& opts, const Context& ctx) {
    Style style = style_for(STDOUT_FILENO, ctx.no_color);
    *ctx.out << (opts.format == "text" ? render_text(report, style) : render_json(report, style));
    ctx.out->flush();
}

}  // namespace iotops::cli
