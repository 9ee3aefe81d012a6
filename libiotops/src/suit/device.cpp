// The simulated device directory: loading, creating and committing by atomic exchange.
#include "iotops/suit/device.hpp"
#include "iotops/suit/uuid.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"

namespace iotops::suit {
namespace fs = std::filesystem;
namespace {

void write_file(const fs::path& p, ByteView data, fs::perms perms = fs::perms::owner_read | fs::perms::owner_write |
                                                                     fs::perms::group_read | fs::perms::others_read) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    out.flush();
    if (!out) throw Error(ErrorKind::io, p.string() + ": cannot write");
    fs::permissions(p, perms);
}

Bytes uuid_member(const nlohmann::json& j, const char* name, const std::string& where) {
    if (!j.contains(name) || !j[name].is_string())
        throw Error(ErrorKind::config, where + ": \"" + name + "\" must be a UUID string");
    try {
        return parse_uuid(j[name].get<std::string>());
    } catch (const Error& e) {
        throw Error(ErrorKind::config, where + ": \"" + name + "\": " + e.what());
    }
}

std::string unique_suffix() {
    std::random_device rd;
    return std::to_string(getpid()) + "-" + std::to_string(rd());
}

}  // namespace

std::string component_file_name(const ComponentId& id) {
    if (id.empty()) return "-";
    std::string out;
    for (const auto& seg : id) {
        if (!out.empty()) out += '.';
        out += seg.empty() ? "_" : hex_encode(seg);
    }
    return out;
}

Device Device::load(const std::string& path) {
    fs::path dir(path);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(ErrorKind::missing, path + ": no such device directory",
                                                "create one with 'iot-suit device-init'");
    Device d;
    d.path = path;
    std::string where = (dir / "device.json").string();
    Bytes raw = read_file(where);
    try {
        d.state = nlohmann::json::parse(raw.begin(), raw.end());
    } catch (const std::exception&) {
        throw Error(ErrorKind::config, where + ": not valid JSON");
    }
    if (!d.state.is_object()) throw Error(ErrorKind::config, where + ": expected a JSON object");
    d.identity.vendor_id = uuid_member(d.state, "vendor-id", where);
    d.identity.class_id = uuid_member(d.state, "class-id", where);
    if (d.state.contains("device-id") && !d.state["device-id"].is_null())
        d.identity.device_id = uuid_member(d.state, "device-id", where);
    for (const char* n : {"sequence-number", "slot"}) {
        if (d.state.contains(n) && !d.state[n].is_null() && !d.state[n].is_number_unsigned())
            throw Error(ErrorKind::config, where + ": \"" + n + "\" must be a non-negative integer");
    }
    if (d.state.contains("sequence-number") && !d.state["sequence-number"].is_null())
        d.sequence_number = d.state["sequence-number"].get<std::uint64_t>();
    if (d.state.contains("slot") && !d.state["slot"].is_null()) d.slot = d.state["slot"].get<std::uint64_t>();
    if (fs::is_directory(dir / "components"))
        for (const auto& e : fs::directory_iterator(dir / "components"))
            if (e.is_regular_file()) d.components[e.path().filename().string()] = read_file(e.path().string());
    try {
        load_keys(dir, d);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::malformed && e.kind() != ErrorKind::usage) throw;
        throw Error(ErrorKind::config, std::string(e.what()), "the device's trust/ and keys/ hold only keys");
    }
    return d;
}

void Device::load_keys(const fs::path& dir, Device& d) {
    if (fs::is_directory(dir / "trust")) {
        for (const auto& e : fs::directory_iterator(dir / "trust")) {
            std::string p = e.path().string(), ext = e.path().extension().string();
            if (ext == ".mac") {
                d.anchors.mac_keys.push_back(read_file(p));
            } else if (ext == ".pem" || ext == ".der" || ext == ".crt") {
                Bytes b = read_file(p);
                if (to_string(b).find("CERTIFICATE") != std::string::npos)
                    for (auto& c : crypto::Certificate::load_all_file(p)) d.anchors.certificates.push_back(std::move(c));
                else
                    try {
                        d.anchors.keys.push_back(crypto::PublicKey::load(b));
                    } catch (const Error& err) {
                        throw Error(err.kind(), p + ": " + err.what());
                    }
            }
        }
    }
    if (fs::is_directory(dir / "keys")) {
        for (const auto& e : fs::directory_iterator(dir / "keys")) {
            std::string p = e.path().string(), ext = e.path().extension().string();
            if (ext == ".kek") {
                d.keys.keks.push_back(read_file(p));
                if (d.keys.keks.back().size() != 16)
                    throw Error(ErrorKind::usage, p + ": an A128KW key-encryption key must be exactly 16 bytes");
            }
            else if (ext == ".pem") d.keys.private_keys.push_back(crypto::PrivateKey::load_file(p));
        }
    }
}

