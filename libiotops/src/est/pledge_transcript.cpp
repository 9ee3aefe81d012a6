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

Transcript::Transcript(PledgeOutcome& out, bool record_exchanges)
    : doc(out.transcript), out_(out), record_(record_exchanges) {
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

void Transcript::record_exchanges(crypto::HttpOptions& options) {
    if (!record_) return;
    options.on_exchange = [this](const crypto::HttpExchange& x) {
        if (!current_) return;
        (*current_)["http"].push_back(
            {{"request", {{"method", x.method}, {"url", x.url}, {"headers", headers_json(x.request_headers)},
                          {"body", body_json(x.request_body)}}},
             {"response",
              {{"status", x.response.status}, {"headers", headers_json(x.response.headers)}, {"body", body_json(x.response.body)}}}});
    };
}

void Transcript::record_exchanges(CoapClientOptions& options) {
    if (!record_) return;
    options.on_exchange = [this](const CoapExchange& x) {
        if (!current_) return;
        json request = {{"method", std::string(method_name(x.method))}, {"uri", x.uri + x.path}};
        if (x.content_format) request["content-format"] = *x.content_format;
        if (x.accept) request["accept"] = *x.accept;
        request["body"] = body_json(x.payload);
        json response = {{"code", code_string(x.response->code)}};
        if (x.response->content_format) response["content-format"] = *x.response->content_format;
        response["body"] = body_json(x.response->payload);
        (*current_)["coap"].push_back({{"request", request}, {"response", response}});
    };
}

}  // namespace iotops::est
