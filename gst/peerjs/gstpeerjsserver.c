/* being written */
#include "gstpeerjsserver.h"