void Device::commit() const {
    fs::path dir = fs::absolute(fs::path(path)).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();
    fs::path stage = dir.parent_path() / ("." + dir.filename().string() + ".stage-" + unique_suffix());
    try {
        fs::copy(dir, stage, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        fs::remove_all(stage / "components");
        fs::create_directories(stage / "components");
        for (const auto& [name, data] : components) write_file(stage / "components" / name, data);
        nlohmann::json j = state;
        j["sequence-number"] = sequence_number ? nlohmann::json(*sequence_number) : nlohmann::json();
        std::string text = j.dump(2) + "\n";
        write_file(stage / "device.json", as_bytes(text));
        // One atomic step: the staged tree takes the device's name, the old tree takes the stage's.
        if (renameat2(AT_FDCWD, stage.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0)
            throw Error(ErrorKind::io, dir.string() + ": cannot swap in the updated device: " + std::strerror(errno));
    } catch (const fs::filesystem_error& e) {
        std::error_code ec;
        fs::remove_all(stage, ec);
        throw Error(ErrorKind::io, std::string("staging the device update: ") + e.what());
    } catch (...) {
        std::error_code ec;
        fs::remove_all(stage, ec);
        throw;
    }
    std::error_code ec;
    fs::remove_all(stage, ec);  // now the old tree
}

DeviceLock::DeviceLock(const std::string& path) {
    fs::path dir = fs::absolute(fs::path(path)).lexically_normal();
    if (!dir.has_filename()) dir = dir.parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::missing, path + ": no such device directory", "create one with 'iot-suit device-init'");
    fs::path lock = dir.parent_path() / ("." + dir.filename().string() + ".lock");
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0)
        throw Error(ErrorKind::io, lock.string() + ": cannot lock the device: " + std::strerror(errno));
}

DeviceLock::~DeviceLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays, harmless
}

void init_device(const std::string& path, const DeviceInit& init) {
    fs::path dir(path);
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw Error(ErrorKind::usage, path + ": already exists and is not an empty directory");
    if (init.vendor_id.size() != 16 || init.class_id.size() != 16 || (init.device_id && init.device_id->size() != 16))
        throw Error(ErrorKind::usage, "vendor, class and device identifiers must be 16-byte UUIDs");
    for (const auto& f : init.key_files) {
        std::string ext = fs::path(f).extension().string();
        if (ext != ".kek" && ext != ".pem")
            throw Error(ErrorKind::usage, f + ": a decryption key file must be NAME.kek (16-byte secret) or NAME.pem (P-256 private key)");
        if (ext == ".kek" && read_file(f).size() != 16)
            throw Error(ErrorKind::usage, f + ": an A128KW key-encryption key must be exactly 16 bytes");
    }
    for (const auto& f : init.trust_files) {
        std::string ext = fs::path(f).extension().string();
        if (ext != ".pem" && ext != ".der" && ext != ".crt" && ext != ".mac")
            throw Error(ErrorKind::usage, f + ": a trust anchor must be a .pem/.der/.crt key or certificate, or a .mac secret");
        read_file(f);
    }
    fs::create_directories(dir / "components");
    fs::create_directories(dir / "trust");
    fs::create_directories(dir / "keys");
    fs::permissions(dir / "keys", fs::perms::owner_all);
    for (const auto& f : init.trust_files) fs::copy_file(f, dir / "trust" / fs::path(f).filename());
    for (const auto& f : init.key_files) {
        fs::copy_file(f, dir / "keys" / fs::path(f).filename());
        fs::permissions(dir / "keys" / fs::path(f).filename(), fs::perms::owner_read | fs::perms::owner_write);
    }
    nlohmann::json j = {{"vendor-id", format_uuid(init.vendor_id)},
                        {"class-id", format_uuid(init.class_id)},
                        {"device-id", init.device_id ? nlohmann::json(format_uuid(*init.device_id)) : nlohmann::json()},
                        {"sequence-number", init.sequence_number ? nlohmann::json(*init.sequence_number) : nlohmann::json()},
                        {"slot", init.slot},
                        {"invoked", nlohmann::json::array()}};
    std::string text = j.dump(2) + "\n";
    write_file(dir / "device.json", as_bytes(text));
}

}  // namespace iotops::suit
