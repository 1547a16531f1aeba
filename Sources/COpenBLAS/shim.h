// COpenBLAS: the system OpenBLAS (Debian `libopenblas-dev`) seen from Swift.
// Only the CBLAS interface and OpenBLAS's thread/core queries are used.
#include <cblas.h>
