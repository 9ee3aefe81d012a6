// SUIT envelope parsing, the name table and inspection, on the six examples of draft-ietf-suit-manifest.
#include <doctest/doctest.h>

#include <functional>
#include <regex>
#include <sstream>
#include <string>

#include "iotops/codec/cbor.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/suit.hpp"
#include "vectors.hpp"

using namespace iotops;
using iotops::test::read_vector;
using iotops::test::read_vector_text;

namespace {

std::string example(int n, const char* ext) { return "suit/manifest-spec/example" + std::to_string(n) + ext; }

// The component identifiers the spec's diagnostic notation (.txt) lists, as "00", "02"...
std::vector<std::vector<std::string>> components_in_txt(const std::string& txt) {
    auto start = txt.find("/ components / 2:[");
    REQUIRE(start != std::string::npos);
    // the list ends at a line holding only "]," (the identifiers' own lines end in "],")
    std::istringstream lines(txt.substr(txt.find('\n', start) + 1));
    std::string block, line;
    while (std::getline(lines, line) && !std::regex_match(line, std::regex(R"(\s*\],?\s*)"))) block += line + "\n";
    std::vector<std::vector<std::string>> out;
    std::regex id_re(R"(\[((?:h'[0-9a-f]*'(?:,\s*)?)+)\])");
    std::regex part_re(R"(h'([0-9a-f]*)')");
    for (std::sregex_iterator it(block.begin(), block.end(), id_re), e; it != e; ++it) {
        std::string inner = (*it)[1];
        std::vector<std::string> id;
        for (std::sregex_iterator p(inner.begin(), inner.end(), part_re); p != e; ++p) id.push_back((*p)[1]);
        out.push_back(id);
    }
    return out;
}

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("expected an Error");
    return ErrorKind::internal;
}

}  // namespace

TEST_CASE("the name table uses the numbers of draft-ietf-suit-manifest.cddl") {
    using suit::Space;
    CHECK(suit::name_of(Space::envelope, 2) == "authentication-wrapper");
    CHECK(suit::name_of(Space::envelope, 3) == "manifest");
    CHECK(suit::name_of(Space::manifest, 2) == "manifest-sequence-number");
    CHECK(suit::name_of(Space::manifest, 7) == "validate");
    CHECK(suit::name_of(Space::manifest, 8) == "load");
    CHECK(suit::name_of(Space::manifest, 9) == "invoke");
    CHECK(suit::name_of(Space::manifest, 16) == "payload-fetch");
    CHECK(suit::name_of(Space::manifest, 20) == "install");
    CHECK(suit::name_of(Space::manifest, 23) == "text");
    CHECK(suit::name_of(Space::common, 4) == "shared-sequence");
    CHECK(suit::name_of(Space::command, 12) == "directive-set-component-index");
    CHECK(suit::name_of(Space::command, 15) == "directive-try-each");
    CHECK(suit::name_of(Space::command, 20) == "directive-override-parameters");
    CHECK(suit::name_of(Space::command, 3) == "condition-image-match");
    CHECK(suit::name_of(Space::parameter, 3) == "image-digest");
    CHECK(suit::name_of(Space::parameter, 14) == "image-size");
    CHECK(suit::name_of(Space::digest_algorithm, -16) == "sha256");
    CHECK_FALSE(suit::name_of(Space::manifest, 17).has_value());
    CHECK(suit::key_of(Space::command, "directive-invoke") == 23);
    CHECK(suit::is_severable(20));
    CHECK_FALSE(suit::is_severable(9));
}

TEST_CASE("the six spec examples open with the sequence numbers and components of their sources") {
    for (int n = 0; n <= 5; ++n) {
        CAPTURE(n);
        auto env = suit::Envelope::parse(read_vector(example(n, ".suit")));
        auto src = nlohmann::json::parse(read_vector_text(example(n, ".json")));
        CHECK(env.tagged);
        CHECK(env.manifest.version == 1);
        CHECK(env.manifest.sequence_number == src["manifest-sequence-number"].get<std::uint64_t>());
        CHECK(env.digest.algorithm == -16);
        CHECK(env.digest.bytes.size() == 32);
        CHECK(env.authentication_blocks.size() == 1);

        auto expected = components_in_txt(read_vector_text(example(n, ".txt")));
        REQUIRE(env.manifest.components.size() == expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            REQUIRE(env.manifest.components[i].size() == expected[i].size());
            for (std::size_t j = 0; j < expected[i].size(); ++j)
                CHECK(hex_encode(env.manifest.components[i][j]) == expected[i][j]);
        }
        // The manifest bstr is kept with its header: it starts with a bstr head (major type 2).
        CHECK((env.manifest.bstr.at(0) >> 5) == 2);
        REQUIRE(env.manifest.shared_sequence.has_value());
        CHECK_FALSE(env.manifest.shared_sequence->empty());
    }
}

