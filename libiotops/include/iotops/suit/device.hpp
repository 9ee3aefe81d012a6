// A simulated SUIT device held in a directory:
//
//   DEVICE/device.json   identity and state: {"vendor-id": UUID, "class-id": UUID, "device-id": UUID
//                        (optional), "sequence-number": N (null until a manifest is accepted),
//                        "slot": N, "invoked": [...]}
//   DEVICE/components/   one file per component; the name is the component identifier's segments
//                        in hex joined by '.', so [h'00'] is "00"
//   DEVICE/trust/        trust anchors: *.pem public keys or certificates (COSE_Sign1), *.mac secrets (COSE_Mac0)
//   DEVICE/keys/         decryption keys: *.kek 16-byte A128KW secrets, *.pem P-256 private keys (ECDH-ES)
//
// Loading reads everything; committing writes a full staged copy beside the directory and swaps
// it in with one atomic rename, so a device is either wholly old or wholly new.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotops/core/bytes.hpp"
#include "iotops/suit/encryption.hpp"
#include "iotops/suit/envelope.hpp"
#include "iotops/suit/verify.hpp"

namespace iotops::suit {

struct DeviceIdentity {
    Bytes vendor_id;                // 16 bytes
    Bytes class_id;                 // 16 bytes
    std::optional<Bytes> device_id; // 16 bytes
};

struct Device {
    std::string path;
    DeviceIdentity identity;
    std::optional<std::uint64_t> sequence_number;  // of the last accepted manifest; none yet when absent
    std::uint64_t slot = 0;             // what suit-condition-component-slot compares against
    nlohmann::json state;               // device.json as read (unknown members are kept)
    std::map<std::string, Bytes> components;  // by file name
    TrustAnchors anchors;
    DecryptionKeys keys;

    // Error(missing) when the directory or device.json is absent, Error(config) when device.json is wrong.
    static Device load(const std::string& path);
    // Writes device.json and components/ into a staged copy and swaps it with the directory.
    void commit() const;

private:
    static void load_keys(const std::filesystem::path& dir, Device& d);
};

// An exclusive lock on a device, held from load to commit so that two runs cannot both accept a
// manifest (anti-rollback would be lost). The lock file sits beside the directory, never in it.
class DeviceLock {
public:
    explicit DeviceLock(const std::string& path);  // blocks; Error(io) when the lock cannot be taken
    ~DeviceLock();
    DeviceLock(const DeviceLock&) = delete;
    DeviceLock& operator=(const DeviceLock&) = delete;

private:
    int fd_ = -1;
};

// Creates a new device directory. Error(usage) when it exists and is not empty.
struct DeviceInit {
    Bytes vendor_id, class_id;
    std::optional<Bytes> device_id;
    std::optional<std::uint64_t> sequence_number;
    std::uint64_t slot = 0;
    std::vector<std::string> trust_files;  // copied into trust/
    std::vector<std::string> key_files;    // copied into keys/
};
void init_device(const std::string& path, const DeviceInit& init);

// "00" for [h'00'], "6170702e62696e.01" for ['app.bin', h'01']; "-" for the empty identifier.
std::string component_file_name(const ComponentId& id);

}  // namespace iotops::suit
