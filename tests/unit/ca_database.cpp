// The CA database: index.txt lines as openssl ca writes them, revocation rules, counters, deny list.
#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "iotops/ca/database.hpp"
#include "iotops/ca/deny_list.hpp"
#include "iotops/core/error.hpp"

namespace fs = std::filesystem;
using namespace iotops;
using namespace iotops::ca;

namespace {
std::string temp_dir() {
    std::string t = (fs::temp_directory_path() / "iotops-ca-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    return t;
}
}  // namespace

TEST_CASE("openssl's index lines round-trip byte for byte") {
    const char* lines[] = {
        "R\t261224134853Z\t261124134853Z,keyCompromise\t1000\tunknown\t/CN=dev1",
        "R\t261224134853Z\t261124134853Z,holdInstruction,holdInstructionReject\t1001\tunknown\t/CN=dev2",
        "R\t261224134853Z\t261124134853Z,keyTime,20250101000000Z\t1002\tunknown\t/CN=dev3",
        "R\t261224134853Z\t261124135417Z,CAkeyTime,20250102000000Z\t1004\tunknown\t/CN=ocsp",
        "V\t261224134853Z\t\t1003\tunknown\t/CN=dev4",
        "V\t99991231235959Z\t\t1005\tunknown\t/CN=dev5/serialNumber=JADA1",
        "R\t261224134853Z\t261124134853Z\t1006\tunknown\t/CN=dev6",
        "E\t201224134853Z\t\t1007\tunknown\t/CN=dev7",
    };
    std::size_t n = 0;
    for (const char* l : lines) {
        Entry e = parse_index_line(l, ++n);
        CHECK(format_index_line(e) == std::string(l) + "\n");
    }
    Entry held = parse_index_line(lines[1], 2);
    CHECK(held.revocation->reason == Reason::certificate_hold);
    CHECK(*held.revocation->hold_instruction == "holdInstructionReject");
    Entry kt = parse_index_line(lines[2], 3);
    CHECK(kt.revocation->reason == Reason::key_compromise);
    CHECK(format_generalized_time(*kt.revocation->invalidity) == "20250101000000Z");
    CHECK(*subject_attribute(lines[5] + std::string_view(lines[5]).find("/CN"), "serialNumber") == "JADA1");
}

TEST_CASE("malformed lines name the line") {
    auto bad = [](const char* line, const char* want) {
        try {
            parse_index_line(line, 7);
            FAIL("accepted " << line);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::malformed);
            CHECK(std::string(e.what()).find("line 7") != std::string::npos);
            CHECK(std::string(e.what()).find(want) != std::string::npos);
        }
    };
    bad("V\t261224134853Z\t\t1003\tunknown", "6 TAB-separated");
    bad("X\t261224134853Z\t\t1003\tunknown\t/CN=a", "not V, R or E");
    bad("V\t2612241348Z\t\t1003\tunknown\t/CN=a", "expiry");
    bad("V\t261224134853Z\t\t10G3\tunknown\t/CN=a", "not hex");
    bad("R\t261224134853Z\tyesterday\t1003\tunknown\t/CN=a", "revocation date");
    bad("R\t261224134853Z\t261124134853Z,bogus\t1003\tunknown\t/CN=a", "unknown revocation reason");
    bad("R\t261224134853Z\t261124134853Z,keyTime\t1003\tunknown\t/CN=a", "needs a value");
    bad("V\t261224134853Z\t261124134853Z\t1003\tunknown\t/CN=a", "has a revocation date");
    bad("V\t261224134853Z\t\t1003\tunknown\t/CN=a\r\r", "carriage return inside a field");
    CHECK(parse_index_line("V\t261224134853Z\t\t1003\tunknown\t/CN=a\r", 1).subject == "/CN=a");  // CRLF file
}

TEST_CASE("reasons by name and code") {
    CHECK(parse_reason("keycompromise") == Reason::key_compromise);
    CHECK(parse_reason("CACompromise") == Reason::ca_compromise);
    CHECK(parse_reason("10") == Reason::aa_compromise);
    CHECK(parse_reason("0") == Reason::unspecified);
    CHECK_THROWS_AS(parse_reason("7"), Error);
    CHECK_THROWS_AS(parse_reason("11"), Error);
    CHECK(canonical_serial("0x0a") == "0A");
    CHECK(canonical_serial("00:10:00") == "1000");
    CHECK(canonical_serial("abc") == "0ABC");
}

TEST_CASE("revoke is idempotent, refuses another reason, may change from hold; unhold") {
    Index idx = Index::parse("V\t491224134853Z\t\t1000\tunknown\t/CN=a\nV\t491224134853Z\t\t1001\tunknown\t/CN=b\n");
    Revocation kc{now(), Reason::key_compromise, {}, {}};
    CHECK(idx.revoke("1000", kc) == Index::RevokeOutcome::revoked);
    CHECK(idx.revoke("001000", kc) == Index::RevokeOutcome::already_revoked);
    Revocation sup{now(), Reason::superseded, {}, {}};
    CHECK_THROWS_AS(idx.revoke("1000", sup), Error);
    Revocation hold{now(), Reason::certificate_hold, {}, std::string("holdInstructionNone")};
    CHECK(idx.revoke("1001", hold) == Index::RevokeOutcome::revoked);
    idx.unhold("1001");
    CHECK(idx.find_serial("1001")->status == Status::valid);
    CHECK(idx.revoke("1001", hold) == Index::RevokeOutcome::revoked);
    CHECK(idx.revoke("1001", sup) == Index::RevokeOutcome::hold_changed);
    CHECK_THROWS_AS(idx.unhold("1001"), Error);
    try {
        idx.revoke("BEEF", kc);
        FAIL("unknown serial accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::missing);
    }
}

TEST_CASE("database files, counters and the deny list") {
    std::string d = temp_dir();
    Database db(d + "/index.txt");
    db.create();
    CHECK(db.allocate_serial() == "01");
    CHECK(db.allocate_serial() == "02");
    CHECK(*db.allocate_crl_number() == "01");
    Entry e;
    e.not_after = now() + std::chrono::hours(24);
    e.serial = "ff";
    e.subject = "/CN=x/serialNumber=S1";
    db.add(e);
    e.serial = "100";
    db.add(e);
    Index idx = db.load();
    CHECK(idx.size() == 2);
    CHECK(idx.find_serial("FF")->serial == "FF");
    CHECK(idx.find_subject_serial_number("S1").size() == 2);
    CHECK_THROWS_AS(db.add(e), Error);  // duplicate serial
    for (int i = 0; i < 253; ++i) db.allocate_serial();  // 03..FF
    CHECK(db.allocate_serial() == "0100");

    DenyList deny(d + "/deny.txt");
    CHECK(deny.load().empty());
    {
        std::ofstream(d + "/deny.txt") << "# devices at end of life\nA1\n";
    }
    CHECK(deny.add({"B2", "A1"}) == std::vector<std::string>{"B2"});
    CHECK(deny.contains("A1"));
    CHECK(deny.contains("B2"));
    CHECK(!deny.contains("C3"));
    fs::remove_all(d);
}
