// Fuzzes what a bulk provisioning run reads from outside: a stream record (JSON) turned into a device
// request, then the serial-number and MASA URL rules. A serial that passes must be safe as one
// directory name and fit a PrintableString.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "iotops/core/error.hpp"
#include "iotops/est/provision.hpp"

using namespace iotops;

namespace {

void check_serial(const std::string& serial) {
    if (est::serial_number_problem(serial)) return;
    if (serial.empty() || serial.size() > 64 || serial == "." || serial == ".." || serial.front() == '.') __builtin_trap();
    for (unsigned char c : serial)
        if (c == '/' || c < 0x20 || c >= 0x7f) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    check_serial(text);
    if (!est::masa_url_problem(text)) {
        for (unsigned char c : text)
            if (c <= 0x20 || c >= 0x7f) __builtin_trap();  // an IA5String without spaces
    }
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    try {
        est::DeviceRequest r = est::device_request_from_record(j);
        check_serial(r.serial);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed) __builtin_trap();
    }
    return 0;
}
