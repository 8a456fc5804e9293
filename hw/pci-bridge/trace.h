#include "trace/trace-hw_pci_bridge.h"
