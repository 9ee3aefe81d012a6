// Fuzz target: JWS parsing in every serialization, then a verification attempt. Malformed input must
// end in Error(malformed); nothing may crash, leak or throw anything else.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "iotops/core/error.hpp"
#include "iotops/crypto/jws.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace iotops;
    using namespace iotops::crypto;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Jws jws;
    try {
        jws = Jws::parse(text);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed) std::abort();
        return 0;
    }
    // Parsed: every signature must have an alg other than "none" and a consistent signing input.
    for (std::size_t i = 0; i < jws.signatures.size(); ++i) {
        if (jws.signatures[i].alg.empty() || jws.signatures[i].alg == "none") std::abort();
        if (jws.signing_input(i).size() != jws.signatures[i].protected_b64.size() + 1 + jws.payload_b64.size())
            std::abort();
    }
    // Verification with the x5c leaf (and a chain check against itself) is a result, never an exception.
    JwsVerifyOptions options;
    if (!jws.signatures.empty() && !jws.signatures[0].x5c.empty()) {
        options.chain = ChainOptions{};
        options.chain->trust_anchors = {jws.signatures[0].x5c.back()};
    }
    for (const auto& r : verify_jws(jws, options)) (void)r.to_json();
    (void)jws.describe();
    // What we write must parse back to the same signatures.
    Jws again = Jws::parse(jws.serialize());
    if (again.signatures.size() != jws.signatures.size() || again.payload != jws.payload) std::abort();
    for (std::size_t i = 0; i < jws.signatures.size(); ++i)
        if (again.signing_input(i) != jws.signing_input(i)) std::abort();
    return 0;
}
