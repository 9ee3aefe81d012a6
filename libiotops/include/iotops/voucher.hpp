// voucher: vouchers and voucher-requests (RFC 8366bis) in CMS, JWS and COSE: model, rules, sign, verify.
#pragma once
#include "iotops/voucher/create.hpp"
#include "iotops/voucher/envelope.hpp"
#include "iotops/voucher/model.hpp"
#include "iotops/voucher/verify.hpp"
