/* being written */
#include "gstpeerjserror.h"
