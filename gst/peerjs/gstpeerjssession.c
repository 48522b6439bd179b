/* being written */
#include "gstpeerjssession.h"
