// The runner every tool is built on: one CLI11 app with verbs (subcommands), the global options,
// and the single place where errors become a message on stderr and an exit code.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace iotops::cli {

// What a running verb sees: the global options and where to write.
struct Context {
    std::string tool;       // "iot-mud"
    bool no_color = false;  // --no-color
    bool quiet = false;     // --quiet
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
};

// A verb's body. Returns the exit code; throws iotops::Error for failures.
using VerbFn = std::function<int(Context&)>;

class Tool {
public:
    Tool(std::string name, std::string description);

    // Adds a verb. Its options and positionals go on the returned app; they are parsed before fn runs.
    CLI::App& add_verb(const std::string& name, const std::string& description, VerbFn fn);

    // Parses, runs the chosen verb and maps every failure to an exit code. Never throws.
    int run(int argc, char** argv);
    int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

    const std::string& name() const { return name_; }
    CLI::App& app() { return *app_; }
    // The tool as JSON (verbs, options, positionals), read from the CLI11 tree; --iotops-dump-cli prints it.
    nlohmann::json describe() const;

private:
    int dispatch(std::ostream& out, std::ostream& err);

    std::string name_;
    std::unique_ptr<CLI::App> app_;
    std::map<const CLI::App*, VerbFn> verbs_;
    bool no_color_ = false;
    bool quiet_ = false;
    bool dump_cli_ = false;
};

}  // namespace iotops::cli
