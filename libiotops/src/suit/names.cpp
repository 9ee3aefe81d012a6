// The name table. Numbers and names follow draft-ietf-suit-manifest.cddl (-37); the few added by
// trust-domains (TD), update-management (UM) and firmware-encryption (FE) are marked.
#include "iotops/suit/names.hpp"

#include <array>

namespace iotops::suit {
namespace {

struct Entry {
    Space space;
    std::int64_t key;
    std::string_view name;
};

constexpr std::array table{
    // SUIT_Envelope
    Entry{Space::envelope, 2, "authentication-wrapper"},
    Entry{Space::envelope, 3, "manifest"},
    Entry{Space::envelope, 14, "coswid"},                  // UM
    Entry{Space::envelope, 15, "dependency-resolution"},   // TD
    Entry{Space::envelope, 16, "payload-fetch"},
    Entry{Space::envelope, 18, "candidate-verification"},  // TD
    Entry{Space::envelope, 20, "install"},
    Entry{Space::envelope, 23, "text"},
    // SUIT_Manifest
    Entry{Space::manifest, 1, "manifest-version"},
    Entry{Space::manifest, 2, "manifest-sequence-number"},
    Entry{Space::manifest, 3, "common"},
    Entry{Space::manifest, 4, "reference-uri"},
    Entry{Space::manifest, 5, "manifest-component-id"},  // TD
    Entry{Space::manifest, 6, "set-version"},            // UM
    Entry{Space::manifest, 7, "validate"},
    Entry{Space::manifest, 8, "load"},
    Entry{Space::manifest, 9, "invoke"},
    Entry{Space::manifest, 14, "coswid"},                  // UM
    Entry{Space::manifest, 15, "dependency-resolution"},   // TD
    Entry{Space::manifest, 16, "payload-fetch"},
    Entry{Space::manifest, 18, "candidate-verification"},  // TD
    Entry{Space::manifest, 20, "install"},
    Entry{Space::manifest, 23, "text"},
    Entry{Space::manifest, 24, "uninstall"},  // TD
    // SUIT_Common
    Entry{Space::common, 1, "dependencies"},  // TD
    Entry{Space::common, 2, "components"},
    Entry{Space::common, 4, "shared-sequence"},
    // Conditions
    Entry{Space::command, 1, "condition-vendor-identifier"},
    Entry{Space::command, 2, "condition-class-identifier"},
    Entry{Space::command, 3, "condition-image-match"},
    Entry{Space::command, 4, "condition-use-before"},  // UM
    Entry{Space::command, 5, "condition-component-slot"},
    Entry{Space::command, 6, "condition-check-content"},
    Entry{Space::command, 7, "condition-dependency-integrity"},  // TD
    Entry{Space::command, 8, "condition-is-dependency"},         // TD
    Entry{Space::command, 14, "condition-abort"},
    Entry{Space::command, 24, "condition-device-identifier"},
    Entry{Space::command, 25, "condition-image-not-match"},    // UM
    Entry{Space::command, 26, "condition-minimum-battery"},    // UM
    Entry{Space::command, 27, "condition-update-authorized"},  // UM
    Entry{Space::command, 28, "condition-version"},            // UM
    // Directives
    Entry{Space::command, 11, "directive-process-dependency"},  // TD
    Entry{Space::command, 12, "directive-set-component-index"},
    Entry{Space::command, 15, "directive-try-each"},
    Entry{Space::command, 18, "directive-write"},
    Entry{Space::command, 19, "directive-set-parameters"},  // TD
    Entry{Space::command, 20, "directive-override-parameters"},
    Entry{Space::command, 21, "directive-fetch"},
    Entry{Space::command, 22, "directive-copy"},
    Entry{Space::command, 23, "directive-invoke"},
    Entry{Space::command, 29, "directive-wait"},  // UM
    Entry{Space::command, 31, "directive-swap"},
    Entry{Space::command, 32, "directive-run-sequence"},
    Entry{Space::command, 33, "directive-unlink"},             // TD
    Entry{Space::command, 34, "directive-override-multiple"},  // UM
    Entry{Space::command, 35, "directive-copy-params"},        // UM
    // Parameters
    Entry{Space::parameter, 1, "vendor-identifier"},
    Entry{Space::parameter, 2, "class-identifier"},
    Entry{Space::parameter, 3, "image-digest"},
    Entry{Space::parameter, 4, "use-before"},  // UM
    Entry{Space::parameter, 5, "component-slot"},
    Entry{Space::parameter, 12, "strict-order"},
    Entry{Space::parameter, 13, "soft-failure"},
    Entry{Space::parameter, 14, "image-size"},
    Entry{Space::parameter, 18, "content"},
    Entry{Space::parameter, 19, "encryption-info"},  // FE
    Entry{Space::parameter, 21, "uri"},
    Entry{Space::parameter, 22, "source-component"},
    Entry{Space::parameter, 23, "invoke-args"},
    Entry{Space::parameter, 24, "device-identifier"},
    Entry{Space::parameter, 25, "fetch-arguments"},
    // SUIT_Text_Map and SUIT_Text_Component
    Entry{Space::text, 1, "manifest-description"},
    Entry{Space::text, 2, "update-description"},
    Entry{Space::text, 3, "manifest-json-source"},
    Entry{Space::text, 4, "manifest-yaml-source"},
    Entry{Space::text_component, 1, "vendor-name"},
    Entry{Space::text_component, 2, "model-name"},
    Entry{Space::text_component, 3, "vendor-domain"},
    Entry{Space::text_component, 4, "model-info"},
    Entry{Space::text_component, 5, "component-description"},
    Entry{Space::text_component, 6, "component-version"},
    // SUIT_Digest algorithms (COSE ids)
    Entry{Space::digest_algorithm, -16, "sha256"},
    Entry{Space::digest_algorithm, -18, "shake128"},
    Entry{Space::digest_algorithm, -43, "sha384"},
    Entry{Space::digest_algorithm, -44, "sha512"},
    Entry{Space::digest_algorithm, -45, "shake256"},
    // COSE algorithms met in SUIT authentication blocks
    Entry{Space::cose_algorithm, -7, "ES256"},
    Entry{Space::cose_algorithm, -9, "ESP256"},
    Entry{Space::cose_algorithm, -8, "EdDSA"},
    Entry{Space::cose_algorithm, -19, "Ed25519"},
    Entry{Space::cose_algorithm, -35, "ES384"},
    Entry{Space::cose_algorithm, -46, "HSS-LMS"},
    Entry{Space::cose_algorithm, 5, "HMAC 256/256"},
};

}  // namespace

std::optional<std::string_view> name_of(Space space, std::int64_t key) {
    for (const auto& e : table)
        if (e.space == space && e.key == key) return e.name;
    return std::nullopt;
}

std::optional<std::int64_t> key_of(Space space, std::string_view name) {
    for (const auto& e : table)
        if (e.space == space && e.name == name) return e.key;
    return std::nullopt;
}

bool is_severable(std::int64_t k) { return k == 14 || k == 15 || k == 16 || k == 18 || k == 20 || k == 23; }

bool is_command_sequence(std::int64_t k) {
    return k == 7 || k == 8 || k == 9 || k == 15 || k == 16 || k == 18 || k == 20 || k == 24;
}

}  // namespace iotops::suit
