// DNS names to addresses: the site's pinned answers first, then (when asked) the system resolver.
// TTLs come from a res_query answer when the resolver gives one; /etc/hosts-style answers get the default.
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <sys/socket.h>

#include <algorithm>

#include "iotops/mud/compile.hpp"

namespace iotops::mud {
namespace {

// The smallest TTL of the A or AAAA records for name, or -1.
int query_ttl(const std::string& name, bool v6) {
    unsigned char answer[4096];
    int len = res_query(name.c_str(), ns_c_in, v6 ? ns_t_aaaa : ns_t_a, answer, sizeof answer);
    if (len <= 0) return -1;
    ns_msg msg;
    if (ns_initparse(answer, len, &msg) != 0) return -1;
    int ttl = -1;
    for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
        ns_rr rr;
        if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) continue;
        if (ns_rr_type(rr) != (v6 ? ns_t_aaaa : ns_t_a)) continue;
        int t = int(ns_rr_ttl(rr));
        ttl = ttl < 0 ? t : std::min(ttl, t);
    }
    return ttl;
}

std::vector<ResolvedAddress> system_lookup(const std::string& name, int default_ttl) {
    std::vector<ResolvedAddress> out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0 || !res) return out;
    int ttl4 = -2, ttl6 = -2;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        ResolvedAddress r;
        if (ai->ai_family == AF_INET) {  // each family handled on its own
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf, sizeof buf);
            if (ttl4 == -2) ttl4 = query_ttl(name, false);
            r.ttl = ttl4 > 0 ? ttl4 : default_ttl;
        } else if (ai->ai_family == AF_INET6) {
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf, sizeof buf);
            if (ttl6 == -2) ttl6 = query_ttl(name, true);
            r.ttl = ttl6 > 0 ? ttl6 : default_ttl;
            r.v6 = true;
        } else {
            continue;
        }
        r.address = buf;
        bool dup = std::any_of(out.begin(), out.end(), [&](const ResolvedAddress& x) { return x.address == r.address; });
        if (!dup) out.push_back(r);
    }
    freeaddrinfo(res);
    return out;
}

}  // namespace

Resolution resolve(const std::vector<std::string>& names, const Site& site, bool live, int default_ttl) {
    Resolution out;
    for (const auto& n : names) {
        if (auto it = site.hosts.find(n); it != site.hosts.end()) {
            for (const auto& a : it->second.addresses)
                out[n].push_back({a, a.find(':') != std::string::npos, it->second.ttl});
            continue;
        }
        if (!live) continue;
        auto found = system_lookup(n, default_ttl);
        if (!found.empty()) out[n] = std::move(found);
    }
    return out;
}

}  // namespace iotops::mud
