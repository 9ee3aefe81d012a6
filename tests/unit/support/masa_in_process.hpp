// A registrar's call to a MASA answered by a Masa in this process, as its HTTPS endpoint would.
#pragma once
#include "iotops/est/masa.hpp"
#include "iotops/est/registrar_voucher.hpp"

namespace iotops::test {

inline est::MasaAnswer answer_in_process(const est::Masa& masa, const est::MasaCall& call) {
    est::BrskiReply a = masa.request_voucher(est::BrskiRequest{call.content_type, call.accept, call.body, {}});
    return est::MasaAnswer{a.status, a.content_type, std::move(a.body)};
}

}  // namespace iotops::test
