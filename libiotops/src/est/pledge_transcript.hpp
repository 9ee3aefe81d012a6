// Inside est: the pledge's transcript, step by step, and the first failure that ends it.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "iotops/crypto/http.hpp"
#include "iotops/est/coap.hpp"
#include "iotops/est/pledge.hpp"

namespace iotops::est {

class Transcript {
public:
    Transcript(PledgeOutcome& out, bool record_exchanges);

    // Runs one step: appends {"step", "result": "ok"} plus what fn wrote into its object, or
    // "fail" with the error's message. The first failure names the transcript's failed-step,
    // error and the outcome's failure kind. Returns whether the step succeeded.
    bool run(const std::string& step, const std::function<void(nlohmann::json&)>& fn);

    // Sets the hook through which every HTTP exchange of `options`' clients goes into the
    // current step (under "http"), when exchanges are recorded.
    void record_exchanges(crypto::HttpOptions& options);
    // The same for every CoAP exchange, under "coap".
    void record_exchanges(CoapClientOptions& options);

    nlohmann::json& doc;

private:
    PledgeOutcome& out_;
    bool record_;
    nlohmann::json* current_ = nullptr;
};

}  // namespace iotops::est
