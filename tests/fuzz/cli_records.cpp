// Fuzzes the record stream framers of the CLI (NDJSON, JSON array, CBOR sequence) and the
// conversion of each record to JSON. The first byte picks how the stream kind is chosen.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/records.hpp"
#include "iotops/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static const char* kFormats[] = {"auto", "json", "cbor"};
    const std::string format = kFormats[data[0] % 3];
    std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
    iotops::cli::Reader in = iotops::cli::Reader::from_string(std::move(input));
    try {
        iotops::cli::RecordReader records(in, iotops::cli::detect_stream_kind(in, format));
        std::size_t expected = 0;
        while (auto r = records.next()) {
            if (r->index != expected++) __builtin_trap();  // indices are dense and in order
            try {
                (void)iotops::cli::record_json(*r);
            } catch (const iotops::Error&) {
            }
        }
    } catch (const iotops::Error& e) {
        if (e.kind() != iotops::ErrorKind::malformed) __builtin_trap();  // memory input: only malformed
    }
    return 0;
}
