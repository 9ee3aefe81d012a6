// SUIT creation, signing and severing in the library: the spec examples' manifests from their
// descriptions, UUIDv5, file digests, sign-what-you-checked and severing round trips.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/crypto/cose.hpp"
#include "iotops/crypto/hasher.hpp"
#include "iotops/crypto/key.hpp"
#include "iotops/suit.hpp"
#include "vectors.hpp"

using namespace iotops;
using iotops::test::read_vector;
using iotops::test::read_vector_text;
using iotops::test::vector_path;

namespace {

suit::Created create_example(int n) {
    auto d = suit::parse_description(read_vector_text("suit/create/example" + std::to_string(n) + ".yaml"));
    return suit::create(d);
}

}  // namespace

TEST_CASE("uuid5 gives the RFC 9124 vendor id of the examples") {
    Bytes vendor = suit::uuid5(suit::named_namespace("dns"), as_bytes(std::string_view("arm.com")));
    CHECK(suit::format_uuid(vendor) == "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe");
    CHECK(suit::parse_uuid("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe") == vendor);
    // NAMESPACE_CBOR_PEN = UUID5(NAMESPACE_OID, raw bytes D86F452B06010401)
    CHECK(suit::format_uuid(suit::uuid5(suit::named_namespace("oid"), hex_decode("d86f452b06010401"))) ==
          "47fbdabb-f2e4-55f0-bb39-3620c2f6df4e");
    CHECK_THROWS_AS(suit::parse_uuid("fa6b4a53d5ad5fdfbe9de663e4d41ffe"), Error);
    CHECK_THROWS_AS(suit::parse_uuid("fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffg"), Error);
}

TEST_CASE("the six spec examples: manifest bytes and digest as published") {
    for (int n = 0; n < 6; ++n) {
        CAPTURE(n);
        suit::Created c = create_example(n);
        Bytes published = read_vector("suit/manifest-spec/example" + std::to_string(n) + ".suit");
        suit::Envelope want = suit::Envelope::parse(published);
        CHECK(c.manifest == want.manifest.bstr);
        CHECK(c.digest.bytes == want.digest.bytes);
        CHECK(c.digest_item == want.digest_item);
        for (const auto& [k, item] : want.severable_members) CHECK(c.severed.at(k) == item);
        // the unsigned envelope parses and re-signing the published one keeps its manifest
        suit::Envelope mine = suit::Envelope::parse(c.envelope);
        CHECK(mine.authentication_blocks.empty());
        Bytes resigned = suit::sign_envelope(want, published, {}, true);
        CHECK(suit::Envelope::parse(resigned).manifest.bstr == want.manifest.bstr);
    }
}

TEST_CASE("signing checks the digest first and signs the encoded SUIT_Digest") {
    suit::Created c = create_example(1);
    auto key = crypto::PrivateKey::load_file(vector_path("suit/manifest-spec/private_key.pem"));
    crypto::cose::Signer signer(key);
    suit::Authenticator a;
    a.signer = &signer;
    a.kid = Bytes{'k'};
    suit::Envelope env = suit::Envelope::parse(c.envelope);
    Bytes signed_env = suit::sign_envelope(env, c.envelope, {suit::authentication_block(a, env.digest_item)}, false);
    suit::TrustAnchors anchors;
    anchors.keys.push_back(key.public_key());
    CHECK(suit::verify(suit::Envelope::parse(signed_env), anchors).ok());

    Bytes tampered = c.envelope;
    tampered[tampered.size() - 1] ^= 1;  // inside the manifest's last command
    suit::Envelope bad = suit::Envelope::parse(tampered);
    CHECK_THROWS_WITH_AS(suit::sign_envelope(bad, tampered, {}, false), doctest::Contains("refusing to sign"), Error);
}

TEST_CASE("severing example 2's members gives the published manifest; --drop keeps only digests") {
    std::string text = read_vector_text("suit/create/example2.yaml");
    text = text.substr(0, text.find("sever:"));
    suit::Created whole = suit::create(suit::parse_description(text));
    suit::Envelope env = suit::Envelope::parse(whole.envelope);
    suit::Severed s = suit::sever(env, whole.envelope, {});
    CHECK(s.severed == std::set<std::int64_t>{20, 23});
    suit::Envelope published = suit::Envelope::parse(read_vector("suit/manifest-spec/example2.suit"));
    suit::Envelope mine = suit::Envelope::parse(s.envelope);
    CHECK(mine.manifest.bstr == published.manifest.bstr);
    CHECK(mine.severable_members == published.severable_members);

    suit::SeverOptions drop;
    drop.drop = true;
    suit::Envelope dropped = suit::Envelope::parse(suit::sever(env, whole.envelope, drop).envelope);
    CHECK(dropped.severable_members.empty());
    CHECK(dropped.manifest.severed.size() == 2);
    CHECK_THROWS_AS(suit::sever(mine, s.envelope, {}), Error);  // nothing left to sever
}

TEST_CASE("image digest and size from a file; typed bytes only") {
    std::string path = (std::filesystem::temp_directory_path() / ("suit_create_" + std::to_string(::getpid()) + ".bin")).string();
    {
        std::ofstream f(path, std::ios::binary);
        for (int i = 0; i < 300000; ++i) f.put(static_cast<char>(i * 7));
    }
    crypto::FileDigest fd = crypto::digest_file(crypto::Hash::sha256, path);
    CHECK(fd.size == 300000);
    CHECK(fd.digest == crypto::digest(crypto::Hash::sha256, read_file(path)));
    auto d = suit::parse_description("sequence-number: 1\ncomponents: [[{hex: '00'}]]\nshared-sequence:\n"
                                     "  - override-parameters: {image-digest: {file: '" + path + "'}, image-size: {file: '" +
                                     path + "'}}\n");
    suit::Created c = suit::create(d);
    suit::Envelope env = suit::Envelope::parse(c.envelope);
    const auto& params = env.manifest.shared_sequence->at(0).argument;
    CHECK(params.find(14)->as_uint() == 300000);
    CHECK(cbor::decode(params.find(3)->as_bytes()).as_array()[1].as_bytes() == fd.digest);
    std::remove(path.c_str());

    CHECK_THROWS_WITH_AS(suit::create(suit::parse_description("sequence-number: 1\ncomponents: [['00']]")),
                         doctest::Contains("untyped string"), Error);
    suit::CreateOptions no_files;
    no_files.allow_files = false;
    CHECK_THROWS_AS(suit::create(d, no_files), Error);
}
