/*
 * Stand-in for Windows' bcryptprimitives.dll, for running Rust programs under Wine 8, which
 * lacks it. Rust's standard library (1.78 and later) calls ProcessPrng at start for its hash
 * seeds; this exports ProcessPrng on top of RtlGenRandom (advapi32 SystemFunction036), which
 * Wine has. Built by scripts/windows.sh with MinGW and placed beside the .exe; never shipped.
 */
#include <windows.h>

/* RtlGenRandom: ntsecapi.h only offers it as a macro; declared here under its export name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Fills data with cryptographically random bytes. Like Windows' own, it always succeeds. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            /* Never expected; a caller has no way to recover, as with the real function. */
            RaiseFailFastException(NULL, NULL, 0);
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
