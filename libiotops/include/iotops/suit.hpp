// suit: SUIT manifests (draft-ietf-suit-manifest): envelope model, names, inspection, verification.
#pragma once
#include "iotops/suit/create.hpp"
#include "iotops/suit/envelope.hpp"
#include "iotops/suit/inspect.hpp"
#include "iotops/suit/names.hpp"
#include "iotops/suit/sever.hpp"
#include "iotops/suit/sign.hpp"
#include "iotops/suit/uuid.hpp"
#include "iotops/suit/verify.hpp"
