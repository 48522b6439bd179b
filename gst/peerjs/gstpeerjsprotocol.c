/* being written */
#include "gstpeerjsprotocol.h"
