// The registrar's BRSKI routes (RFC 8995 5.2-5.9) on its HTTPS server, beside the EST ones:
// requestvoucher through the voucher service to the MASA, voucher_status and enrollstatus
// telemetry, each exchange a line in the audit log.
#pragma once
#include <memory>

#include "iotops/crypto/http.hpp"
#include "iotops/crypto/http_server.hpp"
#include "iotops/est/audit_log.hpp"
#include "iotops/est/registrar_voucher.hpp"

namespace iotops::est {

// POSTs to the MASA over HTTPS with these options (its trust anchors, the registrar's client
// certificate). Error(unreachable) when the MASA cannot be reached.
MasaTransport https_masa_transport(crypto::HttpOptions options);

// POST /.well-known/brski/requestvoucher, voucher_status and enrollstatus.
void add_brski_routes(crypto::HttpServer& server, std::shared_ptr<const RegistrarVoucherService> service,
                      AuditLog log);

}  // namespace iotops::est
