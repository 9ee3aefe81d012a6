// Output: stdout, or `-o FILE` written atomically (temporary file in the same directory, fsync,
// rename). Binary output to a terminal is refused unless -o or --force. Private keys get mode 0600.
#pragma once
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <string>
#include <string_view>

#include "iotops/core/bytes.hpp"

namespace iotops::cli {

struct OutputOptions {
    std::string path = "-";  // "-" is stdout
    bool force = false;      // binary to a terminal anyway
};

// `-o,--output FILE` and `--force`.
void add_output_options(CLI::App& verb, OutputOptions& out);

enum class Content { text, binary };
enum class Access { normal, private_key };  // private_key: file mode 0600

// One output, written in pieces. For a file, nothing is visible at the path until commit();
// destroying an uncommitted sink removes the temporary file and leaves the old file untouched.
class OutputSink {
public:
    // Throws Error(usage) for binary output to a terminal without --force, and the
    // errno-derived kind when the temporary file cannot be made.
    OutputSink(const OutputOptions& opts, Content content, Access access = Access::normal,
               int stdout_fd = STDOUT_FILENO);
    OutputSink(const OutputSink&) = delete;
    OutputSink& operator=(const OutputSink&) = delete;
    ~OutputSink();

    void write(ByteView data);
    void write(std::string_view text) { write(as_bytes(text)); }
    // Flushes stdout, or fsyncs and renames the temporary file into place.
    void commit();

    bool to_file() const { return !tmp_path_.empty(); }

private:
    void abort() noexcept;

    int fd_ = -1;
    std::string path_;      // final path ("" for stdout)
    std::string tmp_path_;  // temporary file while writing
    bool committed_ = false;
    bool device_ = false;   // -o names a device or FIFO, written in place
};

// Writes one complete output.
void write_output(const OutputOptions& opts, ByteView data, Content content, Access access = Access::normal);

}  // namespace iotops::cli