TEST_CASE("example 0: command sequences decode to the spec's commands") {
    auto env = suit::Envelope::parse(read_vector(example(0, ".suit")));
    const auto& shared = *env.manifest.shared_sequence;
    REQUIRE(shared.size() == 3);
    CHECK(shared[0].id == suit::command::override_parameters);
    CHECK(shared[1].id == 1);  // condition-vendor-identifier
    CHECK(shared[1].argument.as_uint() == 15);
    REQUIRE(env.manifest.sequences.count(suit::key::validate));
    REQUIRE(env.manifest.sequences.count(suit::key::invoke));
    CHECK(env.manifest.sequences.at(suit::key::invoke)[0].id == 23);

    auto j = suit::to_json(env);
    CHECK(j["manifest"]["manifest-sequence-number"] == 0);
    CHECK(j["manifest"]["common"]["components"] == nlohmann::json::parse(R"([["00"]])"));
    auto params = j["manifest"]["common"]["shared-sequence"][0];
    CHECK(params["command"] == "directive-override-parameters");
    CHECK(params["argument"]["vendor-identifier"] == "fa6b4a53d5ad5fdfbe9de663e4d41ffe");
    CHECK(params["argument"]["image-size"] == 34768);
    CHECK(params["argument"]["image-digest"]["algorithm"] == "sha256");
    CHECK(j["manifest"]["invoke"][0]["command"] == "directive-invoke");
    CHECK(j["authentication-wrapper"]["authentication-blocks"][0]["alg-name"] == "ES256");
}

TEST_CASE("example 2: install and text are severed, their bstrs carried in the envelope") {
    auto env = suit::Envelope::parse(read_vector(example(2, ".suit")));
    CHECK(env.manifest.severed.count(suit::key::install) == 1);
    CHECK(env.manifest.severed.count(suit::key::text) == 1);
    CHECK(env.manifest.sequences.count(suit::key::install) == 0);
    CHECK(env.severable_members.count(suit::key::install) == 1);
    CHECK(env.severable_members.count(suit::key::text) == 1);
    auto j = suit::to_json(env);
    CHECK(j["manifest"]["install"]["severed"]["algorithm"] == "sha256");
    CHECK(j["severable-members"]["install"]["commands"][1]["command"] == "directive-fetch");
    CHECK(j["severable-members"]["text"]["text"]["en-US"]["[h'00']"]["vendor-domain"] == "arm.com");
}

TEST_CASE("example 3: try-each arguments are decoded sequences") {
    auto j = suit::to_json(suit::Envelope::parse(read_vector(example(3, ".suit"))));
    auto shared = j["manifest"]["common"]["shared-sequence"];
    bool found = false;
    for (const auto& c : shared)
        if (c["command"] == "directive-try-each") {
            found = true;
            REQUIRE(c["argument"].size() == 2);
            CHECK(c["argument"][0][0]["command"] == "directive-override-parameters");
            CHECK(c["argument"][1][0]["argument"]["component-slot"] == 1);
        }
    CHECK(found);
}

TEST_CASE("annotated diagnostic notation names keys as the spec's examples do") {
    for (int n = 0; n <= 5; ++n) {
        CAPTURE(n);
        std::string diag = suit::annotated_diagnostic(suit::Envelope::parse(read_vector(example(n, ".suit"))));
        CHECK(diag.rfind("107({", 0) == 0);
        CHECK(diag.find("/ authentication-wrapper / 2:<< [") != std::string::npos);
        CHECK(diag.find("/ manifest / 3:<< {") != std::string::npos);
        CHECK(diag.find("/ manifest-version / 1:1,") != std::string::npos);
        CHECK(diag.find("/ manifest-sequence-number / 2:" + std::to_string(n) + ",") != std::string::npos);
        CHECK(diag.find("/ algorithm-id / -16 / \"sha256\" /") != std::string::npos);
        CHECK(diag.find("/ alg / 1:-7 / \"ES256\" /") != std::string::npos);
        CHECK(diag.find("/ directive-override-parameters / 20,{") != std::string::npos);
    }
    std::string d0 = suit::annotated_diagnostic(suit::Envelope::parse(read_vector(example(0, ".suit"))));
    CHECK(d0.find("/ condition-vendor-identifier / 1,15") != std::string::npos);
    CHECK(d0.find("/ image-size / 14:34768") != std::string::npos);
    CHECK(d0.find("/ invoke / 9:<< [") != std::string::npos);
}

TEST_CASE("malformed envelopes are Error(malformed)") {
    Bytes good = read_vector(example(0, ".suit"));
    // truncated anywhere
    for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{10}, good.size() / 2, good.size() - 1}) {
        CAPTURE(len);
        Bytes cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
        CHECK(kind_of([&] { suit::Envelope::parse(cut); }) == ErrorKind::malformed);
    }
    auto env = cbor::decode(good).tag_content();
    auto rebuild = [&](const std::function<void(cbor::Map&)>& change) {
        cbor::Value copy = env;
        change(copy.as_map());
        return cbor::encode(cbor::Value::tag(107, copy));
    };
    // no authentication wrapper
    Bytes no_auth = rebuild([](cbor::Map& m) { m.erase(m.begin()); });
    CHECK(kind_of([&] { suit::Envelope::parse(no_auth); }) == ErrorKind::malformed);
    // manifest not bstr-wrapped
    Bytes bare = rebuild([](cbor::Map& m) { m[1].second = cbor::decode(m[1].second.as_bytes()); });
    CHECK(kind_of([&] { suit::Envelope::parse(bare); }) == ErrorKind::malformed);
    // wrong tag
    Bytes wrong_tag = cbor::encode(cbor::Value::tag(108, env));
    CHECK(kind_of([&] { suit::Envelope::parse(wrong_tag); }) == ErrorKind::malformed);
    // untagged is accepted (TEEP)
    CHECK_FALSE(suit::Envelope::parse(cbor::encode(env)).tagged);
}
