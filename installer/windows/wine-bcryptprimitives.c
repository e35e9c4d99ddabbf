/*
 * TEST ONLY — never shipped in the MSI.
 *
 * Rust's standard library (1.78+) gets random bytes from ProcessPrng in bcryptprimitives.dll,
 * which Wine 8 (Debian 12) lacks, so db-helper.exe cannot start under that Wine. For the
 * smoke test, installer/check-msi.sh builds this stub and places it beside the installed exe.
 * It forwards to advapi32's RtlGenRandom (SystemFunction036), which Wine has.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll wine-bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
