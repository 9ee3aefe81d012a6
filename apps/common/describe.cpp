#include "common/describe.hpp"

#include <string>

namespace iotops::cli {
namespace {

// CLI11 renders IsMember checks into the type name as "TEXT:{a,b,c}"; that is the only public
// place the allowed values are visible, so the choices are read back from it.
nlohmann::json choices_of(const std::string& type_name) {
    auto open = type_name.find('{');
    auto close = type_name.rfind('}');
    nlohmann::json out = nlohmann::json::array();
    if (open == std::string::npos || close == std::string::npos || close < open) return out;
    std::string body = type_name.substr(open + 1, close - open - 1);
    std::size_t start = 0;
    while (start <= body.size()) {
        auto comma = body.find(',', start);
        if (comma == std::string::npos) comma = body.size();
        std::string item = body.substr(start, comma - start);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        if (!item.empty()) out.push_back(item);
        start = comma + 1;
    }
    return out;
}

nlohmann::json describe_option(const CLI::Option& opt) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& l : opt.get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt.get_snames()) names.push_back("-" + s);
    nlohmann::json o = {
        {"names", names},
        {"takes_value", opt.get_items_expected_max() > 0},
        {"description", opt.get_description()},
        {"required", opt.get_required()},
    };
    if (opt.get_items_expected_max() > 0) {
        o["type"] = opt.get_type_name();
        auto choices = choices_of(opt.get_type_name());
        if (!choices.empty()) o["choices"] = choices;
    }
    return o;
}

}  // namespace

nlohmann::json describe_app(const CLI::App& app) {
    nlohmann::json options = nlohmann::json::array();
    nlohmann::json positionals = nlohmann::json::array();
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty()) continue;  // hidden
        if (opt->nonpositional()) {
            options.push_back(describe_option(*opt));
        } else {
            positionals.push_back({{"name", opt->get_name(true)},
                                   {"description", opt->get_description()},
                                   {"required", opt->get_required()}});
        }
    }
    nlohmann::json verbs = nlohmann::json::array();
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (sub->get_group().empty()) continue;
        verbs.push_back(describe_app(*sub));
    }
    return {{"name", app.get_name()},
            {"description", app.get_description()},
            {"options", options},
            {"positionals", positionals},
            {"verbs", verbs}};
}

}  // namespace iotops::cli
