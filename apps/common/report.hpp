// Reports (inspect, verify, status): JSON, pretty and coloured on a terminal, one compact line
// when piped; `--format text` renders the same JSON as indented "key: value" lines.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "common/tool.hpp"

namespace iotops::cli {

struct ReportOptions {
    std::string format = "json";  // json|text
};

// `--format json|text`.
CLI::Option* add_report_options(CLI::App& verb, ReportOptions& opts);

struct Style {
    bool pretty = false;  // indented over several lines
    bool color = false;   // ANSI colours
};

// Pretty on a terminal, coloured when color_enabled(fd, no_color).
Style style_for(int fd, bool no_color);

// JSON text ending in a newline: one line unless pretty.
std::string render_json(const nlohmann::json& report, Style style);
// Indented "key: value" lines; arrays as "- item" lines.
std::string render_text(const nlohmann::json& report, Style style);

// Renders for stdout (the style follows stdout and ctx.no_color) and writes to *ctx.out.
void emit_report(const nlohmann::json& report, const ReportOptions& opts, const Context& ctx);

}  // namespace iotops::cli
