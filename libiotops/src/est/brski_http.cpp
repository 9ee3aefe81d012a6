#include "iotops/est/brski_http.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "iotops/core/error.hpp"

namespace iotops::est {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The q parameter of one Accept element (RFC 9110 12.4.2); 1 when absent, 0 when it does not parse.
double quality(std::string_view element) {
    for (auto semi = element.find(';'); semi != std::string_view::npos; semi = element.find(';', semi + 1)) {
        auto param = trim(element.substr(semi + 1, element.find(';', semi + 1) - semi - 1));
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
            std::string v(trim(param.substr(2)));
            char* end = nullptr;
            double q = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || q < 0 || q > 1) return 0;
            return q;
        }
    }
    return 1;
}

}  // namespace

BrskiReply BrskiReply::text(int status, std::string_view reason) {
    BrskiReply r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body.assign(reason.begin(), reason.end());
    if (r.body.empty() || r.body.back() != '\n') r.body.push_back('\n');
    return r;
}

std::string media_essence(std::string_view media) { return lower(trim(media.substr(0, media.find(';')))); }

std::string_view voucher_media_type(voucher::Format f) {
    switch (f) {
    case voucher::Format::cms: return media_voucher_cms;
    case voucher::Format::jws: return media_voucher_jws;
    case voucher::Format::cose: return media_voucher_cose;
    default: throw Error(ErrorKind::usage, "a bare voucher has no signed media type");
    }
}

std::optional<voucher::Format> voucher_format_of(std::string_view content_type) {
    auto e = media_essence(content_type);
    if (e == media_voucher_cms) return voucher::Format::cms;
    if (e == media_voucher_jws) return voucher::Format::jws;
    if (e == media_voucher_cose || e == media_voucher_cose_legacy) return voucher::Format::cose;
    return std::nullopt;
}

std::optional<voucher::Format> negotiate_voucher_format(std::string_view accept, voucher::Format preferred,
                                                        const std::vector<voucher::Format>& offered) {
    auto has = [&](voucher::Format f) { return std::find(offered.begin(), offered.end(), f) != offered.end(); };
    auto fallback = [&]() -> std::optional<voucher::Format> {
        if (has(preferred)) return preferred;
        if (!offered.empty()) return offered.front();
        return std::nullopt;
    };
    if (trim(accept).empty()) return fallback();
    struct Range {
        std::string essence;
        double q;
    };
    std::vector<Range> ranges;
    std::size_t start = 0;
    while (start <= accept.size()) {
        auto comma = accept.find(',', start);
        if (comma == std::string_view::npos) comma = accept.size();
        auto element = trim(accept.substr(start, comma - start));
        if (!element.empty()) ranges.push_back({media_essence(element), quality(element)});
        start = comma + 1;
    }
    std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.q > b.q; });
    for (const auto& r : ranges) {
        if (r.q <= 0) continue;
        if (r.essence == "*/*" || r.essence == "application/*") return fallback();
        if (auto f = voucher_format_of(r.essence); f && has(*f)) return f;
    }
    return std::nullopt;
}

}  // namespace iotops::est
