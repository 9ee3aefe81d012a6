// Fuzz target: opening any voucher artifact (CMS, JWS, COSE, bare JSON or YANG-CBOR), describing it
// (nested prior-signed requests included), its rules and verification must never crash; the only
// exception allowed out of the library is iotops::Error.
#include <cstddef>
#include <cstdint>

#include "iotops/core/error.hpp"
#include "iotops/voucher.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto e = voucher::open(ByteView(data, size));
        (void)voucher::describe(e).dump();
        (void)voucher::check_rules(e.voucher);
        voucher::VerifyOptions o;
        o.nonce = Bytes(8, 0);
        o.serial = "JADA123456789";
        o.kind = voucher::Expect::rvr;
        (void)voucher::verify(e, o).to_json().dump();
        if (e.voucher.kind() == voucher::Kind::voucher_request) (void)voucher::create_rvr(e, nlohmann::json::object());
    } catch (const Error&) {
    }
    return 0;
}
