// Fuzz the index.txt parser and the revocation rules on what it parsed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotops/ca/database.hpp"
#include "iotops/core/error.hpp"

using namespace iotops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        ca::Index idx = ca::Index::parse(text);
        std::string again = idx.serialize();
        ca::Index twice = ca::Index::parse(again);
        if (twice.serialize() != again) __builtin_trap();  // writing what we read is stable
        for (const auto& e : idx.entries()) {
            (void)ca::subject_attribute(e.subject, "serialNumber");
            try {
                idx.find_serial(e.serial);
                ca::Index copy = twice;
                copy.revoke(e.serial, ca::Revocation{now(), ca::Reason::key_compromise, {}, {}});
                if (e.revocation && e.revocation->hold_instruction) (void)ca::hold_instruction_oid(*e.revocation->hold_instruction);
            } catch (const Error&) {
            }
        }
    } catch (const Error&) {
    }
    return 0;
}
