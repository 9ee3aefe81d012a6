// The registrar over CoAPS: EST-coaps (RFC 9148) and the cBRSKI registrar resources
// (draft-ietf-anima-constrained-voucher), as CoapResources over the same Registrar and
// RegistrarVoucherService the HTTPS side uses. The handlers are plain functions of a CoapRequest,
// so tests call them without sockets; CoapServer::add puts them on a DTLS server.
#pragma once
#include <memory>
#include <vector>

#include "iotops/est/audit_log.hpp"
#include "iotops/est/coap.hpp"
#include "iotops/est/registrar.hpp"
#include "iotops/est/registrar_voucher.hpp"

namespace iotops::est {

// The CoAP code for an HTTP status of the shared core: 400 -> 4.00, 401 -> 4.01, 403, 404, 405,
// 406, 413, 415 alike, 500 -> 5.00, 502 -> 5.02, 503 -> 5.03; another 4xx 4.00, anything else 5.00.
unsigned coap_code_for_http(int status);

// GET crts (Accept 281, 62 or 287), POST sen and sren (CF 286; answers 281 or 287), GET att (285),
// POST skg (CF 286; answers 62), under /.well-known/est and under each of the registrar's labels,
// and the </.well-known/est>;rt=ace.est entry. The registrar must outlive the resources.
std::vector<CoapResource> est_coap_resources(const Registrar& registrar);

// POST rv (CF 836 both ways; the MASA's voucher with its unprotected x5bag and x5chain removed),
// vs and es (CF 60 CBOR or 50 JSON; 2.04 empty) under /.well-known/brski, and the
// </.well-known/brski>;rt=brski entry. Each exchange is a line in the log.
std::vector<CoapResource> brski_coap_resources(std::shared_ptr<const RegistrarVoucherService> service, AuditLog log);

}  // namespace iotops::est
