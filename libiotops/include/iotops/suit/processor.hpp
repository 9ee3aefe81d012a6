// A SUIT manifest processor (draft-ietf-suit-manifest section 6) over a simulated device, and the
// SUIT_Report (draft-ietf-suit-report) of what it did.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/codec/cbor.hpp"
#include "iotops/suit/device.hpp"
#include "iotops/suit/envelope.hpp"

namespace iotops::suit {

// SUIT_Report reasons (draft-ietf-suit-report, IANA "SUIT_Report Reasons").
enum class ReportReason : int {
    ok = 0, cbor_parse = 1, cose_unsupported = 2, alg_unsupported = 3, unauthorised = 4, command_unsupported = 5,
    component_unsupported = 6, component_unauthorised = 7, parameter_unsupported = 8, severing_unsupported = 9,
    condition_failed = 10, operation_failed = 11, invoke_pending = 12,
};
std::string reason_name(ReportReason r);  // "condition-failed", ...

// SUIT_Record: where a decision was taken and what was measured.
struct Record {
    std::int64_t section = 0;  // manifest key of the command sequence (20 install, ...); 0 before any ran
    std::uint64_t offset = 0;  // bytes into that sequence
    std::uint64_t component_index = 0;
    std::int64_t command = 0;  // the condition or directive (not on the wire; for people)
    cbor::Value properties = cbor::Value::map();  // measured SUIT_Parameters
};

struct ApplyResult {
    bool ok = false;
    ReportReason reason = ReportReason::ok;
    int code = 0;             // suit-report-result-code: iotops' own code (see processor.cpp)
    std::string message;      // why it failed, for people
    std::optional<Record> failed;
    std::vector<Record> records;                // soft failures (try-each branches that did not match)
    std::vector<std::int64_t> sections_run;     // in order
    std::vector<std::string> invoked;           // component file names, in order
    std::vector<std::string> written;           // components that changed
    std::optional<std::uint64_t> previous_sequence_number;  // none when the device never accepted one
    std::uint64_t sequence_number = 0;
    Bytes report;  // encoded SUIT_Report

    nlohmann::json to_json() const;  // the summary `iot-suit apply` prints
};

struct ApplyOptions {
    std::string https_ca_file;  // trust for https: fetches; empty: the system store
    bool fetch = true;          // false: only integrated payloads (no file or network access)
};

// Verifies the envelope with the device's trust anchors, checks the sequence number and runs the
// manifest: dependency-resolution, payload-fetch, candidate-verification, install, validate, load,
// invoke. On success the device is committed (atomically); on any failure it is left untouched.
// Only programming errors and I/O failures of the commit throw.
ApplyResult apply(const Envelope& envelope, Device& device, const ApplyOptions& options = {});

// The command sequences alone, on the device in memory, for a caller that has authenticated the
// envelope and checked its sequence number itself: nothing is verified and nothing is committed.
// On success the device's components, sequence number and invoke record are updated in memory.
ApplyResult process(const Envelope& envelope, Device& device, const ApplyOptions& options = {});

}  // namespace iotops::suit
