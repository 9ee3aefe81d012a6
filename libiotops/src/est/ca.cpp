// Issue, then record, then hand out: a registrar killed at any point leaves index.txt as it was
// or with the new line complete (Database writes it atomically), never a certificate in a
// device's hands that the database does not know.
#include "iotops/est/ca.hpp"

#include <algorithm>
#include <filesystem>

#include "iotops/ca/index.hpp"
#include "iotops/core/error.hpp"

namespace iotops::est {

Ca::Ca(CaConfig config) : config_(std::move(config)), db_(config_.database) {
    if (!(config_.certificate.public_key() == config_.key.public_key()))
        throw Error(ErrorKind::config, "CA: the key does not belong to the CA certificate");
    if (!std::filesystem::exists(config_.database)) db_.create(false);
    (void)db_.load();  // a database that does not parse is a configuration error found at start
}

std::vector<crypto::Certificate> Ca::certificates() const {
    std::vector<crypto::Certificate> out{config_.certificate};
    out.insert(out.end(), config_.chain.begin(), config_.chain.end());
    return out;
}

crypto::Certificate Ca::issue(const crypto::Csr& csr) const {
    if (!csr.verify_signature()) throw Error(ErrorKind::malformed, "the CSR signature does not verify");
    return issue_for(csr.subject_name(), csr.public_key());
}

crypto::Certificate Ca::issue_for(const crypto::Name& subject, const crypto::PublicKey& key) const {
    crypto::CertificateSpec spec;
    spec.subject = subject;
    if (spec.subject.empty()) throw Error(ErrorKind::malformed, "the CSR has an empty subject");
    Time start = now();
    spec.not_before = start - std::chrono::minutes(5);  // tolerate device clocks a little behind
    spec.not_after = std::min(Time(start + config_.validity), config_.certificate.not_after());
    spec.key_usage = crypto::ku_digital_signature;
    spec.ext_key_usage = {crypto::oid::kp_client_auth};
    crypto::Certificate cert = crypto::issue_certificate(spec, key, config_.key, &config_.certificate);

    ca::Entry e;
    e.not_after = cert.not_after();
    e.serial = cert.serial_hex();
    e.subject = cert.subject_oneline();
    if (!config_.certs_dir.empty()) e.file = config_.certs_dir + "/" + e.serial + ".pem";
    record(e);
    if (!config_.certs_dir.empty()) ca::write_file_atomic(e.file, cert.pem());
    return cert;
}

struct Ca::Pending {
    ca::Entry entry;
    std::optional<Error> error;
    bool done = false;
};

void Ca::record(const ca::Entry& entry) const {
    Pending mine{entry, std::nullopt, false};
    std::unique_lock lock(queue_mutex_);
    queue_.push_back(&mine);
    while (!mine.done) {
        if (writing_) {
            queue_done_.wait(lock);
            continue;
        }
        // This thread writes everything queued so far, its own entry included.
        writing_ = true;
        std::vector<Pending*> batch;
        batch.swap(queue_);
        lock.unlock();
        try {
            db_.update([&](ca::Index& idx) {
                bool any = false;
                for (Pending* p : batch) {
                    try {
                        idx.add(p->entry);  // checks before it changes anything
                        any = true;
                    } catch (const Error& e) {
                        p->error = e;
                    }
                }
                return any;
            });
        } catch (const Error& e) {
            for (Pending* p : batch)
                if (!p->error) p->error = e;
        } catch (const std::exception& e) {
            for (Pending* p : batch)
                if (!p->error) p->error = Error(ErrorKind::internal, e.what());
        }
        lock.lock();
        for (Pending* p : batch) p->done = true;
        writing_ = false;
        queue_done_.notify_all();
    }
    if (mine.error) throw *mine.error;
}

bool Ca::issued_and_valid(const crypto::Certificate& cert) const {
    crypto::ChainOptions opts;
    opts.trust_anchors = {config_.certificate};
    if (!crypto::verify_chain(cert, opts).ok) return false;
    ca::Index idx = db_.load();
    const ca::Entry* e = idx.find_serial(cert.serial_hex());
    return e != nullptr && e->status == ca::Status::valid && e->not_after > now();
}

}  // namespace iotops::est
