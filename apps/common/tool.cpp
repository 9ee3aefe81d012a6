#include "common/tool.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <iostream>

#include "common/describe.hpp"
#include "iotops/core/error.hpp"

#ifndef IOTOPS_VERSION
#error "IOTOPS_VERSION comes from the iotops target"
#endif

namespace iotops::cli {
namespace {

// Error messages are one line; CLI11 sometimes puts a list on several.
std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

// CLI11 capitalises its messages; ours are lower case.
std::string lower_first(std::string s) {
    if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && std::islower(static_cast<unsigned char>(s[1])))
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

}  // namespace

Tool::Tool(std::string name, std::string description)
    : name_(std::move(name)), app_(std::make_unique<CLI::App>(std::move(description), name_)) {
    app_->set_help_flag("-h,--help", "Print help and exit (also after a verb)");
    app_->set_version_flag("--version", name_ + " " + IOTOPS_VERSION, "Print the version and exit");
    app_->add_flag("--no-color", no_color_, "Never colour the output (NO_COLOR and TERM=dumb work too)");
    app_->add_flag("-q,--quiet", quiet_, "No progress line on stderr");
    app_->add_flag("--iotops-dump-cli", dump_cli_, "Print this tool's options and verbs as JSON")->group("");
    app_->require_subcommand(0, 1);
}

CLI::App& Tool::add_verb(const std::string& name, const std::string& description, VerbFn fn) {
    CLI::App* verb = app_->add_subcommand(name, description);
    // Global options may come after the verb too: `iot-mud inspect --no-color x.json`.
    verb->fallthrough();
    verbs_[verb] = std::move(fn);
    return *verb;
}

nlohmann::json Tool::describe() const {
    auto d = describe_app(*app_);
    d["version"] = IOTOPS_VERSION;
    return d;
}

int Tool::run(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + std::max(argc, 1));
    int code = run(args, std::cout, std::cerr);
    std::cout.flush();
    return code;
}

int Tool::run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (verbs_.empty() && app_->get_footer().empty())
        app_->footer("This version of " + name_ + " has no verbs yet.");
    // The hint names the verb when the error happened inside one.
    auto usage_error = [&](const std::string& what) {
        std::string where = name_;
        for (const CLI::App* sub : app_->get_subcommands()) where += " " + sub->get_name();
        err << name_ << ": error: " << lower_first(one_line(what)) << " (try '" << where << " --help')\n";
        return exit_code(ErrorKind::usage);
    };
    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
        try {
            app_->parse(reversed);
        } catch (const CLI::Success& e) {  // --help, --version
            return app_->exit(e, out, err);
        } catch (const CLI::ParseError& e) {
            return usage_error(e.what());
        }
        if (dump_cli_) {
            out << describe().dump(2) << "\n";
            return 0;
        }
        if (app_->get_subcommands().empty()) return usage_error("no verb given");
        return dispatch(out, err);
    } catch (const Error& e) {
        err << name_ << ": error: " << one_line(e.what()) << "\n";
        if (!e.hint().empty()) err << name_ << ": hint: " << one_line(e.hint()) << "\n";
        return exit_code(e.kind());
    } catch (const std::exception& e) {
        err << name_ << ": error: internal error: " << one_line(e.what()) << "\n";
        return exit_code(ErrorKind::internal);
    } catch (...) {
        err << name_ << ": error: internal error: unknown exception\n";
        return exit_code(ErrorKind::internal);
    }
}

int Tool::dispatch(std::ostream& out, std::ostream& err) {
    const CLI::App* verb = app_->get_subcommands().front();
    auto it = verbs_.find(verb);
    if (it == verbs_.end()) throw Error(ErrorKind::internal, "verb '" + verb->get_name() + "' has no body");
    Context ctx{name_, no_color_, quiet_, &out, &err};
    return it->second(ctx);
}

}  // namespace iotops::cli
