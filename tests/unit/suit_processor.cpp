// The manifest processor on the spec's examples: which sequence runs, where it stops, what the
// SUIT_Report says. Runs unverified and in memory (suit::process); apply's checks are CLI-tested.
#include <doctest/doctest.h>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit/processor.hpp"
#include "support/vectors.hpp"

using namespace iotops;

namespace {

suit::Device example_device(std::uint64_t slot = 0) {
    suit::Device d;
    d.identity.vendor_id = hex_decode("fa6b4a53d5ad5fdfbe9de663e4d41ffe");
    d.identity.class_id = hex_decode("1492af1425695e48bf429b2d51f2ab45");
    d.slot = slot;
    return d;
}

suit::Envelope example(int n) {
    return suit::Envelope::parse(test::read_vector("suit/manifest-spec/example" + std::to_string(n) + ".suit"));
}

suit::ApplyOptions offline() {
    suit::ApplyOptions o;
    o.fetch = false;
    return o;
}

}  // namespace

TEST_CASE("example 0 (secure boot): validate's image-match fails on an empty component") {
    suit::Envelope env = example(0);
    suit::Device dev = example_device();
    suit::ApplyResult r = suit::process(env, dev, offline());
    CHECK_FALSE(r.ok);
    CHECK(r.reason == suit::ReportReason::condition_failed);
    REQUIRE(r.failed);
    CHECK(r.failed->section == 7);
    CHECK(r.failed->command == 3);
    CHECK(r.failed->offset == 1);
    CHECK(r.sections_run == std::vector<std::int64_t>{7});
    CHECK(dev.components.empty());
    CHECK_FALSE(dev.sequence_number);

    cbor::Value report = cbor::decode(r.report);
    REQUIRE(report.find(99));
    CHECK(report.find(99)->as_array()[1] == env.digest.to_value());
    const cbor::Value* result = report.find(4);
    REQUIRE((result && result->is_map()));
    CHECK(result->find(7)->as_uint() == 10);
    CHECK(result->find(6)->as_array()[1].as_int() == 7);
}

TEST_CASE("example 0 on a device of another vendor stops at the shared sequence's vendor check") {
    suit::Envelope env = example(0);
    suit::Device dev = example_device();
    dev.identity.vendor_id = Bytes(16, 0);
    suit::ApplyResult r = suit::process(env, dev, offline());
    REQUIRE(r.failed);
    CHECK(r.failed->command == 1);
    CHECK(r.message.find("vendor-identifier does not match") != std::string::npos);
}

TEST_CASE("example 3 (A/B): try-each picks the device's slot, soft failures are recorded") {
    suit::Envelope env = example(3);
    suit::Device dev = example_device(1);
    suit::ApplyResult r = suit::process(env, dev, offline());
    // Offline, the fetch of http://example.com/file2.bin is where it stops: slot 1 was chosen.
    REQUIRE(r.failed);
    CHECK(r.failed->section == 20);
    CHECK(r.failed->command == 21);
    CHECK(r.reason == suit::ReportReason::operation_failed);
    REQUIRE(r.records.size() == 2);  // branch "slot 0" in the shared sequence and in install
    for (const auto& rec : r.records) {
        CHECK(rec.command == 5);
        CHECK(rec.properties == cbor::Value::map({{cbor::Value::uint(5), cbor::Value::uint(1)}}));
    }
    cbor::Value report = cbor::decode(r.report);
    CHECK(report.find(3)->as_array().size() == 2);

    suit::Device nowhere = example_device(9);
    suit::ApplyResult none = suit::process(env, nowhere, offline());
    REQUIRE(none.failed);
    CHECK(none.failed->command == 15);
    CHECK(none.message == "try-each: no sequence matched this device");
}

TEST_CASE("component file names") {
    CHECK(suit::component_file_name({Bytes{0x00}}) == "00");
    CHECK(suit::component_file_name({to_bytes("app"), Bytes{0x01}}) == "617070.01");
    CHECK(suit::component_file_name({}) == "-");
}
