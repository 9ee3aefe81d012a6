// The codec area: CBOR with spans, JSON helpers, YANG-CBOR (SID) and input sniffing.
#pragma once
#include "iotops/codec/cbor.hpp"
#include "iotops/codec/json.hpp"
#include "iotops/codec/sniff.hpp"
#include "iotops/codec/yang_cbor.hpp"
