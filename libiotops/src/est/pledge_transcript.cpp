#include "pledge_transcript.hpp"

#include "iotops/codec/json.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/est/client.hpp"

namespace iotops::est {

using nlohmann::json;

namespace {

// A body as the transcript shows it: text when it is printable UTF-8, base64 otherwise.
json body_json(ByteView body) {
    std::string_view text(reinterpret_cast<const char*>(body.data()), body.size());
    bool printable = valid_utf8(text) && std::none_of(text.begin(), text.end(), [](char c) {
                         return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t';
                     });
    return printable ? json{{"text", text}} : json{{"base64", base64_encode(body)}};
}

json headers_json(const crypto::HttpHeaders& headers) {
    json out = json::object();
    for (const auto& [k, v] : headers) out[k] = v;
    return out;
}

}  // namespace

Transcript::Transcript(PledgeOutcome& out, bool record_http) : doc(out.transcript), out_(out), record_http_(record_http) {
    doc = json::object();
    doc["result"] = "failed";
    doc["steps"] = json::array();
}

bool Transcript::run(const std::string& step, const std::function<void(json&)>& fn) {
    json s = {{"step", step}};
    current_ = &s;
    std::optional<Error> failed;
    try {
        fn(s);
    } catch (const Error& e) {
        failed = e;
    } catch (const std::exception& e) {
        failed = Error(ErrorKind::internal, e.what());
    }
    current_ = nullptr;
    // "result" leads the step's members, whatever the step wrote before it failed.
    json entry = {{"step", step}, {"result", failed ? "fail" : "ok"}};
    if (failed) entry["error"] = failed->what();
    for (auto& [k, v] : s.items())
        if (k != "step") entry[k] = std::move(v);
    doc["steps"].push_back(std::move(entry));
    if (failed && !out_.failure) {
        out_.failure = failed->kind();
        doc["failed-step"] = step;
        doc["error"] = failed->what();
    }
    return !failed;
}

crypto::HttpResponse Transcript::post(crypto::HttpClient& http, const std::string& path, const std::string& content_type,
                                      ByteView body, const crypto::HttpHeaders& headers) {
    crypto::HttpResponse r = http.post(path, content_type, body, headers);
    if (record_http_ && current_) {
        crypto::HttpHeaders sent = headers;
        sent.emplace_back("Content-Type", content_type);
        (*current_)["http"].push_back(
            {{"request", {{"method", "POST"}, {"url", http.origin() + path}, {"headers", headers_json(sent)},
                          {"body", body_json(body)}}},
             {"response", {{"status", r.status}, {"headers", headers_json(r.headers)}, {"body", body_json(r.body)}}}});
    }
    return r;
}

}  // namespace iotops::est
