// core: errors, bytes, encodings and time.
#pragma once
#include "iotops/core/bytes.hpp"
#include "iotops/core/encoding.hpp"
#include "iotops/core/error.hpp"
#include "iotops/core/file.hpp"
#include "iotops/core/time.hpp"
