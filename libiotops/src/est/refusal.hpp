// A request the voucher roles turn down: the HTTP status and the reason (RFC 8995 5.6), thrown
// from deep in the checks and turned into the text answer in one place.
#pragma once
#include <exception>
#include <string>

#include "iotops/core/error.hpp"
#include "iotops/est/brski_http.hpp"

namespace iotops::est::detail {

struct Refusal {
    int status;
    std::string reason;
};
[[noreturn]] inline void refuse(int status, std::string reason) { throw Refusal{status, std::move(reason)}; }

// Runs f; a Refusal becomes its status, malformed input a 400, anything unexpected a 500.
template <typename F>
BrskiReply answer(F&& f) {
    try {
        return f();
    } catch (const Refusal& r) {
        return BrskiReply::text(r.status, r.reason);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::malformed) return BrskiReply::text(400, std::string("malformed request: ") + e.what());
        return BrskiReply::text(500, std::string("internal error: ") + e.what());
    } catch (const std::exception& e) {
        return BrskiReply::text(500, std::string("internal error: ") + e.what());
    }
}

}  // namespace iotops::est::detail
